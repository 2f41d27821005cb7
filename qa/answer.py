"""Extractive answers: the best one to three verbatim sentences of the top passages, cited.

Sentences are scored with the embeddings stored in the index (no model call beyond the query's).
The answer takes the best sentence and up to two more that score nearly as well, each from a
different source and none a near-duplicate of another, in source order, each followed by its
source number `[n]`. When even the best sentence is not similar enough to the question, the
answer abstains but the nearest passages are still listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from qa.answer_type import asks_for_quantity, quantities, states_quantity
from qa.citation import Work, citation_strings
from analysis.lexical import analyse
from qa.engine import Engine
from qa.filters import Filters
from qa.phrase import find_phrase
from qa.search import MAX_QUERY_CHARS, Hit, retrieve

NO_ANSWER = {"no": "Fant ikke noe svar i korpuset.", "en": "No answer found in the corpus."}
TRUNCATED = {
    "no": f"Spørsmålet var langt; bare de første {MAX_QUERY_CHARS} tegnene ble brukt.",
    "en": f"The question was long; only its first {MAX_QUERY_CHARS} characters were used.",
}
MAX_SENTENCES = 3
SOURCES_SCANNED = 3  # answer sentences come from the top passages only
# Abstain when the best answer sentence scores below this, per query encoder precision and
# question language (English questions over Norwegian text score lower across the board).
# Calibrated with `python -m qa calibrate eval/dev.jsonl eval/unanswerable.jsonl` (33 answerable,
# 25 unanswerable questions): per language, a threshold in the gap that keeps wrong abstentions at
# or below 10%. The int8 query encoder is the default; the PyTorch one (where int8 is not fast)
# moves scores by up to 0.005, as much as the gaps, so it has its own thresholds. Measured:
# int8: no 0.885 → 11/13 unanswerable abstain, 2/20 answerable wrongly; en 0.855 → 9/12, 0/13.
# bf16: no 0.883 → 12/13, 2/20; en 0.859 → 9/12, 1/13. fp32 queries use bf16's thresholds.
# Table of what was tried: eval/README.md.
ABSTAIN_BELOW = {
    "int8": {"no": 0.885, "en": 0.855},
    "bf16": {"no": 0.883, "en": 0.859},
    "fp32": {"no": 0.883, "en": 0.859},
}
# A sentence's score: its cosine to the question plus this times the share of the question's
# (stemmed) terms it contains; chosen on the dev set (answer-sentence hit rate 0.18 → 0.24).
TERM_WEIGHT = 0.1
# Minus this times the sentence's typicality of its thesis (`indexer.typicality`): sentences that
# restate a thesis's topic no longer answer every on-topic question. Dev set, thresholds at the
# 10% edge recalibrated for each weight: 0 → 15/25 unanswerable abstain; 0.75 → 19/25; 1.0 →
# 19/25; 1.25 → 21/25; 1.5 → 20/25. Shipped (thresholds with a margin): 21/25, answer-sentence
# hit 0.24 → 0.27.
TYPICALITY_WEIGHT = 1.25
# Added to the sentence(s) holding a pasted phrase (`qa.phrase`) word for word: the student asked
# for them, however weak their cosine to a fragment of themselves.
VERBATIM_BONUS = 1.0
RUNNER_UP_MARGIN = 0.02  # a further sentence must score within this of the best one
MIN_WORDS = 4  # shorter "sentences" (fragments, list items) are not answers on their own
# Nor is a "sentence" that ends in a word: a heading or letterhead, or a line cut off by the block
# quote it continues in ("understrekes plikten til å"); 30 of the 4 598 sentences of the corpus.
# (One ending in a colon introduces a quote, but leaving those out too cost a right answer on the
# dev set.)
CUT_OFF = re.compile(r"\w\s*$")
NEAR_DUPLICATE = 0.6  # word-set overlap above which two sentences say the same


@dataclass(frozen=True)
class Quote:
    sentence_id: int
    start: int
    end: int
    text: str
    page: int
    score: float


@dataclass(frozen=True)
class Source:
    """A numbered source: a retrieved passage, its thesis and section, and the quote cited from it."""

    number: int
    hit: Hit
    work: Work
    section_number: str
    section_title: str
    quote: Quote | None
    citation: dict[str, str]

    @property
    def page(self) -> int:
        return self.quote.page if self.quote else self.hit.page_start


@dataclass
class Answer:
    question: str
    language: str
    text: str
    abstained: bool
    sources: list[Source]
    best_score: float
    cited: list[tuple[int, Quote]] = field(default_factory=list)  # (source number, quote) in answer order
    notices: list[str] = field(default_factory=list)

    def to_json(self, id_: object = None) -> dict:
        """The batch contract's output line (see DESIGN.md, "Contracts")."""
        out: dict = {} if id_ is None else {"id": id_}
        out.update(question=self.question, answer=self.text, abstained=self.abstained,
                   passages=[_source_json(s) for s in self.sources])
        if self.notices:
            out["notices"] = list(self.notices)
        return out


def _source_json(source: Source) -> dict:
    hit = source.hit
    title = source.work.title or source.work.doc
    return {
        "doc": hit.doc, "thesis": title, "section": f"{source.section_number} {source.section_title}".strip(),
        "page": source.page, "start": source.quote.start if source.quote else hit.start,
        "end": source.quote.end if source.quote else hit.end, "score": round(hit.score, 4),
        "text": hit.text, "quote": source.quote.text if source.quote else "",
        "passage_start": hit.start, "passage_end": hit.end, "citation": source.citation,
    }


def ask(engine: Engine, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    """Answer `question` from the corpus with up to three cited verbatim sentences."""
    retrieval = retrieve(engine, question, k, filters)
    language = retrieval.language
    notices = [TRUNCATED[language]] if len(" ".join(question.split())) > MAX_QUERY_CHARS else []
    terms = set(analyse(retrieval.query, language))
    scored = _score_sentences(engine, retrieval.hits[:SOURCES_SCANNED], retrieval.vector, terms, language,
                              retrieval.phrase)
    if asks_for_quantity(retrieval.query):
        named = quantities(retrieval.query, language)
        scored = [item for item in scored if states_quantity(item[2].text, retrieval.hits[item[1]].language, named)]
    best = scored[0][0] if scored else -1.0
    chosen = [] if best < ABSTAIN_BELOW[engine.encoder.dtype][language] else _choose(scored)
    quotes = {hit_index: quote for _, hit_index, quote in chosen}
    sources = [_source(engine, n + 1, hit, quotes.get(n)) for n, hit in enumerate(retrieval.hits)]
    cited = [(hit_index + 1, quote) for _, hit_index, quote in sorted(chosen, key=lambda c: (c[1], c[2].start))]
    text = " ".join(f"{quote.text} [{number}]" for number, quote in cited) if cited else NO_ANSWER[language]
    return Answer(retrieval.query, language, text, not cited, sources, float(best), cited, notices)


def _score_sentences(engine: Engine, hits: list[Hit], vector: np.ndarray | None, terms: set[str],
                     language: str, phrase: re.Pattern[str] | None = None) -> list[tuple[float, int, Quote]]:
    """(score, hit index, quote) for every sentence of the hits that can answer, best first.

    With a pasted `phrase` (`qa.phrase.phrase_pattern`), the sentences that a match of it spans
    are joined into one quote, which ranks above the rest.
    """
    if vector is None or not hits:
        return []
    out: list[tuple[float, int, Quote]] = []
    for hit_index, hit in enumerate(hits):
        sentences = _hit_sentences(engine, hit, vector, terms, language)
        candidates = [(score, quote) for score, quote in sentences
                      if len(quote.text.split()) >= MIN_WORDS and not CUT_OFF.search(quote.text)]
        if phrase is not None:
            candidates = _join_phrase_matches(engine, hit, sentences, candidates, phrase)
        out.extend((score, hit_index, quote) for score, quote in candidates)
    out.sort(key=lambda item: (-item[0], item[1], item[2].start))
    return out


def _hit_sentences(engine: Engine, hit: Hit, vector: np.ndarray, terms: set[str],
                   language: str) -> list[tuple[float, Quote]]:
    """(score, quote) for every sentence inside `hit`, in text order."""
    passages = np.array([hit.passage_id, *hit.merged], dtype=np.int64) - 1
    lo, hi = int(engine.p_sentence_lo[passages].min()), int(engine.p_sentence_hi[passages].max())
    cosines = engine.sentence_vectors[lo:hi] @ vector
    specific = (cosines - TYPICALITY_WEIGHT * engine.s_typicality[lo:hi]).tolist()
    out = []
    for row, cosine, base in zip(range(lo, hi), cosines.tolist(), specific):
        start, end = int(engine.s_start[row]), int(engine.s_end[row])
        if start < hit.start or end > hit.end:
            continue
        text = hit.text[start - hit.start:end - hit.start]
        shared = len(terms & set(analyse(text, language))) / len(terms) if terms else 0.0
        quote = Quote(int(engine.sentence_ids[row]), start, end, text, int(engine.s_page[row]), cosine)
        out.append((base + TERM_WEIGHT * shared, quote))
    return out


def _join_phrase_matches(engine: Engine, hit: Hit, sentences: list[tuple[float, Quote]],
                         candidates: list[tuple[float, Quote]], phrase: re.Pattern[str]) -> list[tuple[float, Quote]]:
    """`candidates` with the sentences spanned by each match of `phrase` in `hit` replaced by one
    quote joining them, scored `VERBATIM_BONUS` above the best of them."""
    for start, end in find_phrase(engine.lowered_text(hit.thesis_id)[hit.start:hit.end], phrase):
        start, end = start + hit.start, end + hit.start
        spanned = [(score, quote) for score, quote in sentences if quote.start < end and start < quote.end]
        if not spanned:
            continue
        first, last = spanned[0][1], spanned[-1][1]
        joined = Quote(first.sentence_id, first.start, last.end, hit.text[first.start - hit.start:last.end - hit.start],
                       first.page, max(quote.score for _, quote in spanned))
        ids = {quote.sentence_id for _, quote in spanned}
        candidates = [(score, quote) for score, quote in candidates if quote.sentence_id not in ids]
        candidates.append((max(score for score, _ in spanned) + VERBATIM_BONUS, joined))
    return candidates


def _choose(scored: list[tuple[float, int, Quote]]) -> list[tuple[float, int, Quote]]:
    """The best sentence and up to two close runners-up from other sources, without repeats."""
    if not scored:
        return []
    chosen = [scored[0]]
    for item in scored[1:]:
        if len(chosen) == MAX_SENTENCES or item[0] < scored[0][0] - RUNNER_UP_MARGIN:
            break
        if any(item[1] == c[1] or _similar(item[2].text, c[2].text) for c in chosen):
            continue
        chosen.append(item)
    return chosen


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > NEAR_DUPLICATE


def _source(engine: Engine, number: int, hit: Hit, quote: Quote | None) -> Source:
    thesis = engine.theses[hit.thesis_id]
    section = engine.section(hit.section_id)
    work = Work(title=thesis.title, authors=thesis.authors, year=thesis.year,
                institution=thesis.institution, degree=thesis.degree, doc=thesis.doc)
    page = quote.page if quote else hit.page_start
    return Source(number, hit, work, section.number, section.title, quote, citation_strings(work, page))
