"""Hybrid passage retrieval: dense passages + dense sentences + BM25, weighted by query language.

Every passage gets three pieces of evidence: the cosine of its embedding to the query's, the best
cosine of one of its sentences, and its BM25 score (divided by the best BM25 score of the query).
The score is their weighted sum, with weights that depend on the question's language: BM25 over
Norwegian text is no help to an English question, so English questions lean on the dense
evidence. The weights were chosen on the dev set (see eval/README.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import faiss
import numpy as np

from indexer.lexical import analyse
from qa.engine import Engine
from qa.errors import QueryError
from qa.filters import Filters
from qa.language import question_language

Method = Literal["hybrid", "dense", "lexical"]
MAX_QUERY_CHARS = 2000  # the encoder sees 512 tokens at most; BM25 gains nothing from more
_CANDIDATES = 1000  # dense neighbours fetched per query before fusion


@dataclass(frozen=True)
class Weights:
    dense: float
    sentence: float
    lexical: float


WEIGHTS: dict[str, Weights] = {
    "no": Weights(dense=1.0, sentence=1.0, lexical=0.10),
    "en": Weights(dense=1.0, sentence=1.0, lexical=0.0),
}


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
    """The query with control characters removed and white space collapsed; QueryError if empty."""
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    text = "".join(ch if ch.isprintable() else " " for ch in query)
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


def search(engine: Engine, query: str, k: int = 10, filters: Filters | None = None, **options) -> list[Hit]:
    """The `k` best passages for `query`, best first; overlapping passages are merged.

    `options` are those of `retrieve` (`method`, `weights`).
    """
    return retrieve(engine, query, k, filters, **options).hits


def retrieve(
    engine: Engine,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    *,
    method: Method = "hybrid",
    weights: dict[str, Weights] | None = None,
) -> Retrieval:
    """Like `search`, also returning the query's language and embedding."""
    if not isinstance(k, int) or k < 1:
        raise QueryError(f"k must be a whole number of at least 1, got {k!r}")
    query = clean_query(query)
    language = question_language(query)
    mask = (filters or Filters()).mask(engine)
    allowed = np.ones(len(engine.passage_ids), dtype=bool) if mask is None else mask
    w = (weights or WEIGHTS)[language]
    n = len(engine.passage_ids)
    dense = sentence = np.zeros(n, dtype=np.float32)
    lexical = np.zeros(n, dtype=np.float32)
    vector = None
    if not allowed.any():
        return Retrieval(query, language, [], vector)
    if method != "lexical":
        vector = engine.encode_query(query)
        dense = _dense_scores(engine, vector, allowed)
        sentence = _sentence_scores(engine, vector)
    if method != "dense":
        lexical = engine.lexical.scores(analyse(query, language))
        best = float(lexical[allowed].max(initial=0.0))
        lexical = lexical / best if best > 0 else lexical
    if method == "dense":
        score = dense.copy()
    elif method == "lexical":
        score = lexical.copy()
    else:
        score = w.dense * dense + w.sentence * sentence + w.lexical * lexical
    score[~allowed] = -np.inf
    order = np.lexsort((engine.passage_ids, -score))  # ties: lower id first, for determinism
    order = [int(i) for i in order if np.isfinite(score[i])]
    return Retrieval(query, language, _merge_overlaps(engine, order, score, dense, sentence, lexical, k), vector)


def _dense_scores(engine: Engine, vector: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Cosine of every passage to the query; passages beyond the nearest candidates get the floor."""
    index = engine.snapshot.passage_index
    k = min(_CANDIDATES, index.ntotal)
    params = None
    if not allowed.all():
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(engine.passage_ids[allowed]))
        k = min(k, int(allowed.sum()))
    scores, ids = index.search(vector[None, :].astype(np.float32), k, params=params)
    found = ids[0] >= 0
    out = np.full(len(engine.passage_ids), scores[0][found].min(initial=0.0), dtype=np.float32)
    rows = np.fromiter((engine.passage_row[int(i)] for i in ids[0][found]), dtype=np.int64)
    out[rows] = scores[0][found]
    return out


def _sentence_scores(engine: Engine, vector: np.ndarray) -> np.ndarray:
    """For every passage, the best cosine of one of its sentences to the query."""
    index = engine.snapshot.sentence_index
    k = min(_CANDIDATES * 4, index.ntotal)
    scores, ids = index.search(vector[None, :].astype(np.float32), k)
    floor = float(scores[0][ids[0] >= 0].min(initial=0.0))
    out = np.full(len(engine.passage_ids), floor, dtype=np.float32)
    for sid, value in zip(ids[0], scores[0]):
        if sid < 0:
            continue
        for prow in engine.s_passages[engine.sentence_row[int(sid)]]:
            if value > out[prow]:
                out[prow] = value
    return out


def _merge_overlaps(engine: Engine, order: list[int], score: np.ndarray, dense: np.ndarray,
                    sentence: np.ndarray, lexical: np.ndarray, k: int) -> list[Hit]:
    """Walk the ranking; a passage overlapping a better hit already taken is merged into it.

    A merge can make a hit reach a further hit of the same thesis; that one is absorbed too, so
    no two hits ever share text. The merged hit keeps the rank and score of the best part.
    """
    hits: list[Hit] = []
    for row in order:
        hit = _hit(engine, row, score, dense, sentence, lexical)
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


def _hit(engine: Engine, row: int, score: np.ndarray, dense: np.ndarray, sentence: np.ndarray,
         lexical: np.ndarray) -> Hit:
    thesis, start, end = int(engine.p_thesis[row]), int(engine.p_start[row]), int(engine.p_end[row])
    section = engine.sections[int(engine.p_section[row])]
    return Hit(
        passage_id=int(engine.passage_ids[row]), doc=engine.theses[thesis].doc, thesis_id=thesis,
        section_id=section.id, section=section.label, part=str(engine.p_part[row]),
        language=str(engine.p_language[row]), start=start, end=end, text=engine.text(thesis, start, end),
        page_start=int(engine.p_pages[row][0]), page_end=int(engine.p_pages[row][1]), score=float(score[row]),
        dense=float(dense[row]), sentence=float(sentence[row]), lexical=float(lexical[row]),
    )
