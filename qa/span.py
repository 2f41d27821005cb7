"""Answer spans: runs of one to three consecutive sentences of one hit, scored as a whole.

A lead-in ("… kan komme til uttrykk på fire ulike måter:") is quoted with what it leads to, because
a span is scored on all of its sentences: its closeness to the question (the best sentence's
cosine blended with the cosine of the span's own embedding, its window's: `indexer.windows`), the
share of the question's terms it holds, minus how typical of its thesis it is
(`indexer.typicality`; a knob cross-validation now sets to 0, `qa.params`) and a small cost per
extra sentence. A hit never crosses a section, so
neither does a span. Reference-list lines, tables of contents, headings and fragments are never
answers; a span never ends on a lead-in (a colon) or a line cut off mid-sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis.lexical import analyse
from qa.citation import with_attribution
from qa.engine import Engine
from qa.params import Params
from qa.search import Hit

HEADING_WORDS = 10  # a first sentence without end punctuation must be this long not to be a heading
# A sentence that ends in a word is a heading, a letterhead, or a line cut off by the block quote
# it continues in ("understrekes plikten til å"): never the end of an answer.
CUT_OFF = re.compile(r"\w\s*$")
LEAD_IN = re.compile(r":\s*$")
# A question in the text (a research question, an interview question, a title) asks, not answers.
QUESTION = re.compile(r"\?[»”\"'’)]*\s*$")
# A reference-list entry ("Topor, A. (2006). …", a URL or DOI) or a table-of-contents line
# (dot leaders before a page number).
REFERENCE = re.compile(
    r"^\s*[A-ZÆØÅ][\w'’-]+,\s+(?:[A-ZÆØÅ]\.\s*-?\s*)+(?:,|&|og|and|\()|https?://|www\.|doi\.org|\bdoi:|"
    r"\bHentet fra\b|\bRetrieved from\b|\(\d{4}[a-z]?\)\.\s+[A-ZÆØÅ]")
# Starts inside something ("(Sandberg & Pedersen 2007).", a piece of a sentence) or is a footnote
# ("2 Se f. eks Sirus sine studier …").
FRAGMENT = re.compile(r"\s*(?:\(|[a-zæøå]|\d+\s+[A-ZÆØÅ])")
# Starts inside a quotation: a closing guillemet before any opening one ("… them people». (Boshears
# et al. 2011 s. 298)"). Only « » say which side they are on: Norwegian type uses ” on both.
INSIDE_QUOTATION = re.compile(r"^[^«]*»")
CONTENTS = re.compile(r"(?:\.\s*){4,}(?:\d+|[ivxlc]{1,7})\s*$|\s{3,}\d+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Quote:
    sentence_id: int  # the first sentence of the quote
    start: int
    end: int
    text: str
    page: int
    score: float  # the best cosine of one of its sentences to the question
    sentences: int = 1


@lru_cache(maxsize=65536)
def sentence_terms(text: str, language: str) -> frozenset[str]:
    """The stemmed index terms of a sentence (cached: spans re-use them)."""
    return frozenset(analyse(text, language))


def never_answer(text: str) -> bool:
    """Whether a sentence can never be part of an answer: a reference entry or a contents line."""
    return bool(REFERENCE.search(text) or CONTENTS.search(text))


@dataclass(frozen=True)
class _Sentence:
    row: int
    start: int
    end: int
    text: str
    cosine: float
    typicality: float
    terms: frozenset[str]


def hit_sentences(engine: Engine, hit: Hit, vector: np.ndarray, language: str) -> list[_Sentence]:
    """The sentences inside `hit`, in text order, with their cosine to the query."""
    passages = np.array([hit.passage_id, *hit.merged], dtype=np.int64) - 1
    lo, hi = int(engine.p_sentence_lo[passages].min()), int(engine.p_sentence_hi[passages].max())
    cosines = (engine.sentence_vectors[lo:hi] @ vector).tolist()
    out = []
    for row, cosine in zip(range(lo, hi), cosines):
        start, end = int(engine.s_start[row]), int(engine.s_end[row])
        if start < hit.start or end > hit.end:
            continue
        text = hit.text[start - hit.start:end - hit.start]
        out.append(_Sentence(row, start, end, text, cosine, float(engine.s_typicality[row]),
                             sentence_terms(text, language)))
    return out


def term_weights(engine: Engine, terms: set[str]) -> dict[str, float]:
    """Each question term's inverse document frequency over the passages (BM25's), so that a span
    holding a rare term of the question counts for more than one holding a common one; a term
    the corpus lacks gets the highest weight."""
    scores, vocab = engine.lexical.bm25.scores, engine.lexical.bm25.vocab_dict
    n, indptr = int(scores["num_docs"]), scores["indptr"]
    out = {}
    for term in terms:
        df = int(indptr[vocab[term] + 1] - indptr[vocab[term]]) if term in vocab else 0
        out[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
    return out


def spans(engine: Engine, hit: Hit, vector: np.ndarray, terms: dict[str, float], language: str,
          params: Params) -> list[tuple[float, Quote]]:
    """(score, quote) of every run of 1-3 consecutive sentences of `hit` that can be an answer;
    `terms` are the question's terms with their weights (`term_weights`)."""
    sentences = hit_sentences(engine, hit, vector, language)
    out = []
    for i in range(len(sentences)):
        for n in range(1, params.max_sentences + 1):
            run = sentences[i:i + n]
            if len(run) < n:
                break
            if never_answer(run[-1].text) or QUESTION.search(run[-1].text):
                break  # every longer run holds it too
            if _valid(run, params.min_words):
                out.append((_score(engine, run, vector, terms, params), _quote(engine, hit, run)))
    return out


def _valid(run: list[_Sentence], min_words: int) -> bool:
    first, last = run[0].text, run[-1].text
    if len(first.split()) < min_words or FRAGMENT.match(first) or INSIDE_QUOTATION.match(first):
        return False  # a fragment opening the span: a citation left over, a piece of a sentence or quotation
    if CUT_OFF.search(first) and len(first.split()) < HEADING_WORDS:
        return False  # a heading (or a fragment) opening the span
    return not (CUT_OFF.search(last) or LEAD_IN.search(last))


def _score(engine: Engine, run: list[_Sentence], vector: np.ndarray, terms: dict[str, float], params: Params) -> float:
    best = max(s.cosine for s in run)
    closeness = best
    if len(run) > 1 and params.span_window > 0:
        window = engine.window_row(run[0].row, run[-1].row)
        if window is not None:
            closeness = (1 - params.span_window) * best + params.span_window * float(engine.window_vectors[window] @ vector)
    held = frozenset().union(*(s.terms for s in run))
    total = sum(terms.values())
    shared = sum(w for t, w in terms.items() if t in held) / total if total else 0.0
    typicality = sum(s.typicality for s in run) / len(run)
    return (closeness + params.term_weight * shared - params.typicality_weight * typicality
            - params.extra_sentence_cost * (len(run) - 1))


def span_prior(hit: Hit, top: Hit, language: str, params: Params) -> float:
    """What a span gains from its hit: its retrieval score against the top hit's, and the
    same-language penalty of retrieval (cross-lingual cosines run lower)."""
    return params.hit_weight * (hit.score - top.score) - params.same_language_penalty * (hit.language == language)


def _quote(engine: Engine, hit: Hit, run: list[_Sentence]) -> Quote:
    return make_quote(engine, hit, run[0].row, run[-1].row, max(s.cosine for s in run), len(run))


def make_quote(engine: Engine, hit: Hit, first: int, last: int, score: float, sentences: int) -> Quote:
    """The quote of sentence rows `first`..`last` of `hit`: the one place a span becomes a quote."""
    start, end = int(engine.s_start[first]), int(engine.s_end[last])
    if hit.start <= start <= end <= hit.end:  # a reference right after it ("(Carballo mfl., 2007, referert i …).") goes with it
        end = hit.start + with_attribution(hit.text, start - hit.start, end - hit.start)
    return Quote(int(engine.sentence_ids[first]), start, end, hit.text[start - hit.start:end - hit.start],
                 int(engine.s_page[first]), score, sentences)
