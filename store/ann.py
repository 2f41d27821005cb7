"""The passage vector index: exact search for small corpora, HNSW above a size threshold.

FAISS ids are passage rows (`passages.id - 1`). The kind of index and its parameters are chosen
from the number of passages when the snapshot is written and recorded in the manifest
(`"dense_index"`), so the query side searches with the parameters the build chose. The threshold
and HNSW parameters come from `python -m bench.scale` (see bench/README.md): below the threshold
an exact scan is fast enough; above it HNSW keeps query time flat with recall@10 ≥ 0.95.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import faiss
import numpy as np

from models.encoder import available_cores

# Passages; above this HNSW. At 10k passages a single-query exact scan already took ~20 ms on
# this 2-core machine against ~1.5 ms for HNSW at recall@10 0.995 (bench/README.md, "Scale").
EXACT_UP_TO = 20_000


@dataclass(frozen=True)
class DenseIndexSpec:
    """Which FAISS index to build and how to search it."""

    kind: str = "flat"  # "flat" (exact inner product) or "hnsw"
    m: int = 32  # HNSW: links per node
    ef_construction: int = 80  # HNSW: candidate list while building
    # HNSW: candidate list while searching (raised to k). qa.search takes a pool of 256 and
    # re-ranks it, so the whole pool must be right, not just its top 10: at 1M synthetic passages
    # qa.search's recall@10 against exact search was 0.79 at 256, 0.93 at 1024 and 0.98 at 2048
    # (dense search ~10 ms there).
    ef_search: int = 2048

    def to_json(self) -> dict[str, Any]:
        return {"kind": "flat"} if self.kind == "flat" else asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DenseIndexSpec:
        data = dict(data or {"kind": "flat"})
        if data.get("kind") not in ("flat", "hnsw"):
            raise ValueError(f"unknown dense index kind {data.get('kind')!r}")
        return cls(**{key: data[key] for key in ("kind", "m", "ef_construction", "ef_search") if key in data})


def choose_spec(n_passages: int, exact_up_to: int = EXACT_UP_TO) -> DenseIndexSpec:
    """Exact search up to `exact_up_to` passages, HNSW above."""
    return DenseIndexSpec() if n_passages <= exact_up_to else DenseIndexSpec(kind="hnsw")


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
                 allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, scores) of the `k` nearest passages to `vector`, best first.

    `allowed` is a boolean mask over rows; rows outside it are never returned.
    """
    faiss.omp_set_num_threads(1)  # one query gains nothing from threads (2-3x slower with 2 here)
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    selector = None
    if allowed is not None:
        bitmap = np.packbits(allowed, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
    if spec.kind == "hnsw":
        params = faiss.SearchParametersHNSW(efSearch=max(spec.ef_search, k))
        if selector is not None:
            params.sel = selector
    else:
        params = faiss.SearchParameters(sel=selector) if selector is not None else None
    scores, rows = index.search(np.ascontiguousarray(vector[None, :], dtype=np.float32), k, params=params)
    found = rows[0] >= 0
    return rows[0][found].astype(np.int64), scores[0][found]
