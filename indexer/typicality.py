"""How typical each sentence is of its own thesis, stored per sentence for answer scoring.

Some sentences restate what a whole thesis is about ("I denne oppgaven har jeg undersøkt …"):
they sit near every question on the thesis's topic, also the questions the thesis does not
answer, and crowd out the sentence that does answer. A sentence's typicality is the mean cosine
to the ``k`` passages of its thesis, in its own language, most similar to it (passages that
contain the sentence left out), minus the mean of that over the thesis's sentences in the same
language; `qa.answer` subtracts it from the question-sentence score. Restatements of the research
question top the list; specific sentences (a figure, an interview quote) fall below the mean and
gain. Both halves matter: penalising only the typical ones gained nothing on the dev set (see
`qa.params.Params.typicality_weight`). Languages are kept apart because cross-lingual cosines are lower
across the board: an English abstract sentence compared with Norwegian passages would look
atypical and gain for no reason.

It depends on one thesis only, so adding theses to a corpus changes no stored value, and the
cost grows linearly with the corpus.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from store.records import Thesis, ThesisMeta

_CHUNK = 4096  # sentences per matrix product: bounds the memory of a very long thesis


def sentence_typicality(sentence_vectors: np.ndarray, passage_vectors: np.ndarray,
                        passage_sentences: Sequence[tuple[int, int]], sentence_languages: Sequence[str],
                        passage_languages: Sequence[str], k: int) -> np.ndarray:
    """Typicality of each sentence of one thesis (float32, centred per language).

    ``passage_sentences[p]`` is the range ``(first, last + 1)`` of the sentences passage ``p``
    contains. A sentence with no other passage in its language gets 0.
    """
    n = len(sentence_vectors)
    out = np.zeros(n, dtype=np.float32)
    if n == 0 or len(passage_vectors) == 0:
        return out
    lo = np.array([a for a, _ in passage_sentences], dtype=np.int64)
    hi = np.array([b for _, b in passage_sentences], dtype=np.int64)
    s_lang, p_lang = np.asarray(sentence_languages, dtype=object), np.asarray(passage_languages, dtype=object)
    passages = np.asarray(passage_vectors, dtype=np.float32)
    take = min(k, len(passages))
    has_value = np.zeros(n, dtype=bool)
    for first in range(0, n, _CHUNK):
        rows = np.arange(first, min(n, first + _CHUNK))
        sims = np.asarray(sentence_vectors[rows], dtype=np.float32) @ passages.T
        excluded = ((rows[:, None] >= lo[None, :]) & (rows[:, None] < hi[None, :])
                    | (s_lang[rows][:, None] != p_lang[None, :]))
        sims[excluded] = -np.inf
        top = -np.sort(-sims, axis=1)[:, :take]
        counts = np.minimum((~excluded).sum(axis=1), take)
        totals = np.where(np.arange(take)[None, :] < counts[:, None], top, 0.0).sum(axis=1)
        has = counts > 0
        out[rows[has]] = totals[has] / counts[has]
        has_value[rows] = has
    for language in set(s_lang[has_value].tolist()):
        group = has_value & (s_lang == language)
        out[group] -= out[group].mean()
    return out


def thesis_typicality(thesis: Thesis, meta: ThesisMeta, passage_vectors: np.ndarray,
                      sentence_vectors: np.ndarray, k: int) -> np.ndarray:
    """`sentence_typicality` for every sentence of `thesis`; a sentence's language is that of its
    first passage (the catalog's language, else Norwegian, for a sentence in none)."""
    language: dict[int, str] = {}
    for p in thesis.passages:
        for s in range(p.first_sentence, p.last_sentence + 1):
            language.setdefault(s, p.language)
    return sentence_typicality(
        sentence_vectors, passage_vectors, [(p.first_sentence, p.last_sentence + 1) for p in thesis.passages],
        [language.get(s.index, meta.language or "no") for s in thesis.sentences],
        [p.language for p in thesis.passages], k)
