"""The backends "auto" runs on this machine (measured by `python -m qa backends`, or the CPU-flag
rules before that) are faithful to PyTorch fp32: every text's cosine, and the dev questions'
nDCG@10 through the shipped search (queries) or over their candidates (passages)."""
from __future__ import annotations

import numpy as np
import pytest

from models.choice import MAX_NDCG_DROP, MIN_PASSAGE_COSINE, MIN_QUERY_COSINE
from models.encoder import Encoder
from models.precision import resolve_dtype
from qa.engine import Engine
from qa.evaluation.backends import build_probe
from qa.evaluation.evaluate import evaluate
from qa.evaluation.predict import shipped

QUERY, PASSAGE = resolve_dtype("auto", queries=True), resolve_dtype("auto")


@pytest.fixture(scope="module")
def fp32():
    return Encoder(dtype="fp32", show_progress=False)


@pytest.fixture(scope="module")
def probe(built_index, fp32):
    return build_probe(built_index, fp32)


def test_the_chosen_query_backend_is_faithful_to_fp32(built_index, fp32, dev_questions):
    chosen = Encoder(dtype=QUERY, show_progress=False)
    texts = [q["question"] for q in dev_questions]
    cos = np.sum(chosen.encode_queries(texts) * fp32.encode_queries(texts), axis=1)
    ours, ref = (evaluate(dev_questions, shipped(Engine(built_index, encoder=e), 10))["overall"]["ndcg@10"]
                 for e in (chosen, fp32))
    print(f"\nqueries {QUERY}: cos min {cos.min():.5f} over {len(cos)} questions; "
          f"dev nDCG@10 {ours:.3f} vs fp32 {ref:.3f}")
    assert cos.min() >= MIN_QUERY_COSINE
    assert ours >= ref - MAX_NDCG_DROP


def test_the_chosen_passage_backend_is_faithful_to_fp32(probe, fp32):
    chosen = Encoder(dtype=PASSAGE, show_progress=False)
    vectors, ref = chosen.encode_passages(probe.passages), fp32.encode_passages(probe.passages)
    cos = np.sum(vectors * ref, axis=1)
    questions = fp32.encode_queries(probe.queries)
    ours, theirs = probe.rank_passages(questions, vectors), probe.rank_passages(questions, ref)
    print(f"\npassages {PASSAGE}: cos min {cos.min():.5f} over {len(cos)} passages; "
          f"nDCG@10 over the candidates {ours:.3f} vs fp32 {theirs:.3f}")
    assert len(probe.passages) >= 30 and cos.min() >= MIN_PASSAGE_COSINE
    assert ours >= theirs - MAX_NDCG_DROP


def test_the_probe_ranks_with_the_vectors_it_is_given(probe, fp32):
    """The check can fail: reversed scores rank the gold passages last."""
    questions = fp32.encode_queries(probe.queries)
    good = probe.rank_queries(questions)
    assert good > 0.3 and probe.rank_queries(-questions) < good - 0.2
