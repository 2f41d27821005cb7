"""Extractive answers: the best one to three verbatim sentences of the top passages, cited.

Sentences are scored with the embeddings stored in the index (no model call beyond the query's).
The answer takes the best sentence and up to two more that score nearly as well, each from a
different source and none a near-duplicate of another, in source order, each followed by its
source number `[n]`. When even the best sentence is not similar enough to the question, the
answer abstains but the nearest passages are still listed. The knobs are in `qa.params`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from analysis.lexical import analyse
from qa.answer_type import asks_for_quantity, quantities, states_quantity
from qa.citation import Work, citation_strings
from qa.engine import Engine
from qa.filters import Filters
from qa.params import Params
from qa.phrase import find_phrase
from qa.search import MAX_QUERY_CHARS, Hit, retrieve
from store.records import section_label

NO_ANSWER = {"no": "Fant ikke noe svar i korpuset.", "en": "No answer found in the corpus."}
TRUNCATED = {
    "no": f"Spørsmålet var langt; bare de første {MAX_QUERY_CHARS} tegnene ble brukt.",
    "en": f"The question was long; only its first {MAX_QUERY_CHARS} characters were used.",
}
NO_THRESHOLDS = {
    "no": "Ingen terskel er kalibrert for modellen {model} ({dtype}); svaret kan være lite relevant.",
    "en": "No threshold is calibrated for the model {model} ({dtype}); the answer may not be relevant.",
}
# Nor is a "sentence" that ends in a word an answer: a heading or letterhead, or a line cut off by
# the block quote it continues in ("understrekes plikten til å"); 30 of the 4 598 sentences of the
# corpus. (One ending in a colon introduces a quote, but leaving those out too cost a right answer
# on the dev set.)
CUT_OFF = re.compile(r"\w\s*$")


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
    # The cited page as printed on it ("iv", "12"): the quote's page, else the passage's first
    # page; and the passage's last page (a PDF's front matter is numbered in roman numerals).
    page_label: str = ""
    last_page_label: str = ""

    @property
    def section(self) -> str:
        """The section's number and title, e.g. "4.2.1 Identitetskifte" ("" if it has neither)."""
        return section_label(self.section_number, self.section_title)

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
        """The batch output line: id, question, answer, abstained, passages (README, "Commands")."""
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
        "doc": hit.doc, "thesis": title, "section": source.section,
        "page": source.page, "page_label": source.page_label, "start": source.quote.start if source.quote else hit.start,
        "end": source.quote.end if source.quote else hit.end, "score": round(hit.score, 4),
        "text": hit.text, "quote": source.quote.text if source.quote else "",
        "passage_start": hit.start, "passage_end": hit.end, "citation": source.citation,
    }


def ask(engine: Engine, question: str, k: int = 5, filters: Filters | None = None, *,
        params: Params | None = None) -> Answer:
    """Answer `question` from the corpus with up to three cited verbatim sentences (`params`: the
    engine's unless given)."""
    params = params or engine.params
    retrieval = retrieve(engine, question, k, filters, params=params)
    language = retrieval.language
    notices = [TRUNCATED[language]] if len(" ".join(question.split())) > MAX_QUERY_CHARS else []
    terms = set(analyse(retrieval.query, language))
    scored = _score_sentences(engine, retrieval.hits[:params.sources_scanned], retrieval.vector, terms, language,
                              params, retrieval.phrase)
    if asks_for_quantity(retrieval.query):
        named = quantities(retrieval.query, language)
        scored = [item for item in scored if states_quantity(item[2].text, retrieval.hits[item[1]].language, named)]
    best = scored[0][0] if scored else -1.0
    thresholds = params.abstention_thresholds(engine.encoder.model_id, engine.encoder.dtype)
    if thresholds is None:
        notices.append(NO_THRESHOLDS[language].format(model=engine.encoder.model_id, dtype=engine.encoder.dtype))
    below = thresholds is not None and best < thresholds.get(language, thresholds["no"])
    chosen = [] if below else _choose(scored, params)
    quotes = {hit_index: quote for _, hit_index, quote in chosen}
    sources = [_source(engine, n + 1, hit, quotes.get(n)) for n, hit in enumerate(retrieval.hits)]
    cited = [(hit_index + 1, quote) for _, hit_index, quote in sorted(chosen, key=lambda c: (c[1], c[2].start))]
    text = " ".join(f"{quote.text} [{number}]" for number, quote in cited) if cited else NO_ANSWER[language]
    return Answer(retrieval.query, language, text, not cited, sources, float(best), cited, notices)


def _score_sentences(engine: Engine, hits: list[Hit], vector: np.ndarray | None, terms: set[str],
                     language: str, params: Params,
                     phrase: re.Pattern[str] | None = None) -> list[tuple[float, int, Quote]]:
    """(score, hit index, quote) for every sentence of the hits that can answer, best first.

    With a pasted `phrase` (`qa.phrase.phrase_pattern`), the sentences that a match of it spans
    are joined into one quote, which ranks above the rest.
    """
    if vector is None or not hits:
        return []
    out: list[tuple[float, int, Quote]] = []
    for hit_index, hit in enumerate(hits):
        sentences = _hit_sentences(engine, hit, vector, terms, language, params)
        candidates = [(score, quote) for score, quote in sentences
                      if len(quote.text.split()) >= params.min_words and not CUT_OFF.search(quote.text)]
        if phrase is not None:
            candidates = _join_phrase_matches(engine, hit, sentences, candidates, phrase, params.verbatim_bonus)
        out.extend((score, hit_index, quote) for score, quote in candidates)
    out.sort(key=lambda item: (-item[0], item[1], item[2].start))
    return out


def _hit_sentences(engine: Engine, hit: Hit, vector: np.ndarray, terms: set[str],
                   language: str, params: Params) -> list[tuple[float, Quote]]:
    """(score, quote) for every sentence inside `hit`, in text order."""
    passages = np.array([hit.passage_id, *hit.merged], dtype=np.int64) - 1
    lo, hi = int(engine.p_sentence_lo[passages].min()), int(engine.p_sentence_hi[passages].max())
    cosines = engine.sentence_vectors[lo:hi] @ vector
    specific = (cosines - params.typicality_weight * engine.s_typicality[lo:hi]).tolist()
    out = []
    for row, cosine, base in zip(range(lo, hi), cosines.tolist(), specific):
        start, end = int(engine.s_start[row]), int(engine.s_end[row])
        if start < hit.start or end > hit.end:
            continue
        text = hit.text[start - hit.start:end - hit.start]
        shared = len(terms & set(analyse(text, language))) / len(terms) if terms else 0.0
        quote = Quote(int(engine.sentence_ids[row]), start, end, text, int(engine.s_page[row]), cosine)
        out.append((base + params.term_weight * shared, quote))
    return out


def _join_phrase_matches(engine: Engine, hit: Hit, sentences: list[tuple[float, Quote]],
                         candidates: list[tuple[float, Quote]], phrase: re.Pattern[str],
                         bonus: float) -> list[tuple[float, Quote]]:
    """`candidates` with the sentences spanned by each match of `phrase` in `hit` replaced by one
    quote joining them, scored `bonus` above the best of them."""
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
        candidates.append((max(score for score, _ in spanned) + bonus, joined))
    return candidates


def _choose(scored: list[tuple[float, int, Quote]], params: Params) -> list[tuple[float, int, Quote]]:
    """The best sentence and up to two close runners-up from other sources, without repeats."""
    if not scored:
        return []
    chosen = [scored[0]]
    for item in scored[1:]:
        if len(chosen) == params.max_sentences or item[0] < scored[0][0] - params.runner_up_margin:
            break
        if any(item[1] == c[1] or _similar(item[2].text, c[2].text, params.near_duplicate) for c in chosen):
            continue
        chosen.append(item)
    return chosen


def _similar(a: str, b: str, threshold: float) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > threshold


def _source(engine: Engine, number: int, hit: Hit, quote: Quote | None) -> Source:
    thesis = engine.theses[hit.thesis_id]
    section = engine.section(hit.section_id)
    work = Work(title=thesis.title, authors=thesis.authors, year=thesis.year,
                institution=thesis.institution, degree=thesis.degree, doc=thesis.doc)
    label = engine.page_label(hit.thesis_id, quote.start if quote else hit.start)
    last = engine.page_label(hit.thesis_id, max(hit.start, hit.end - 1))
    return Source(number, hit, work, section.number, section.title, quote, citation_strings(work, label or None),
                  label, last)
