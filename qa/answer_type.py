"""What kind of answer a question asks for, and whether a sentence can be such an answer.

A question that asks for a quantity ("Hvor mange …?", "How much …?", "Hva var svarprosenten?",
"How common is …?") is only answered by a sentence that states one: a number that is not a year,
a citation or a page reference, or a number word of the sentence's language. A quantity the
question itself names ("the eight informants", "the 537 participants") is not an answer to it.
A question that asks only for a share, a sum of money, a duration or a dose
(`quantity_kinds`) takes only a sentence stating one of that kind, and a count ("how many
beds") is not answered by a time of day, a duration or an age. Restricting answer sentences
this way finds the figure the reader wants, and lets the system abstain when the passages only
talk around it.

A question that asks for a quote ("Finn et sitat som …", "Find an informant's statement …", "a
definition I can cite") is best answered by words the thesis quotes, not by the author's
paraphrase around them: `quoted_share` tells how much of a span stands inside quotation marks
(`qa.params.quote_weight`).
"""
from __future__ import annotations

import re

_QUANTITY_QUESTION = re.compile(
    r"\b(hvor\s+(mange|mye|stor\w*|lang\w*|lenge|ofte|gammel|gamle|høy\w*|vanlig\w*|utbredt\w*)|hvilken\s+andel|"
    r"hva\s+kost\w*|hva\s+(er|var|blir|ble)\s+(den\s+|det\s+)?\w*(prosent|andel|antall|beløp|dose|kostnad|pris)\w*|"
    r"hvordan\s+fordel\w*\b.*\bseg\s+på|(kjønns|alders)fordeling\w*|(age|gender|sex)\s+distribution|"
    r"distributed\s+by\s+(age|gender|sex)|"
    r"how\s+(many|much|long|often|old|large|big|high|common|widespread|prevalent)|"
    r"what\s+(\w+\s+)?(share|proportion|percentage|fraction|amount|number|dose|rate|price)\b|"
    r"what\s+(does|did|do)\b.*\bcost)\b",
    re.IGNORECASE,
)
# Number words per language: Norwegian "to" (two) is an English preposition.
_NUMBER_WORDS = {
    "no": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8,
           "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
           "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tjue": 20, "hundre": 100, "tusen": 1000,
           "million": 10**6, "millioner": 10**6, "halvparten": "1/2", "tredjedel": "1/3",
           "tredjedelen": "1/3", "firedel": "1/4", "kvart": "1/4", "prosent": "%"},
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "hundred": 100,
           "thousand": 1000, "million": 10**6, "half": "1/2", "third": "1/3", "quarter": "1/4", "percent": "%"},
}
_CITATION = re.compile(r"\([^()]*\d{4}[^()]*\)")  # (Topor, 2006, s. 12)
_PAGE_REF = re.compile(r"\b(s|side|p|pp)\.\s*\d+", re.IGNORECASE)
# A numbered label names a part of the text, not a quantity: "Figur 3", "tabell 2", "kapittel 4.1".
_LABEL = re.compile(r"\b(fig|figur|figuren|figure|tabell|tabellen|table|kapittel|kapitlet|chapter|vedlegg|appendix|"
                    r"avsnitt|section)\.?\s*\d+(?:\.\d+)*\b", re.IGNORECASE)
_MONTHS = ("januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|"
           "january|february|march|may|june|july|october|december")
_DATE = re.compile(rf"\b\d{{1,2}}\.?\s+({_MONTHS})\b|\b({_MONTHS})\s+\d{{1,2}}\b", re.IGNORECASE)  # 14. januar
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])")


def asks_for_quantity(question: str) -> bool:
    """Whether the question asks how many, how much, what share, how common, what it costs, …"""
    return bool(_QUANTITY_QUESTION.search(question))


def quantities(text: str, language: str = "no") -> set[object]:
    """The quantities ``text`` names: numbers other than years, dates, citations and page references, and
    number words of ``language`` ("en"/"one" are left out: mostly they mean "a")."""
    text = _strip_references(text)
    found: set[object] = set()
    for match in _NUMBER.finditer(text):
        value = match.group(1)
        if not (len(value) == 4 and value.isdigit() and 1800 <= int(value) <= 2099):
            found.add(float(value.replace(",", ".")))
    words = _NUMBER_WORDS.get(language, _NUMBER_WORDS["no"])
    for word in re.findall(r"\w+", text.lower()):
        if word in words:
            value = words[word]
            found.add(float(value) if isinstance(value, int) else value)
    return found


def states_quantity(sentence: str, language: str = "no", named: set[object] = frozenset(),
                    kinds: frozenset[str] = frozenset()) -> bool:
    """Whether the sentence (in ``language``) states a quantity other than the ``named`` ones (the
    question's own, from :func:`quantities`), of one of the ``kinds`` when the question asks only for
    typed ones (:func:`quantity_kinds`): a share, a sum of money, a duration or a dose."""
    typed = kinds - {"count"}
    if typed:
        plain = _strip_references(sentence)
        if any(_KIND_ANSWER[kind].search(_AGE.sub(" ", plain) if kind == "duration" else plain) for kind in typed):
            return True
        if "count" not in kinds:
            return False
    return bool(quantities(_not_counts(sentence) if "count" in kinds else sentence, language) - named)


def _not_counts(sentence: str) -> str:
    """``sentence`` without the numbers that count no things: ages, durations and times of day. "Hvor
    mange sengeplasser" is not answered by "kl 20.00" nor "How many people die …" by "de siste 10
    årene" (a count of time units, "hvor mange år", asks for a duration: ``_KIND_QUESTION``)."""
    return _CLOCK.sub(" ", _KIND_ANSWER["duration"].sub(" ", _AGE.sub(" ", sentence)))


# What a question names when it asks for a typed quantity, and what a sentence must hold to state
# one. A count ("hvor mange", "how many") takes any quantity, a typed one only its own kind: a
# proportion is not answered by "30 dager", nor a price by "2016". Ages stay untyped: they are
# often given as bare numbers ("mellom 25 og 45").
_KIND_QUESTION = {kind: re.compile(rf"\b({pattern})\b", re.IGNORECASE) for kind, pattern in {
    "count": r"hvor\s+mange|antall\w*|how\s+many|number\s+of",
    "share": r"andel\w*|\w*prosent\w*|hvor\s+stor\s+del|hvor\s+(vanlig|utbredt)\w*|proportion\w*|percentage\w*|"
             r"share|fraction|how\s+(common|widespread|prevalent)",
    "money": r"kost(e|er|et|nad\w*)|pris|prisen|priser|prisene|penger|beløp\w*|budsjett\w*|bevilg\w*|lønn\w*|"
             r"økonomisk\w*|cost\w*|price\w*|money|budget\w*|funding|salar\w+|wages?|financial",
    "duration": r"hvor\s+lenge|hvor\s+lang\s+tid|varighet\w*|how\s+long|duration|how\s+much\s+time|"
                r"hvor\s+mange\s+(sekunder|minutter|timer|døgn|dager|uker|måneder|år)|"
                r"how\s+many\s+(seconds|minutes|hours|days|weeks|months|years)",
    "dose": r"dose\w*|dosering\w*|dosage\w*",
}.items()}
_NUMBER_OR_WORD = (r"(\d+(?:[.,]\d+)?|"
                   + "|".join(w for words in _NUMBER_WORDS.values() for w, v in words.items() if isinstance(v, int))
                   + ")")
_ANY_NUMBER = rf"({_NUMBER_OR_WORD}|halvannen|halvannet|en|ett|et|én|ei|one|an?)"  # "en time", "a year"
_KIND_ANSWER = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in {
    "share": rf"\d\s*%|\b{_NUMBER_OR_WORD}\s+(prosent|percent|per\s+cent)\b|\b\d{{1,3}}/\d{{1,3}}\b|"
             rf"\b{_NUMBER_OR_WORD}\s+(av|of|in|out\s+of)\s+((de|the)\s+)?({_NUMBER_OR_WORD}\b|dem\b|disse\b|"
             r"\w+(ene|erne)\b)|"
             r"\b(halvpart\w*|tredjedel\w*|fjerdedel\w*|firedel\w*|flertall\w*|mindretall\w*|majority|minority)\b|"
             r"\b(one|a|two)[\s-]+(half|third|quarter)s?\b|\bhalf\s+of\b|\bone\s+in\s+\w+|"
             r"\bhver\s+(annen|tredje|fjerde|femte|sjette|sjuende|syvende|åttende|niende|tiende|tjuende)\b",
    "money": r"(\d|\b(hundre|tusen|million\w*|milliard\w*|mill|mrd)\.?)\s*(kr\b|kroner|nok\b|euro|dollar\w*|usd\b)|"
             r"\bkr\.?\s*\d|\$\s*\d|€\s*\d|\d\s*(€|,-)",  # a number beside the currency: "nok" is also "enough"
    "duration": rf"\b{_ANY_NUMBER}\s+((halvt?|hele|lange?|korte?|fulle?)\s+)?"
                r"(sekund\w*|minutt\w*|timer?|timen|timene|kvarter\w*|døgn\w*|dag|dager|dagen|dagene|"
                r"uke|uker|uka|uken|ukene|måned\w*|år|året|årene|"
                r"seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b",
    "dose": r"\d\s*(mg|milligram\w*|ml|mcg|µg|gram)\b",
}.items()}
# Times of day ("kl 20.00", "klokken 8", "klokken halv ti", "20:00", "at nine o'clock").
_CLOCK = re.compile(rf"\b(kl|klokk\w*)\.?\s*((halv|kvart\s+(over|på))\s+)?({_NUMBER_OR_WORD}(?:[.:]\d{{2}})?)\b|"
                    rf"\b\d{{1,2}}:\d{{2}}\b|\b{_NUMBER_OR_WORD}\s+o['’]clock\b", re.IGNORECASE)
# Ages ("48 år gammel", "i alderen 20 til 60 år"): years that are no duration.
_AGE = re.compile(r"\b\d+\s*(år|years?)\s+(gam\w+|old)\b|\bi\s+alder(en)?\s+[^.;]*?\d+\s*år\b|\baged\s+[^.;]*?\d+",
                  re.IGNORECASE)


def quantity_kinds(question: str) -> frozenset[str]:
    """The kinds of quantity a question names: ``count`` and typed ones (see :func:`states_quantity`)."""
    return frozenset(kind for kind, pattern in _KIND_QUESTION.items() if pattern.search(question))


def _strip_references(text: str) -> str:
    """``text`` without citations, page references, numbered labels and dates, whose numbers state no
    quantity."""
    return _DATE.sub(" ", _LABEL.sub(" ", _PAGE_REF.sub(" ", _CITATION.sub(" ", text))))


_QUOTE_QUESTION = re.compile(
    r"\b(sitat\w*|siter\w*|utsagn\w*|uttalelse\w*|med\s+egne\s+ord|"
    r"quot(e|es|ed|ation|ations)|cite|citing|citation\w*|statement\w*|"
    r"\w+['’]s\s+(own\s+)?words|in\s+\w+\s+own\s+words)\b",
    re.IGNORECASE,
)
# Marks that open a quotation, marks that close one, and marks that do either (Norwegian texts
# often open with ” as well as close with it).
_OPENING, _CLOSING, _EITHER = "«„", "»", "\"”“"
_MARK = re.compile(rf"[{_OPENING}{_CLOSING}{_EITHER}]|\n\s*\n")


def asks_for_quote(question: str) -> bool:
    """Whether the question asks for a quote, a statement or someone's own words."""
    return bool(_QUOTE_QUESTION.search(question))


def quoted_regions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The (start, end) ranges of ``text`` inside quotation marks that overlap ``start``..``end``.

    An unclosed quotation ends at the paragraph break (a blank line), so one stray mark cannot
    quote a whole passage; for the same reason the scan starts at the paragraph holding
    ``start``, where no quotation is open (a passage may begin inside one)."""
    end = len(text) if end is None else end
    regions, opened = [], None
    for match in _MARK.finditer(text, max(0, text.rfind("\n\n", 0, start)), end):
        mark, at = match.group(), match.start()
        if opened is None:
            if mark in _OPENING + _EITHER:
                opened = match.end()
        elif mark in _CLOSING + _EITHER or not mark.strip():
            regions.append((opened, at))
            opened = None
    if opened is not None:
        regions.append((opened, end))
    return [(a, b) for a, b in regions if b > start]


def quoted_share(regions: list[tuple[int, int]], start: int, end: int) -> float:
    """The share of the characters ``start``..``end`` that lie inside ``regions``."""
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in regions)
    return inside / (end - start)
