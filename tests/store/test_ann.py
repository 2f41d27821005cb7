"""The dense passage index: exact and HNSW search against a brute-force reference, on real vectors."""
from __future__ import annotations

import numpy as np
import pytest

from indexer.params import DEFAULT_BUILD
from store.ann import DenseIndexSpec, build_dense_index, choose_spec, search_dense
from store.reader import open_index

HNSW = DenseIndexSpec(kind="hnsw", m=16, ef_construction=80)
EF_SEARCH = 64


@pytest.fixture(scope="module")
def vectors(built_index) -> np.ndarray:
    with open_index(built_index) as snap:
        return np.array(snap.passage_vectors)


@pytest.fixture(scope="module")
def queries(vectors) -> np.ndarray:
    """Real embeddings near, but not on, stored passages: mean of two passages, renormalised."""
    rng = np.random.default_rng(3)
    pairs = rng.choice(len(vectors), size=(40, 2), replace=False)
    mixed = vectors[pairs[:, 0]] + vectors[pairs[:, 1]]
    return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)


def brute_force(vectors: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return [int(i) for i in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[i])]


def assert_same_ranking(vectors: np.ndarray, query: np.ndarray, rows: np.ndarray, expected: list[int]) -> None:
    """Same scores rank by rank (rows may differ only where two passages tie)."""
    np.testing.assert_allclose(vectors[rows] @ query, vectors[expected] @ query, atol=1e-5)
    assert len(set(rows.tolist()) ^ set(expected)) <= 2


def test_size_decides_the_kind():
    limit = DEFAULT_BUILD.exact_up_to
    assert choose_spec(860, limit) == DenseIndexSpec(kind="flat")
    assert choose_spec(limit, limit).kind == "flat" and choose_spec(limit + 1, limit).kind == "hnsw"
    assert choose_spec(limit + 1, limit, m=16, ef_construction=40) == DenseIndexSpec("hnsw", 16, 40)


@pytest.mark.parametrize("spec", [DenseIndexSpec(), HNSW])
def test_spec_survives_the_manifest(spec):
    assert DenseIndexSpec.from_json(spec.to_json()) == spec


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown dense index kind"):
        DenseIndexSpec.from_json({"kind": "lsh"})


def test_flat_search_is_exact(vectors, queries):
    index = build_dense_index(vectors, DenseIndexSpec())
    for query in queries:
        rows, scores = search_dense(index, DenseIndexSpec(), query, 10, ef_search=EF_SEARCH)
        assert_same_ranking(vectors, query, rows, brute_force(vectors, query, 10))
        np.testing.assert_allclose(scores, vectors[rows] @ query, atol=1e-5)


def test_hnsw_recall_against_exact_search(vectors, queries):
    index = build_dense_index(vectors, HNSW)
    found = [len(set(search_dense(index, HNSW, q, 10, ef_search=EF_SEARCH)[0].tolist()) & set(brute_force(vectors, q, 10)))
             for q in queries]
    recall = sum(found) / (10 * len(queries))
    print(f"HNSW (M={HNSW.m}, efSearch={EF_SEARCH}) recall@10 on {len(vectors)} real passages: {recall:.3f}")
    assert recall >= 0.95


@pytest.mark.parametrize("spec", [DenseIndexSpec(), HNSW])
def test_allowed_rows_only(vectors, queries, spec):
    index = build_dense_index(vectors, spec)
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[::7] = True
    rows, _ = search_dense(index, spec, queries[0], 10, allowed, ef_search=EF_SEARCH)
    assert len(rows) == 10 and allowed[rows].all()
    if spec.kind == "flat":
        assert_same_ranking(vectors, queries[0], rows, brute_force(vectors, queries[0], 10, allowed))


def test_k_larger_than_the_index(vectors, queries):
    index = build_dense_index(vectors[:5], DenseIndexSpec())
    rows, scores = search_dense(index, DenseIndexSpec(), queries[0], 50, ef_search=EF_SEARCH)
    assert sorted(rows.tolist()) == [0, 1, 2, 3, 4] and len(scores) == 5
