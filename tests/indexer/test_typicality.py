"""Sentence typicality: the vectorised version against a plain loop, and its meaning on the real index."""
import numpy as np
import pytest

from indexer.typicality import sentence_typicality


def reference(sentences: np.ndarray, passages: np.ndarray, spans: list[tuple[int, int]],
              s_lang: list[str], p_lang: list[str], k: int) -> np.ndarray:
    """One sentence at a time: mean of the k best cosines to passages in its language not containing
    it, then centred per language."""
    values: dict[int, float] = {}
    for s, vector in enumerate(sentences):
        sims = sorted((float(vector @ p) for p, (a, b), lang in zip(passages, spans, p_lang)
                       if not a <= s < b and lang == s_lang[s]), reverse=True)
        if sims:
            values[s] = sum(sims[:k]) / len(sims[:k])
    out = np.zeros(len(sentences))
    for lang in set(s_lang):
        group = [s for s in values if s_lang[s] == lang]
        mean = sum(values[s] for s in group) / len(group) if group else 0.0
        for s in group:
            out[s] = values[s] - mean
    return out


def unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("k", [1, 3, 5, 50])
def test_matches_the_reference_loop(k):
    rng = np.random.default_rng(k)
    sentences, passages = unit(rng, 40), unit(rng, 9)
    spans = [(i * 4, i * 4 + 7) for i in range(9)]  # overlapping passages, like the index's
    p_lang = ["no"] * 7 + ["en"] * 2
    s_lang = ["no"] * 28 + ["en"] * 12
    np.testing.assert_allclose(sentence_typicality(sentences, passages, spans, s_lang, p_lang, k),
                               reference(sentences, passages, spans, s_lang, p_lang, k), atol=1e-5)


def test_sentence_in_every_passage_of_its_language_gets_zero_and_the_rest_stay_centred():
    rng = np.random.default_rng(0)
    sentences, passages = unit(rng, 8), unit(rng, 3)
    spans = [(0, 4), (2, 6), (6, 8)]  # sentences 2 and 3 are in both Norwegian passages
    s_lang, p_lang = ["no"] * 6 + ["en"] * 2, ["no", "no", "en"]
    out = sentence_typicality(sentences, passages, spans, s_lang, p_lang, 5)
    assert out[2] == 0 and out[3] == 0 and out[6] == 0 and out[7] == 0  # the English ones: no other passage
    assert abs(out[[0, 1, 4, 5]].mean()) < 1e-6
    np.testing.assert_allclose(out, reference(sentences, passages, spans, s_lang, p_lang, 5), atol=1e-6)


def test_empty_thesis():
    empty = np.zeros((0, 4), np.float32)
    assert sentence_typicality(empty, empty, [], [], [], 5).shape == (0,)


def test_research_question_sentences_are_typical_of_their_thesis(built_index, encoder):
    """On the real corpus: sentences naming the thesis's research question ("problemstilling")
    restate what the whole thesis is about, so in every thesis they are more typical than its
    average sentence; and the stored column is centred per thesis (and language)."""
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
