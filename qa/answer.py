"""Extractive answers: the best run of one to three verbatim sentences of the top passages, cited.

Spans are scored with the embeddings stored in the index (no model call beyond the query's;
`qa.span`). The answer is the best span; up to two supporting quotes from other sources follow
it, each the best span of its source scoring nearly as well, none a near-duplicate of another.
Each is followed by its source number `[n]`. Every answer carries a confidence (`high`, `low`,
`none`; `qa.confidence`): with `none` the answer says no answer was found, but the nearest
passages are still listed. Notices (`Notice`: the question was cut, is in a third language, or
no threshold is calibrated) are codes with values: `Answer.notices` words them in the question's
language (a third language is read as Norwegian), `Notice.text` in the interface's. The knobs are
in `qa.params`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np

from analysis.language import other_language
from analysis.lexical import analyse, content_words, unknown_words
from qa.answer_type import (asks_for_quantity, asks_for_quote, quantities, quantity_kinds, quoted_regions, quoted_share,
                            states_quantity)
from qa.citation import Work, citation_strings, display_title
from qa.confidence import Confidence, Signals, background, grade
from qa.engine import Engine
from qa.filters import Filters
from qa.params import Params
from qa.phrase import find_phrase
from qa.search import MAX_QUERY_CHARS, Hit, Retrieval, retrieve
from qa.span import Quote, make_quote, sentence_terms, span_prior, spans, term_weights
from store.records import has_fixed_pages, section_label

NO_ANSWER = {"no": "Fant ikke noe svar i korpuset.", "en": "No answer found in the corpus."}
TRUNCATED = {
    "no": f"Spørsmålet var langt; bare de første {MAX_QUERY_CHARS} tegnene ble brukt.",
    "en": f"The question was long; only its first {MAX_QUERY_CHARS} characters were used.",
}
NO_THRESHOLDS = {
    "no": "Ingen terskel er kalibrert for modellen {model} ({dtype}); svaret kan være lite relevant.",
    "en": "No threshold is calibrated for the model {model} ({dtype}); the answer may not be relevant.",
}
OTHER_LANGUAGE = {
    "no": "Spørsmålet ser ut til å være på {name}. Tesesøk forstår norsk og engelsk: spørsmålet er søkt "
          "som om det var norsk, og svaret kan bli dårligere. Still det gjerne på norsk eller engelsk.",
    "en": "The question seems to be in {name}. Tesesøk understands Norwegian and English: the question was "
          "searched as if it were Norwegian, and the answer may be worse. Feel free to ask it in Norwegian or "
          "English.",
}
_NOTICES = {"truncated": TRUNCATED, "no_thresholds": NO_THRESHOLDS, "other_language": OTHER_LANGUAGE}
# Names of the languages `analysis.language.other_language` can report, (Norwegian, English).
LANGUAGE_NAMES = {
    "de": ("tysk", "German"), "fr": ("fransk", "French"), "es": ("spansk", "Spanish"),
    "it": ("italiensk", "Italian"), "nl": ("nederlandsk", "Dutch"), "pl": ("polsk", "Polish"),
    "pt": ("portugisisk", "Portuguese"), "fi": ("finsk", "Finnish"), "ru": ("russisk", "Russian"),
    "sv": ("svensk", "Swedish"), "da": ("dansk", "Danish"), "is": ("islandsk", "Icelandic"),
    "et": ("estisk", "Estonian"), "lv": ("latvisk", "Latvian"), "lt": ("litauisk", "Lithuanian"),
    "cs": ("tsjekkisk", "Czech"), "sk": ("slovakisk", "Slovak"), "hu": ("ungarsk", "Hungarian"),
    "ro": ("rumensk", "Romanian"), "hr": ("kroatisk", "Croatian"), "uk": ("ukrainsk", "Ukrainian"),
    "el": ("gresk", "Greek"), "tr": ("tyrkisk", "Turkish"), "ar": ("arabisk", "Arabic"),
    "fa": ("persisk", "Persian"), "he": ("hebraisk", "Hebrew"), "hi": ("hindi", "Hindi"),
    "ur": ("urdu", "Urdu"), "so": ("somali", "Somali"), "sw": ("swahili", "Swahili"),
    "tl": ("tagalog", "Tagalog"), "vi": ("vietnamesisk", "Vietnamese"), "th": ("thai", "Thai"),
    "zh-cn": ("kinesisk", "Chinese"), "zh-tw": ("kinesisk", "Chinese"), "ja": ("japansk", "Japanese"),
    "ko": ("koreansk", "Korean"),
}
UNKNOWN_LANGUAGE = ("et annet språk", "another language")


@dataclass(frozen=True)
class Notice:
    """Something the reader should know about how the question was read: a code ("truncated",
    "no_thresholds", "other_language") and its values; `text` words it in Norwegian or English."""

    code: str
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **values: str) -> Notice:
        """The notice `code` with `values` ("language" holds an ISO 639-1 code, named by `text`)."""
        return cls(code, tuple(sorted(values.items())))

    def text(self, language: str) -> str:
        """The notice in `language`: "en" for English, any other ("no", "nb") for Norwegian."""
        english = language == "en"
        values = dict(self.values)
        if "language" in values:
            values["name"] = LANGUAGE_NAMES.get(values["language"], UNKNOWN_LANGUAGE)[english]
        return _NOTICES[self.code]["en" if english else "no"].format(**values)


Scored = tuple[float, int, Quote]  # (score, hit index, quote)


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
    # The first and last page of what is cited, as printed on them ("iv", "12"): the quote's (a
    # quote can run across a page break), else the passage's (a PDF's front matter is numbered in
    # roman numerals).
    page_label: str = ""
    last_page_label: str = ""

    @property
    def section(self) -> str:
        """The section's number and title, e.g. "4.2.1 Identitetskifte" ("" if it has neither)."""
        return section_label(self.section_number, self.section_title)

    @property
    def page(self) -> int:
        return self.quote.page if self.quote else self.hit.page_start

    @property
    def pages(self) -> str | tuple[str, str] | None:
        """The cited page as printed, or (first, last) when what is cited runs over several; None
        for a file without fixed pages (a Word file: cited by section)."""
        if not has_fixed_pages(self.hit.doc):
            return None
        first = self.page_label or str(self.page)
        last = self.last_page_label or (first if self.quote else str(self.hit.page_end))
        return first if first == last else (first, last)

    def citations(self, lang: str = "nb") -> dict[str, str]:
        """This source's citations (`qa.citation.citation_strings`) in interface language `lang`,
        naming `pages`, or the section in a file without fixed pages; `citation` holds the Norwegian ones."""
        return citation_strings(self.work, self.pages, lang, self.section)

    @property
    def pages_text(self) -> str:
        """`pages` as text: "12", or "12–13"; "" without pages."""
        pages = self.pages
        return "–".join(pages) if isinstance(pages, tuple) else pages or ""


@dataclass
class Answer:
    question: str
    language: str
    text: str
    abstained: bool
    sources: list[Source]
    best_score: float
    cited: list[tuple[int, Quote]] = field(default_factory=list)  # (source number, quote): answer, then support
    notes: list[Notice] = field(default_factory=list)  # worded in any language by `Notice.text`
    confidence: Confidence = field(default_factory=lambda: Confidence("high", 0.0))
    signals: Signals | None = None  # what the confidence was computed from

    @property
    def notices(self) -> list[str]:
        """The notes in the question's language, as `ask --json`, `batch`, the API and the CLI show them."""
        return [note.text(self.language) for note in self.notes]

    def to_json(self, id_: object = None) -> dict:
        """The batch output line: id, question, answer, abstained, confidence (level, score,
        reasons), the question's words the corpus never uses, passages (README, "Commands")."""
        out: dict = {} if id_ is None else {"id": id_}
        out.update(question=self.question, answer=self.text, abstained=self.abstained,
                   confidence=self.confidence.level, confidence_score=round(self.confidence.score, 4),
                   confidence_reasons=list(self.confidence.reasons),
                   unknown_words=list(self.signals.unknown if self.signals else ()),
                   passages=[_source_json(s) for s in self.sources])
        if self.notices:
            out["notices"] = list(self.notices)
        return out


def _source_json(source: Source) -> dict:
    hit = source.hit
    return {
        "doc": hit.doc, "thesis": display_title(source.work), "section": source.section, "part": hit.part,
        "language": hit.language,
        "page": source.page, "page_label": source.page_label, "last_page_label": source.last_page_label,
        "start": source.quote.start if source.quote else hit.start,
        "end": source.quote.end if source.quote else hit.end, "score": round(hit.score, 4),
        "text": hit.text, "quote": source.quote.text if source.quote else "",
        "passage_start": hit.start, "passage_end": hit.end, "citation": source.citation,
    }


def ask(engine: Engine, question: str, k: int = 5, filters: Filters | None = None, *,
        params: Params | None = None) -> Answer:
    """Answer `question` from the corpus with up to three cited verbatim spans and a confidence
    (`params`: the engine's unless given)."""
    params = params or engine.params
    retrieval = retrieve(engine, question, k, filters, params=params)
    return answer_from(engine, retrieval, params, _question_notices(question, retrieval))


def _question_notices(question: str, retrieval: Retrieval) -> list[Notice]:
    """What the reader should know about how `question` was read: it was cut (to `retrieval.query`),
    or it is in a language other than Norwegian and English."""
    notices = [Notice.of("truncated")] if len(" ".join(question.split())) > MAX_QUERY_CHARS else []
    other = other_language(retrieval.query)
    if other:
        notices.append(Notice.of("other_language", language=other))
    return notices


def answer_from(engine: Engine, retrieval: Retrieval, params: Params, notices: list[Notice] | None = None) -> Answer:
    """The answer built from a retrieval's hits (`ask` without the retrieval)."""
    language = retrieval.language
    terms = set(sentence_terms(retrieval.query, language))
    weights = term_weights(engine, terms)
    quantity = asks_for_quantity(retrieval.query)
    scored = _score_spans(engine, retrieval, weights if params.idf_terms else dict.fromkeys(terms, 1.0), params,
                          quantity)
    chosen = _choose(scored, params)
    signals = _signals(engine, retrieval, chosen, terms, weights, quantity)
    thresholds = params.confidence_thresholds(engine.encoder.model_id, engine.encoder.dtype)
    notices = list(notices or [])
    if thresholds is None:
        notices.append(Notice.of("no_thresholds", model=engine.encoder.model_id, dtype=engine.encoder.dtype))
    confidence = grade(signals, language, params, thresholds)
    if confidence.level == "none":
        chosen = []
    quotes = {hit_index: quote for _, hit_index, quote in chosen}
    sources = [_source(engine, n + 1, hit, quotes.get(n)) for n, hit in enumerate(retrieval.hits)]
    cited = [(hit_index + 1, quote) for _, hit_index, quote in chosen]
    text = " ".join(f"{quote.text} [{number}]" for number, quote in cited) if cited else NO_ANSWER[language]
    best = scored[0][0] if scored else -1.0
    return Answer(retrieval.query, language, text, not cited, sources, float(best), cited, notices, confidence, signals)


def _signals(engine: Engine, retrieval: Retrieval, chosen: list[Scored], terms: set[str],
             weights: dict[str, float], quantity: bool) -> Signals:
    vocabulary = engine.lexical.bm25.vocab_dict
    language = retrieval.language
    # A number alone says nothing about a topic ("2010", the "1" of "<img … alert(1)>"): only words
    # make a question searchable and count as present in the corpus.
    weights = {t: w for t, w in weights.items() if not t.isdigit()}
    content = content_words(retrieval.query, language)  # nor do function words alone ("what is it")
    searchable = bool(weights) and bool(content)
    unknown: tuple[str, ...] = ()
    if language == engine.main_language:  # a term is there unless it is an unknown word's (compounds count)
        unknown = tuple(unknown_words(retrieval.query, language, vocabulary, engine.ordered_terms))
        absent = set(analyse(" ".join(unknown), language))
        present = [w for t, w in weights.items() if t not in absent]
    else:
        present = [w for t, w in weights.items() if t in vocabulary]
        if weights and not present:  # refused for its words ("unknown_terms"): say which
            unknown = tuple(w for w in unknown_words(retrieval.query, language, vocabulary) if w in content)
    total = sum(weights.values())
    presence = sum(present) / total if total else 0.0
    if not chosen or retrieval.vector is None:
        missing = quantity and bool(retrieval.hits) and retrieval.vector is not None
        return Signals(-1.0, -1.0, 0.0, 0.0, searchable, presence, missing, unknown)
    best, _, quote = chosen[0]
    held = sentence_terms(quote.text, language)
    coverage = len(terms & held) / len(terms) if terms else 0.0
    return Signals(best, quote.score, background(engine, retrieval.vector), coverage, searchable, presence,
                   unknown=unknown)


def _score_spans(engine: Engine, retrieval: Retrieval, terms: dict[str, float], params: Params,
                 quantity: bool) -> list[Scored]:
    """(score, hit index, quote) for every span of the top hits that can answer, best first.

    With a pasted phrase (`qa.phrase`), the sentences that a match of it spans are joined into
    one quote, which ranks above the rest. A question asking for a quantity (`quantity`) only
    takes spans that state one; one asking for a quote favours spans inside quotation marks.
    """
    if retrieval.vector is None or not retrieval.hits:
        return []
    out: list[Scored] = []
    quoting = params.quote_weight if asks_for_quote(retrieval.query) else 0.0
    for hit_index, hit in enumerate(retrieval.hits[:params.sources_scanned]):
        prior = span_prior(hit, retrieval.hits[0], retrieval.language, params)
        regions = quoted_regions(engine.thesis_text(hit.thesis_id), hit.start, hit.end) if quoting else []
        candidates = [(score + prior + quoting * quoted_share(regions, quote.start, quote.end), quote)
                      for score, quote in spans(engine, hit, retrieval.vector, terms, retrieval.language, params)]
        if retrieval.phrase is not None:
            candidates += _phrase_matches(engine, hit, candidates, retrieval.phrase, params.verbatim_bonus)
        out.extend((score, hit_index, quote) for score, quote in candidates)
    if quantity:
        named, kinds = quantities(retrieval.query, retrieval.language), quantity_kinds(retrieval.query)
        out = [item for item in out if states_quantity(item[2].text, retrieval.hits[item[1]].language, named, kinds)]
    out.sort(key=lambda item: (-item[0], item[1], item[2].start, item[2].end))
    return out


def _phrase_matches(engine: Engine, hit: Hit, candidates: list[tuple[float, Quote]],
                    phrase: re.Pattern[str], bonus: float) -> list[tuple[float, Quote]]:
    """For each match of `phrase` in `hit`: the quote of the whole sentences it spans, scored
    `bonus` above the best candidate inside it."""
    out = []
    passages = np.array([hit.passage_id, *hit.merged], dtype=np.int64) - 1
    first = int(engine.p_sentence_lo[passages].min())
    s_start, s_end = engine.s_start[first:int(engine.p_sentence_hi[passages].max())], engine.s_end[first:]
    for start, end in find_phrase(engine.lowered_text(hit.thesis_id)[hit.start:hit.end], phrase):
        start, end = start + hit.start, end + hit.start
        rows = first + np.flatnonzero((s_start < end) & (s_end[:len(s_start)] > start))
        if not len(rows):
            continue
        lo, hi = int(engine.s_start[rows[0]]), int(engine.s_end[rows[-1]])
        if lo < hit.start or hi > hit.end:
            continue
        inside = [score for score, quote in candidates if lo <= quote.start and quote.end <= hi]
        base = max(inside, default=max((score for score, _ in candidates), default=0.0))
        quote = make_quote(engine, hit, int(rows[0]), int(rows[-1]),
                           max((q.score for _, q in candidates), default=0.0), len(rows))
        out.append((base + bonus, quote))
    return out


def _choose(scored: list[Scored], params: Params) -> list[Scored]:
    """The best span, then supporting spans from other sources within `params.support_margin`
    of it, none repeating another."""
    if not scored:
        return []
    chosen = [scored[0]]
    for item in scored[1:]:
        if len(chosen) == params.max_quotes or item[0] < scored[0][0] - params.support_margin:
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
    start, end = (quote.start, quote.end) if quote else (hit.start, hit.end)
    label, last = engine.page_label(hit.thesis_id, start), engine.page_label(hit.thesis_id, max(start, end - 1))
    source = Source(number, hit, thesis.work, section.number, section.title, quote, {}, label, last)
    return replace(source, citation=source.citations())
