"""Hybrid passage retrieval: dense passages + dense sentences + BM25, weighted by query language.

Every passage gets three pieces of evidence: the cosine of its embedding to the query's, the best
cosine of one of its sentences, and its BM25 score (divided by the best BM25 score of the query).
The score is their weighted sum, with weights that depend on the question's language: BM25 over
Norwegian text is no help to an English question, so English questions lean on the dense
evidence. The weights and every other knob are in `qa.params` (chosen on the dev set, see
eval/README.md).

A query that a passage among the best contains word for word (a remembered phrase, `qa.phrase`)
puts that passage first.

On a small corpus every passage is scored; on a large one only a pool of candidates is: the
nearest passages of the dense (possibly approximate) index and the best BM25 passages. Cosines
are then computed exactly from the stored vectors, so both paths score a passage the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from analysis.language import question_language
from analysis.lexical import INVISIBLE, analyse
from qa.engine import Engine
from qa.errors import QueryError
from qa.filters import Filters
from qa.params import Params, Weights
from qa.phrase import find_phrase, is_phrase, phrase_pattern
from store.ann import search_dense

Method = Literal["hybrid", "dense", "lexical"]
MAX_QUERY_CHARS = 2000  # the encoder sees 512 tokens at most; BM25 gains nothing from more


@dataclass(frozen=True)
class Hit:
    """A retrieved passage (or several overlapping ones, merged) with its evidence."""

    passage_id: int
    doc: str
    thesis_id: int
    section_id: int
    section: str
    part: str
    language: str
    start: int
    end: int
    text: str
    page_start: int
    page_end: int
    score: float
    dense: float
    sentence: float
    lexical: float
    merged: tuple[int, ...] = field(default=())  # ids of further passages merged into this one


def clean_query(query: str) -> str:
    """The query with control characters removed and white space collapsed; QueryError if empty.

    Characters invisible inside words (zero-width space, soft hyphen, …) are dropped, not turned
    into spaces, so `beh\u200bandling` is searched as `behandling`, as the indexed text holds it.
    """
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    text = "".join("" if ch in INVISIBLE else ch if ch.isprintable() else " " for ch in query)
    text = " ".join(text.split())
    if not text:
        raise QueryError("the question is empty")
    return text[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Retrieval:
    """The outcome of one search: the hits, and what answering needs to reuse."""

    query: str  # the cleaned query
    language: str  # "no" or "en"
    hits: list[Hit]
    vector: np.ndarray | None  # the query embedding (None for lexical-only searches)
    phrase: re.Pattern[str] | None = None  # the query as a pasted phrase (`qa.phrase`), if it is one


def search(engine: Engine, query: str, k: int = 10, filters: Filters | None = None, **options) -> list[Hit]:
    """The `k` best passages for `query`, best first; overlapping passages are merged.

    `options` are those of `retrieve` (`method`, `params`).
    """
    return retrieve(engine, query, k, filters, **options).hits


def retrieve(
    engine: Engine,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    *,
    method: Method = "hybrid",
    params: Params | None = None,
) -> Retrieval:
    """Like `search`, also returning the query's language and embedding (`params`: the engine's
    unless given)."""
    if not isinstance(k, int) or k < 1:
        raise QueryError(f"k must be a whole number of at least 1, got {k!r}")
    query = clean_query(query)
    language = question_language(query)
    allowed = (filters or Filters()).mask(engine)
    params = params or engine.params
    w: Weights = params.weights[language]
    phrase = phrase_pattern(query) if is_phrase(query) else None
    if allowed is not None and not allowed.any():
        return Retrieval(query, language, [], None, phrase)
    vector = None if method == "lexical" else engine.encode_query(query)
    lexical_all = None
    if method == "lexical" or (method == "hybrid" and w.lexical > 0):
        lexical_all = engine.lexical.scores(analyse(query, language))
    rows = _candidates(engine, method, vector, lexical_all, allowed, params)
    zeros = np.zeros(len(rows), dtype=np.float32)
    dense = zeros if vector is None else engine.passage_vectors[rows] @ vector
    sentence = _sentence_scores(engine, rows, vector) if method == "hybrid" else zeros
    lexical = zeros
    if lexical_all is not None:
        lexical = lexical_all[rows]
        best = float(lexical.max(initial=0.0))  # the best allowed passage is always a candidate
        lexical = lexical / best if best > 0 else lexical
    if method == "dense":
        score = dense
    elif method == "lexical":
        score = lexical
    else:
        score = _hybrid_score(engine, rows, language, w, params.same_language_penalty, dense, sentence, lexical)
    evidence = _Evidence(rows, score, dense, sentence, lexical)
    order = np.lexsort((rows, -score))  # ties: lower id first, for determinism
    if phrase is not None:
        order = _verbatim_first(engine, rows, order, phrase, params)
    return Retrieval(query, language, _merge_overlaps(engine, order, evidence, k), vector, phrase)


@dataclass(frozen=True)
class _Evidence:
    """Scores of the candidate passages (`rows`), aligned."""

    rows: np.ndarray
    score: np.ndarray
    dense: np.ndarray
    sentence: np.ndarray
    lexical: np.ndarray


def _hybrid_score(engine: Engine, rows: np.ndarray, language: str, w: Weights, penalty: float,
                  dense: np.ndarray, sentence: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """The weighted evidence, less the same-language penalty (see `Params.same_language_penalty`)."""
    same_language = engine.p_language[rows] == language
    return (w.dense * dense + w.sentence * sentence + w.lexical * lexical
            - (w.dense + w.sentence) * penalty * same_language)


def _candidates(engine: Engine, method: Method, vector: np.ndarray | None, lexical: np.ndarray | None,
                allowed: np.ndarray | None, params: Params) -> np.ndarray:
    """The passage rows to score in full, ascending.

    Every allowed passage on a small corpus; otherwise the nearest passages of the dense index
    and the best BM25 passages, `params.pool` of each.
    """
    pool = params.pool
    n_allowed = len(engine.passage_ids) if allowed is None else int(allowed.sum())
    if n_allowed <= params.exhaustive_up_to:
        return np.arange(len(engine.passage_ids)) if allowed is None else np.flatnonzero(allowed)
    pools = []
    if vector is not None and method != "lexical":
        snapshot = engine.snapshot
        pools.append(search_dense(snapshot.passage_index, snapshot.dense_spec, vector, pool, allowed,
                                  ef_search=params.ef_search)[0])
    if lexical is not None and method != "dense":
        scores = lexical if allowed is None else np.where(allowed, lexical, -np.inf)
        top = np.argpartition(-scores, pool)[:pool]
        pools.append(top[np.isfinite(scores[top])])
    return np.unique(np.concatenate(pools)) if pools else np.zeros(0, dtype=np.int64)


def _sentence_scores(engine: Engine, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """For each passage row, the best cosine of one of its sentences to the query."""
    if not len(rows):
        return np.zeros(0, dtype=np.float32)
    lo, hi = engine.p_sentence_lo[rows], engine.p_sentence_hi[rows]
    lengths = hi - lo
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1]))  # where each passage starts in `sentences`
    sentences = np.repeat(lo - firsts, lengths) + np.arange(int(lengths.sum()))
    first, last = int(lo.min()), int(hi.max())
    if 2 * len(sentences) >= last - first:  # most of a range: one product over it beats a copy
        cosines = (engine.sentence_vectors[first:last] @ vector)[sentences - first]
    else:
        cosines = engine.sentence_vectors[sentences] @ vector
    return np.maximum.reduceat(cosines, firsts).astype(np.float32, copy=False)


def _verbatim_first(engine: Engine, rows: np.ndarray, order: np.ndarray, phrase: re.Pattern[str],
                    params: Params) -> np.ndarray:
    """`order` with the passages that hold `phrase` moved ahead, in their order.

    A small corpus is searched in full (~2 ms for the 5 theses); a large one only in the
    `params.phrase_pool` best passages.
    """
    if len(rows) <= params.exhaustive_up_to:
        regions = [(int(t), 0, None) for t in np.unique(engine.p_thesis[rows])]
    else:
        regions = [(int(engine.p_thesis[r]), int(engine.p_start[r]), int(engine.p_end[r])) for r in rows[order[:params.phrase_pool]]]
    ranked = rows[order]
    holds = np.zeros(len(order), dtype=bool)
    for thesis, offset, end in regions:
        for start, stop in find_phrase(engine.lowered_text(thesis)[offset:end], phrase):
            holds |= ((engine.p_thesis[ranked] == thesis) & (engine.p_start[ranked] <= offset + start)
                      & (engine.p_end[ranked] >= offset + stop))
    return np.concatenate((order[holds], order[~holds])) if holds.any() else order


def _merge_overlaps(engine: Engine, order: np.ndarray, evidence: _Evidence, k: int) -> list[Hit]:
    """Walk the ranking; a passage overlapping a better hit already taken is merged into it.

    A merge can make a hit reach a further hit of the same thesis; that one is absorbed too, so
    no two hits ever share text. The merged hit keeps the rank and score of the best part.
    """
    hits: list[Hit] = []
    for i in order:
        hit = _hit(engine, evidence, int(i))
        touching = [h for h in hits if _overlaps(h, hit)]
        if not touching:
            if len(hits) == k:
                break
            hits.append(hit)
            continue
        keep = touching[0]
        grown = _union(engine, keep, hit)
        rest = [h for h in hits if h is not keep]
        while reached := [h for h in rest if _overlaps(h, grown)]:
            for h in reached:
                grown = _union(engine, grown, h)
            rest = [h for h in rest if all(h is not r for r in reached)]
        hits = [grown if h is keep else h for h in hits if h is keep or any(h is r for r in rest)]
    return hits


def _overlaps(a: Hit, b: Hit) -> bool:
    return a.thesis_id == b.thesis_id and a.start < b.end and b.start < a.end


def _union(engine: Engine, better: Hit, other: Hit) -> Hit:
    """`better` grown to cover `other` as well; it keeps its own score and evidence."""
    lo, hi = min(better.start, other.start), max(better.end, other.end)
    return replace(better, start=lo, end=hi, text=engine.text(better.thesis_id, lo, hi),
                   page_start=min(better.page_start, other.page_start), page_end=max(better.page_end, other.page_end),
                   merged=better.merged + (other.passage_id,) + other.merged)


def _hit(engine: Engine, evidence: _Evidence, i: int) -> Hit:
    """The hit for candidate `i` of `evidence`."""
    row = int(evidence.rows[i])
    thesis, start, end = int(engine.p_thesis[row]), int(engine.p_start[row]), int(engine.p_end[row])
    section = engine.section(int(engine.p_section[row]))
    return Hit(
        passage_id=int(engine.passage_ids[row]), doc=engine.theses[thesis].doc, thesis_id=thesis,
        section_id=section.id, section=section.label, part=str(engine.p_part[row]),
        language=str(engine.p_language[row]), start=start, end=end, text=engine.text(thesis, start, end),
        page_start=int(engine.p_page_start[row]), page_end=int(engine.p_page_end[row]),
        score=float(evidence.score[i]), dense=float(evidence.dense[i]), sentence=float(evidence.sentence[i]),
        lexical=float(evidence.lexical[i]),
    )
