"""Hybrid passage retrieval: dense passages + dense sentences + BM25, weighted by query language.

Every passage gets three pieces of evidence: the cosine of its embedding to the query's, the best
cosine of one of its sentences, and its BM25 score (divided by the best BM25 score of the query).
The score is their weighted sum, with weights that depend on the question's language: BM25 over
Norwegian text is no help to an English question, so English questions lean on the dense
evidence. The weights and every other knob are in `qa.params` (chosen on the dev set and by
cross-validation, see eval/README.md).

Hybrid searches add late-interaction evidence (ColBERT-style MaxSim, `_token_scores`): each
query token's best cosine to one of a passage's contextual token vectors, averaged with idf²
weights, for the `TOKEN_DEPTH` best passages by the other evidence.

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
from models.encoder import TokenVectors
from models.widen import widened_product
from qa.engine import Engine
from qa.errors import QueryError, shown_value
from qa.filters import Filters
from qa.params import Params
from qa.phrase import find_phrase, is_phrase, phrase_pattern
from store.ann import search_dense

Method = Literal["hybrid", "dense", "lexical"]
MAX_QUERY_CHARS = 2000  # the encoder sees 512 tokens at most; BM25 gains nothing from more
MAX_K = 100  # passages per question the command line and the HTTP API give at most (the Python API: any)
# Late interaction: only the best TOKEN_DEPTH candidates by the other evidence get a token score
# (a set that does not depend on k); query token weights are idf ** TOKEN_IDF_POWER, which every
# one of the 15 CV folds chose over idf ** 1 (eval/README.md, phase 17).
TOKEN_DEPTH = 100
TOKEN_IDF_POWER = 2


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


# A terminal's colour or cursor code pasted with a question (ESC [ … letter, or ESC ] … BEL or ESC backslash):
# without its ESC, "[31m" would be searched as a word.
_TERMINAL_CODE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")


def clean_query(query: str) -> str:
    """The query with terminal codes and control characters removed and white space collapsed;
    QueryError if empty.

    Characters invisible inside words (zero-width space, soft hyphen, …) are dropped, not turned
    into spaces, so `beh\u200bandling` is searched as `behandling`, as the indexed text holds it.
    """
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    text = _TERMINAL_CODE.sub(" ", query)
    text = "".join("" if ch in INVISIBLE else ch if ch.isprintable() else " " for ch in text)
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

    `options` are those of `retrieve` (`method`, `params`). The first `k` hits of `search(k)` are
    those of `search(k + m)`: merging is decided over the whole ranking, not the first `k`.
    """
    return retrieve(engine, query, k, filters, **options).hits


@dataclass(frozen=True)
class Evidence:
    """What one query costs to compute: its embedding and the raw evidence of every candidate.

    Computed once per query (`gather`); `rank` turns it into hits for any `Params`, which is what
    lets cross-validation re-score a grid of parameters without encoding again.
    """

    query: str
    language: str
    method: Method
    vector: np.ndarray | None
    rows: np.ndarray  # candidate passage rows, ascending
    lexical: np.ndarray  # BM25 of each candidate over the best candidate's (zeros when unused)
    phrase: re.Pattern[str] | None
    tokens: TokenVectors | None = None  # the query's token vectors (hybrid searches only)


def gather(engine: Engine, query: str, filters: Filters | None = None, method: Method = "hybrid",
           params: Params | None = None) -> Evidence:
    """The query's embedding and the candidates' lexical evidence (`Evidence`); `params` only
    decide the candidate pool on a large corpus."""
    params = params or engine.params
    query = clean_query(query)
    language = question_language(query)
    allowed = (filters or Filters()).mask(engine)
    phrase = phrase_pattern(query) if is_phrase(query) else None
    if allowed is not None and not allowed.any():
        return Evidence(query, language, method, None, np.zeros(0, dtype=np.int64), np.zeros(0, np.float32), phrase)
    vector, tokens = (None, None) if method == "lexical" else engine.encode_query_tokens(query)
    lexical_all = None
    if method != "dense":  # lexical for English questions too: its weight is a knob
        lexical_all = engine.lexical.scores(analyse(query, language))
    rows = _candidates(engine, method, vector, lexical_all, allowed, params)
    lexical = np.zeros(len(rows), dtype=np.float32)
    if lexical_all is not None:
        lexical = lexical_all[rows].astype(np.float32)
        best = float(lexical.max(initial=0.0))  # the best allowed passage is always a candidate
        lexical = lexical / best if best > 0 else lexical
    return Evidence(query, language, method, vector, rows, lexical, phrase, tokens if method == "hybrid" else None)


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
    check_k(k)
    params = params or engine.params
    return rank(engine, gather(engine, query, filters, method, params), k, params)


def check_k(k: object, at_most: int | None = None) -> int:
    """`k` if it is a whole number from 1 (to `at_most`, if given), else QueryError saying why."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise QueryError(f"k must be a whole number of at least 1, got {shown_value(k)}")
    if at_most is not None and k > at_most:
        raise QueryError(f"k must be at most {at_most}, got {k}")
    return k


def rank(engine: Engine, evidence: Evidence, k: int, params: Params) -> Retrieval:
    """The `k` best hits of `evidence` scored with `params`."""
    check_k(k)
    rows, vector, language = evidence.rows, evidence.vector, evidence.language
    if not len(rows):
        return Retrieval(evidence.query, language, [], vector, evidence.phrase)
    zeros = np.zeros(len(rows), dtype=np.float32)
    if vector is not None and params.prf_weight > 0 and evidence.method == "hybrid":
        vector = _feedback(engine, evidence, vector, params)
    dense = zeros if vector is None else engine.passage_vectors[rows] @ vector
    sentence = _sentence_scores(engine, rows, vector) if evidence.method == "hybrid" else zeros
    if params.window_weight > 0 and evidence.method == "hybrid":
        windows = np.maximum(sentence, _window_scores(engine, rows, vector))
        sentence = (1 - params.window_weight) * sentence + params.window_weight * windows
    lexical = evidence.lexical
    if evidence.method == "dense":
        score = dense
    elif evidence.method == "lexical":
        score = lexical
    else:
        w = params.weights[language]
        same_language = engine.p_language[rows] == language
        score = (w.dense * dense + w.sentence * sentence + w.lexical * lexical
                 - (w.dense + w.sentence) * params.same_language_penalty * same_language)
        if params.token_weight > 0 and evidence.tokens is not None:
            score = score + params.token_weight * _token_scores(engine, rows, score, evidence.tokens)
        if params.front_penalty > 0:
            score = score - params.front_penalty * (engine.p_part[rows] == "front")
    if params.thesis_weight > 0 and len(rows):
        score = score + params.thesis_weight * _thesis_prior(engine, rows, score)
    if params.context_weight > 0 and len(rows):
        score = score + params.context_weight * _neighbour_gain(engine, rows, score)
    scored = _Evidence(rows, score, dense, sentence, lexical)
    order = np.lexsort((rows, -score))  # ties: lower id first, for determinism
    if evidence.phrase is not None:
        order = _verbatim_first(engine, rows, order, evidence.phrase, params)
    hits = _merge_overlaps(engine, order, scored, k, params.merge_depth)
    return Retrieval(evidence.query, language, hits, vector, evidence.phrase)


THESIS_PRIOR_TOP = 3  # a thesis's prior is the mean score of its best passages


def _thesis_prior(engine: Engine, rows: np.ndarray, score: np.ndarray) -> np.ndarray:
    """For each candidate, its thesis's mean score over its `THESIS_PRIOR_TOP` best candidates,
    minus the best thesis's (0 for the best thesis, negative for the others)."""
    theses = engine.p_thesis[rows]
    prior = np.zeros(len(rows), dtype=np.float32)
    means = {}
    for thesis in np.unique(theses):
        mine = score[theses == thesis]
        means[int(thesis)] = float(np.sort(mine)[-THESIS_PRIOR_TOP:].mean())
    best = max(means.values())
    for thesis, mean in means.items():
        prior[theses == thesis] = mean - best
    return prior


def _neighbour_gain(engine: Engine, rows: np.ndarray, score: np.ndarray) -> np.ndarray:
    """For each candidate, how far its better neighbour (the passage just before or after it in the
    same section, when that is a candidate too) outscores it; 0 when neither does."""
    gain = np.zeros(len(rows), dtype=np.float32)
    thesis, section = engine.p_thesis[rows], engine.p_section[rows]
    for step in (-1, 1):
        j = np.clip(np.searchsorted(rows, rows + step), 0, len(rows) - 1)  # rows are ascending
        beside = (rows[j] == rows + step) & (thesis[j] == thesis) & (section[j] == section)
        gain = np.maximum(gain, np.where(beside, score[j] - score, 0.0))
    return gain


def _feedback(engine: Engine, evidence: Evidence, vector: np.ndarray, params: Params) -> np.ndarray:
    """Dense pseudo-relevance feedback: the query moved towards its best passages, renormalised."""
    rows = evidence.rows
    first = engine.passage_vectors[rows] @ vector + _sentence_scores(engine, rows, vector)
    top = rows[np.argsort(-first, kind="stable")[:params.prf_depth]]
    moved = vector + params.prf_weight * np.asarray(engine.passage_vectors[top], dtype=np.float32).mean(axis=0)
    return (moved / np.linalg.norm(moved)).astype(np.float32)


@dataclass(frozen=True)
class _Evidence:
    """Scores of the candidate passages (`rows`), aligned."""

    rows: np.ndarray
    score: np.ndarray
    dense: np.ndarray
    sentence: np.ndarray
    lexical: np.ndarray


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
    lo, hi = engine.p_sentence_lo[rows], engine.p_sentence_hi[rows]
    cosines, _ = _segment_cosines(engine.sentence_vectors, lo, hi, vector)
    return _segment_max(cosines, hi - lo)


def _window_scores(engine: Engine, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """For each passage row, the best cosine of one of its windows (`indexer.windows`) to the
    query; -inf for a passage without any."""
    lo, hi = engine.p_window_lo[rows], engine.p_window_hi[rows]
    cosines, windows = _segment_cosines(engine.window_vectors, lo, hi, vector)
    inside = engine.w_last[windows] < np.repeat(engine.p_sentence_hi[rows], hi - lo)
    return _segment_max(np.where(inside, cosines, -np.inf), hi - lo)


def _token_scores(engine: Engine, rows: np.ndarray, score: np.ndarray, query: TokenVectors) -> np.ndarray:
    """For each candidate, sum_t w_t max_j cos(q_t, p_j) / sum_t w_t over the query's tokens q_t
    (w_t = idf(t) ** TOKEN_IDF_POWER) and the passage's token vectors p_j: for the `TOKEN_DEPTH`
    best candidates by `score`; the others get the lowest of those scores (and a passage without
    tokens 0)."""
    out = np.zeros(len(rows), dtype=np.float32)
    if not len(query.ids) or not len(rows):
        return out
    top = np.lexsort((rows, -score))[:TOKEN_DEPTH]  # ties: lower id first, as `rank` orders them
    lo, hi = engine.p_token_lo[rows[top]], engine.p_token_hi[rows[top]]
    stored = _segment_rows(lo, hi)
    products = widened_product(engine.token_vectors[stored], engine.token_scales[stored], query.vectors.T)
    best = _segment_max(products, hi - lo)  # passages x query tokens
    weights = engine.token_idf(query.ids) ** TOKEN_IDF_POWER
    scored = np.where(hi > lo, (np.where(np.isfinite(best), best, 0.0) @ weights) / weights.sum(), 0.0)
    out[:] = scored.min()
    out[top] = scored
    return out


def _segment_rows(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Rows lo[i]..hi[i]-1 for every i, concatenated."""
    lengths = hi - lo
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lengths) else lengths
    return np.repeat(lo - firsts, lengths) + np.arange(int(lengths.sum()))


def _segment_cosines(vectors: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The query's cosine to rows lo[i]..hi[i]-1 of `vectors` for every i, concatenated, and those rows."""
    rows = _segment_rows(lo, hi)
    if not len(rows):
        return np.zeros(0, dtype=np.float32), rows
    first, last = int(lo.min()), int(hi.max())
    if 2 * len(rows) >= last - first:  # most of a range: one product over it beats a copy
        return (vectors[first:last] @ vector)[rows - first], rows
    return vectors[rows] @ vector, rows


def _segment_max(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The maximum of each consecutive run of `lengths[i]` values (rows, for a matrix); -inf for an empty run."""
    out = np.full((len(lengths), *values.shape[1:]), -np.inf, dtype=np.float32)
    filled = lengths > 0
    if filled.any():
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
        out[filled] = np.maximum.reduceat(values, starts, axis=0)
    return out


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


def _merge_overlaps(engine: Engine, order: np.ndarray, evidence: _Evidence, k: int, depth: int) -> list[Hit]:
    """The first `k` hits of the ranking `order`, overlapping passages merged.

    A passage that overlaps no hit taken so far starts a new hit. One ranked within the first
    `depth` that overlaps exactly one hit, in that hit's own passage and section, is merged into
    it; any other overlapping passage is left out. Decisions depend only on the ranks above, and
    merges are collected over the whole ranking (`depth` does not depend on `k`), so the first
    `k` hits never depend on `k`, and no two hits share text.
    """
    rows = evidence.rows[order]
    theses, starts, ends = engine.p_thesis[rows], engine.p_start[rows], engine.p_end[rows]
    sections = engine.p_section[rows]
    spans: dict[int, list[list[int]]] = {}  # thesis -> [[start, end, seed position], ...] of the hits
    seeds: list[int] = []  # positions in `order` of the passages that start hits
    merged: dict[int, list[int]] = {}  # seed position -> positions merged into it
    for pos in range(len(rows)):
        if len(seeds) >= k and pos >= depth:
            break
        thesis, start, end = int(theses[pos]), int(starts[pos]), int(ends[pos])
        touching = [span for span in spans.get(thesis, ()) if span[0] < end and start < span[1]]
        if not touching:  # a hit, returned or not: what merges into it never depends on k
            seeds.append(pos)
            spans.setdefault(thesis, []).append([start, end, pos])
            continue
        span = touching[0]
        seed = span[2]
        if (pos < depth and len(touching) == 1 and sections[pos] == sections[seed]
                and int(starts[seed]) < end and start < int(ends[seed])):
            span[0], span[1] = min(span[0], start), max(span[1], end)
            merged.setdefault(seed, []).append(pos)
    return [_grown(engine, evidence, int(order[seed]), [int(order[p]) for p in merged.get(seed, [])])
            for seed in seeds[:k]]


def _grown(engine: Engine, evidence: _Evidence, seed: int, others: list[int]) -> Hit:
    """The hit of candidate `seed` grown to cover the candidates `others`."""
    hit = _hit(engine, evidence, seed)
    for other in others:
        hit = _union(engine, hit, _hit(engine, evidence, other))
    return hit


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
