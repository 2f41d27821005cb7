"""The passage vector index: exact search for small corpora, HNSW above a size threshold.

FAISS ids are passage rows (`passages.id - 1`). The kind of index and its build parameters are
chosen from the number of passages when the snapshot is written (`indexer.params`) and recorded
in the manifest (`"dense_index"`); how wide an HNSW search looks is the query side's choice
(`qa.params.Params.ef_search`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import faiss
import numpy as np

from models.precision import available_cores

@dataclass(frozen=True)
class DenseIndexSpec:
    """Which FAISS index to build and how to search it."""

    kind: str = "flat"  # "flat" (exact inner product) or "hnsw"
    m: int = 32  # HNSW: links per node
    ef_construction: int = 80  # HNSW: candidate list while building

    def to_json(self) -> dict[str, Any]:
        return {"kind": "flat"} if self.kind == "flat" else asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DenseIndexSpec:
        data = dict(data or {"kind": "flat"})
        if data.get("kind") not in ("flat", "hnsw"):
            raise ValueError(f"unknown dense index kind {data.get('kind')!r}")
        # (Snapshots written before the search width became a query parameter also name an
        # "ef_search"; it is ignored.)
        return cls(**{key: data[key] for key in ("kind", "m", "ef_construction") if key in data})


def choose_spec(n_passages: int, exact_up_to: int, *, m: int = 32, ef_construction: int = 80) -> DenseIndexSpec:
    """Exact search up to `exact_up_to` passages, HNSW (with `m`, `ef_construction`) above."""
    if n_passages <= exact_up_to:
        return DenseIndexSpec()
    return DenseIndexSpec(kind="hnsw", m=m, ef_construction=ef_construction)


def build_dense_index(vectors: np.ndarray, spec: DenseIndexSpec) -> faiss.Index:
    """A FAISS index over `vectors` (row i gets id i), inner product on normalised vectors."""
    faiss.omp_set_num_threads(available_cores())  # building is parallel work
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = vectors.shape[1]
    if spec.kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, spec.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = spec.ef_construction
    chunk = 65_536  # bounded temporary memory on large corpora
    for first in range(0, len(vectors), chunk):
        index.add(vectors[first:first + chunk])
    return index


def search_dense(index: faiss.Index, spec: DenseIndexSpec, vector: np.ndarray, k: int,
                 allowed: np.ndarray | None = None, *, ef_search: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the `k` nearest passages to `vector`, best first.

    `allowed` is a boolean mask over rows; rows outside it are never returned. An HNSW index
    keeps `ef_search` candidates (at least `k`) while searching.
    """
    if hasattr(index, "nearest"):  # a database's index (store.pgstore.PgDenseIndex)
        return index.nearest(vector, k, allowed, ef_search=ef_search)
    faiss.omp_set_num_threads(1)  # one query gains nothing from threads (2-3x slower with 2 here)
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    selector = None
    if allowed is not None:
        bitmap = np.packbits(allowed, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
    if spec.kind == "hnsw":
        params = faiss.SearchParametersHNSW(efSearch=max(ef_search, k))
        if selector is not None:
            params.sel = selector
    else:
        params = faiss.SearchParameters(sel=selector) if selector is not None else None
    scores, rows = index.search(np.ascontiguousarray(vector[None, :], dtype=np.float32), k, params=params)
    found = rows[0] >= 0
    return rows[0][found].astype(np.int64), scores[0][found]
