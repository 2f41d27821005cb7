"""Bibliographic fields derived from a thesis's own text, for theses the catalog says little about.

Pure functions over a parsed `Thesis` (its clean text, sections and pages); nothing is guessed from
the file name. Each value comes with the sentence it was read from (`Suggestion.evidence`):

* ``topic``: the research question, as the thesis states it ("Problemstillingen lyder slik:
  «…»", "Problemstillingen i denne oppgaven er: …?", a question in the paragraph after "mine to
  problemstillinger er følgende:", or an indirect "vår problemstilling har vært å belyse …");
* ``title``: a short display title made from the topic (cut at a clause or word boundary);
* ``degree``: the level the thesis calls itself ("denne bacheloroppgaven", "min masteroppgave"),
  else the level of the degree it names with a field ("Masteroppgave i sosiologi" on a title page),
  and the field of study where the text names one ("master i rehabilitering", "sosionomstudiet").

`derive` returns every suggestion; `missing_from` keeps those for fields the catalog leaves empty.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from store.records import Section, Suggestion, Thesis, ThesisMeta
from indexer.sentences import split_sentences

SOURCE = "text"
TITLE_CHARS = 90  # longest display title; longer topics are cut at a clause or word boundary
EVIDENCE_CHARS = 220
MIN_QUESTION_WORDS = 4

_KEYWORD = re.compile(r"problemstilling\w*|forskningsspørsmål\w*|research questions?", re.IGNORECASE)
_QUOTED = re.compile(r"[«“”\"]([^«»“”\"]{10,400}?)[»”\"]")
_AFTER_COLON = re.compile(r":\s*(?P<q>[A-ZÆØÅ«“\"][^:]{10,400}\?)")
_INDIRECT = re.compile(
    r"\b(?:er|var|har vært|blir|lyder)\s+(?:å\s+(?:belyse|undersøke|se på|finne ut|forstå)\s+|om\s+)?"
    r"(?P<q>(?:hvordan|hvilke|hvilken|hvilket|hva|hvorfor|om|hvor)\b[^.?!]{15,300})[.?!]",
    re.IGNORECASE)
_LEVELS = {"bachelor": "Bachelor", "master": "Master", "hovedoppgave": "Hovedoppgave", "doktor": "Ph.d."}
# The thesis naming itself: "denne bacheloroppgaven", "min masteroppgave", "som masterstudent"
# (not "masterstatus": a kind of text or student must follow the level).
_SELF_REFERENCE = re.compile(
    r"\b(?:denne|min|mi|vår|mitt|dette|som)\s+(?:(?P<level>bachelor|master|doktor)(?:grads)?"
    r"(?:oppgave|avhandling|student|studiet)|(?P<main>hovedoppgave))\w{0,3}\b", re.IGNORECASE)
_STUDY_FIELDS = ("sosialt arbeid", "barnevern", "vernepleie", "sykepleie", "rehabilitering", "pedagogikk",
                 "psykologi", "sosiologi", "helsevitenskap", "folkehelse", "spesialpedagogikk")
# The field of study: "master i rehabilitering", "pensumlisten vår i sosialt arbeid", "sosionomstudiet".
_FIELD = re.compile(
    r"\b(?P<level>bachelor|master)(?:grad\w*|oppgave\w*|avhandling\w*|studiet)?\s+i\s+(?P<field>(?-i:sosialt arbeid|[a-zæøå]{5,}))\b"
    rf"|\b(?:pensum\w*(?:\s+vår)?|utdanningen|studiet)\s+(?:i\s+|innen\s+)?(?P<study>{'|'.join(_STUDY_FIELDS)})\b",
    re.IGNORECASE)
_PROFESSION = {"sosionom": "sosialt arbeid", "barnevernspedagog": "barnevern", "vernepleier": "vernepleie",
               "sykepleier": "sykepleie", "ergoterapeut": "ergoterapi", "fysioterapeut": "fysioterapi"}
_PROFESSION_STUDY = re.compile(rf"\b(?P<job>{'|'.join(_PROFESSION)})(?:studiet|utdanning\w*)", re.IGNORECASE)
_TRAILING_SMALL_WORDS = frozenset("og eller for at som en et ei i på til med av om å fra the of and a to in".split())


def derive(thesis: Thesis) -> list[Suggestion]:
    """Every field this module can derive from `thesis`, each with its evidence."""
    found = []
    topic = find_topic(thesis)
    if topic:
        question, start, end = topic
        found.append(Suggestion("topic", question, _evidence(thesis, start, end), SOURCE))
        found.append(Suggestion("title", display_title(question), f"the research question ({_location(thesis, start)}),"
                                f" shortened to a display title", SOURCE))
    degree = find_degree(thesis)
    if degree:
        value, spans = degree
        found.append(Suggestion("degree", value, "; ".join(_evidence(thesis, a, b) for a, b in spans), SOURCE))
    return found


def missing_from(suggestions: list[Suggestion], meta: ThesisMeta) -> dict[str, Suggestion]:
    """The first suggestion per field that `meta` (the catalog's entry) leaves empty."""
    out: dict[str, Suggestion] = {}
    for s in suggestions:
        if s.field not in out and not getattr(meta, s.field, ""):
            out[s.field] = s
    return out


# --- topic -----------------------------------------------------------------------------------

def find_topic(thesis: Thesis) -> tuple[str, int, int] | None:
    """The research question and the span of text stating it: direct forms first (in sections
    titled for it, then in text order), else the first indirect one."""
    indirect = None
    for a, b, nxt in _keyword_sentences(thesis):
        sentence = thesis.text[a:b]
        question, from_next = _direct_question(sentence, thesis.text[nxt[0]:nxt[1]] if nxt else "")
        if question:
            return question, a, (nxt[1] if from_next else b)
        if indirect is None and (match := _INDIRECT.search(sentence, _KEYWORD.search(sentence).end())):
            q = match["q"].strip()
            indirect = (q[0].upper() + q[1:], a, b)
    return indirect


def _keyword_sentences(thesis: Thesis) -> Iterator[tuple[int, int, tuple[int, int] | None]]:
    """(start, end, next paragraph's first sentence) of each sentence naming the research question,
    those in sections titled for it ("1.2 Problemstilling") first; appendices are left out."""
    sections = [s for s in thesis.sections if s.part != "appendix"]
    titled = [s for s in sections if _KEYWORD.search(s.title)]
    for section in titled + [s for s in sections if s not in titled]:
        paragraphs = list(_paragraphs(thesis.text, section))
        for i, (p0, p1) in enumerate(paragraphs):
            for a, b in split_sentences(thesis.text, p0, p1):
                if _KEYWORD.search(thesis.text, a, b):
                    following = split_sentences(thesis.text, *paragraphs[i + 1]) if i + 1 < len(paragraphs) else []
                    yield a, b, (following[0] if following else None)


def _paragraphs(text: str, section: Section) -> Iterator[tuple[int, int]]:
    """(start, end) of the paragraphs under `section`'s heading."""
    start = section.content_start
    for match in re.finditer(r"\n\s*\n", text[start:section.end]):
        end = section.content_start + match.start()
        if text[start:end].strip():
            yield start, end
        start = section.content_start + match.end()
    if text[start:section.end].strip():
        yield start, section.end


def _direct_question(sentence: str, next_paragraph: str) -> tuple[str, bool]:
    """The question `sentence` states after its keyword, or the next paragraph's when the sentence
    ends in a colon (then with True); "" when it states none."""
    tail = sentence[_KEYWORD.search(sentence).start():]
    for match in _QUOTED.finditer(tail):
        if _is_question(match[1]):
            return _tidy(match[1]), False
    match = _AFTER_COLON.search(tail)
    if match and _is_question(match["q"]):
        return _tidy(match["q"]), False
    if tail.rstrip().endswith(":") and _is_question(next_paragraph):
        return _tidy(next_paragraph), True
    return "", False


def _is_question(text: str) -> bool:
    return len(text.split()) >= MIN_QUESTION_WORDS and text.rstrip().rstrip("»”\"").endswith("?")


def _tidy(text: str) -> str:
    return " ".join(text.strip(" «»“”\"").split())


# --- title -----------------------------------------------------------------------------------

def display_title(topic: str, limit: int = TITLE_CHARS) -> str:
    """`topic` as a short title: whole when it fits in `limit` characters, else cut at the last
    comma in its second half or at a word boundary, small trailing words dropped, and "…" added."""
    topic = " ".join(topic.split())
    if len(topic) <= limit:
        return topic
    head = topic[:limit + 1]
    comma = head.rfind(",")
    words = (head[:comma] if comma >= limit // 2 else head.rsplit(" ", 1)[0]).split()
    while len(words) > MIN_QUESTION_WORDS and words[-1].lower() in _TRAILING_SMALL_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:") + " …"


# --- degree ----------------------------------------------------------------------------------

def find_degree(thesis: Thesis) -> tuple[str, list[tuple[int, int]]] | None:
    """The degree, "Bachelor i sosialt arbeid", and the spans naming it: the level the text most
    often calls itself (else the one it most often names with a field, "masteroppgave i sosiologi")
    and the field of study it names most; None when it names neither."""
    text = thesis.text
    levels = [((m["level"] or m["main"]).lower(), m.start(), m.end()) for m in _SELF_REFERENCE.finditer(text)]
    fields = [((m["field"] or m["study"]).lower(), m.start(), m.end()) for m in _FIELD.finditer(text)]
    if not levels:  # "Masteroppgave i sosiologi" on a title page states the level as well as the field
        levels = [(m["level"].lower(), m.start(), m.end()) for m in _FIELD.finditer(text) if m["level"]]
    fields += [(_PROFESSION[m["job"].lower()], m.start(), m.end()) for m in _PROFESSION_STUDY.finditer(text)]
    parts, spans = [], []
    for found, name_of in ((levels, _LEVELS.get), (fields, str)):
        if found:
            best = Counter(name for name, _, _ in found).most_common(1)[0][0]
            parts.append(name_of(best))
            spans.append(next((a, b) for name, a, b in found if name == best))
    if not parts:
        return None
    value = " i ".join(parts)
    return value[0].upper() + value[1:], list(dict.fromkeys(spans))  # one span may name both


# --- evidence --------------------------------------------------------------------------------

def _location(thesis: Thesis, offset: int) -> str:
    """ "s. 3, 1.2 Problemstilling": the page, as printed on it ("s. ii" in the front matter), and the
    section holding `offset`."""
    section = thesis.section_at(offset).label
    return f"s. {thesis.page_at(offset).printed}" + (f", {section}" if section else "")


def _evidence(thesis: Thesis, start: int, end: int) -> str:
    """Where `thesis.text[start:end]` stands, with its sentence quoted: "s. 3, 1.2 Problemstilling: «…»"."""
    a, b = _sentence_around(thesis.text, start, end)
    quote = " ".join(thesis.text[a:b].split())
    if len(quote) > EVIDENCE_CHARS:
        quote = quote[:EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"
    return f"{_location(thesis, start)}: «{quote}»"


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding text[start:end] (the span itself when it is longer)."""
    p0 = text.rfind("\n\n", 0, start)
    p1 = text.find("\n\n", end)
    for a, b in split_sentences(text, p0 + 2 if p0 >= 0 else 0, p1 if p1 >= 0 else len(text)):
        if a <= start < b:
            return a, max(b, end)
    return start, end
