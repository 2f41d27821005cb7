"""How typical each sentence is of its own thesis, stored per sentence for answer scoring.

Some sentences restate what a whole thesis is about ("I denne oppgaven har jeg undersøkt …", the
English abstract): they sit near every question on the thesis's topic, also the questions the
thesis does not answer, and crowd out the sentence that does answer. A sentence's typicality is
the mean cosine to the ``k`` passages of its thesis most similar to it (passages that contain the
sentence left out), minus the thesis's mean over its sentences; `qa.answer` subtracts it from the
question-sentence score. Restatements of the research question top the list; specific sentences
(a figure, an interview quote) fall below the mean and gain. Both halves matter: penalising only
the typical ones gained nothing on the dev set (see `qa.answer.TYPICALITY_WEIGHT`).

It depends on one thesis only, so adding theses to a corpus changes no stored value, and the
cost grows linearly with the corpus.
"""
from __future__ import annotations

import numpy as np

NEIGHBOURS = 5
_CHUNK = 4096  # sentences per matrix product: bounds the memory of a very long thesis


def sentence_typicality(sentence_vectors: np.ndarray, passage_vectors: np.ndarray,
                        passage_sentences: list[tuple[int, int]], k: int = NEIGHBOURS) -> np.ndarray:
    """Typicality of each sentence of one thesis (float32, centred on the thesis mean).

    ``passage_sentences[p]`` is the range ``(first, last + 1)`` of the sentences passage ``p``
    contains. A sentence with no passage outside its own gets 0.
    """
    n = len(sentence_vectors)
    out = np.zeros(n, dtype=np.float32)
    if n == 0 or len(passage_vectors) == 0:
        return out
    lo = np.array([a for a, _ in passage_sentences], dtype=np.int64)
    hi = np.array([b for _, b in passage_sentences], dtype=np.int64)
    passages = np.asarray(passage_vectors, dtype=np.float32)
    has_value = np.zeros(n, dtype=bool)
    for first in range(0, n, _CHUNK):
        rows = np.arange(first, min(n, first + _CHUNK))
        sims = np.asarray(sentence_vectors[rows], dtype=np.float32) @ passages.T
        own = (rows[:, None] >= lo[None, :]) & (rows[:, None] < hi[None, :])
        sims[own] = -np.inf
        others = (~own).sum(axis=1)
        take = min(k, passages.shape[0])
        top = -np.sort(-sims, axis=1)[:, :take]
        counts = np.minimum(others, take)
        valid = np.arange(take)[None, :] < counts[:, None]
        totals = np.where(valid, top, 0.0).sum(axis=1)
        has = counts > 0
        out[rows[has]] = totals[has] / counts[has]
        has_value[rows] = has
    if has_value.any():
        out[has_value] -= out[has_value].mean()
    out[~has_value] = 0.0
    return out
