"""Sentence typicality: the vectorised version against a plain loop, and its meaning on the real index."""
import numpy as np
import pytest

from indexer.typicality import sentence_typicality


def reference(sentences: np.ndarray, passages: np.ndarray, spans: list[tuple[int, int]], k: int) -> np.ndarray:
    """One sentence at a time: mean of the k best cosines to passages not containing it, then centred."""
    values: dict[int, float] = {}
    for s, vector in enumerate(sentences):
        sims = sorted((float(vector @ p) for p, (a, b) in zip(passages, spans) if not a <= s < b), reverse=True)
        if sims:
            values[s] = sum(sims[:k]) / len(sims[:k])
    mean = sum(values.values()) / len(values) if values else 0.0
    return np.array([values[s] - mean if s in values else 0.0 for s in range(len(sentences))])


def unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("k", [1, 3, 5, 50])
def test_matches_the_reference_loop(k):
    rng = np.random.default_rng(k)
    sentences, passages = unit(rng, 40), unit(rng, 9)
    spans = [(i * 4, i * 4 + 7) for i in range(9)]  # overlapping passages, like the index's
    np.testing.assert_allclose(sentence_typicality(sentences, passages, spans, k),
                               reference(sentences, passages, spans, k), atol=1e-5)


def test_sentence_in_every_passage_gets_zero_and_the_rest_stay_centred():
    rng = np.random.default_rng(0)
    sentences, passages = unit(rng, 6), unit(rng, 2)
    spans = [(0, 4), (2, 6)]  # sentences 2 and 3 are in both passages
    out = sentence_typicality(sentences, passages, spans, 5)
    assert out[2] == 0 and out[3] == 0
    assert abs(out[[0, 1, 4, 5]].mean()) < 1e-6
    np.testing.assert_allclose(out, reference(sentences, passages, spans, 5), atol=1e-6)


def test_empty_thesis():
    assert sentence_typicality(np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32), [], 5).shape == (0,)


def test_research_question_sentences_are_typical_of_their_thesis(built_index, encoder):
    """On the real corpus: sentences naming the thesis's research question ("problemstilling")
    restate what the whole thesis is about, so in every thesis they are more typical than its
    average sentence; and the stored column is centred per thesis."""
    from qa.engine import Engine

    engine = Engine(built_index, encoder=encoder)
    typicality = np.asarray(engine.s_typicality)
    assert len(typicality) == len(engine.sentence_ids)
    rows = engine.snapshot.query("SELECT id, thesis_id, text FROM sentences")
    for thesis in engine.theses:
        values = [typicality[r["id"] - 1] for r in rows if r["thesis_id"] == thesis]
        assert abs(float(np.mean(values))) < 1e-4
        stated = [typicality[r["id"] - 1] for r in rows
                  if r["thesis_id"] == thesis and "problemstilling" in r["text"].lower()]
        if stated:
            assert np.mean(stated) > 0, engine.theses[thesis].doc
