"""Recognise headings among the lines of a thesis.

Kinds of heading: numbered (`1.0 INTRODUKSJON`, `4.2.1 Identitetskifte`, `2.5: Ressurser`),
chapters (`KAPITTEL 2 - METODE`), appendices (`Vedlegg 1 - …`), front and back matter
(`Forord`, `Sammendrag`, `Abstract`, `Litteraturliste`, …) and ALL-CAPS subheadings. Numbered
list items (`1. Hvordan er livet ditt i dag?`), years (`1960. Hans forklaring …`), footnotes and
contents entries (`1 Innledning ....... 1`) are rejected: a numbered heading must follow the
thesis's outline (`2.3` may be followed by `2.4`, `3.0` or `2.3.1`, not by `1` or `10`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from indexer.layout import Line

HeadingKind = Literal["numbered", "chapter", "appendix", "front", "back", "caps"]

FRONT_MATTER = {
    "forord", "sammendrag", "abstract", "summary", "preface", "acknowledgements",
    "innholdsfortegnelse", "innhold", "table of contents", "figurliste", "tabelliste",
}
BACK_MATTER = {
    "litteraturliste", "litteratur", "referanser", "referanseliste", "kilder", "kildeliste",
    "bibliografi", "references", "bibliography",
}
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)(?P<dot>\.)?:?\s+(?P<title>\S.*)$")
_CHAPTER = re.compile(r"^kapittel\s+(?P<num>\d{1,2})\b\s*[-–—:.]?\s*(?P<title>.*)$", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?P<word>vedlegg|appendiks|appendix)(?:\s+(?P<num>\d{1,2}|[A-Z]))?\b\s*[-–—:.]?\s*(?P<title>.*)$", re.IGNORECASE)
_TITLE_START = re.compile(r"^[A-ZÆØÅÄÖÜ«»”“\"'(]")
_SENTENCE_END = re.compile(r"[.!?:;»”\"')]\s*$")
_MAX_TITLE = 110
# A table-of-contents entry: a title, dot leaders, a page number ("1 Innledning ........ 1", "iv").
_CONTENTS_ENTRY = re.compile(r"(?:[.…·_]\s*){4,}(?:\d{1,4}|[ivxlc]{1,7})$", re.IGNORECASE)
# A heading line at least this long may have wrapped onto a second line.
_WRAP_WIDTH = 55


@dataclass(frozen=True)
class Heading:
    kind: HeadingKind
    number: str  # "1.2", "2" for chapters, "Vedlegg 1", "" for unnumbered
    title: str
    level: int
    lines: tuple[int, ...]  # indexes of the source lines it spans

    @property
    def outline(self) -> tuple[int, ...]:
        """Numeric outline position: "1.0" -> (1,), "4.2.1" -> (4, 2, 1)."""
        if self.kind != "numbered":
            return ()
        parts = [int(p) for p in self.number.split(".")]
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()
        return tuple(parts)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 5 and all(ch.isupper() for ch in letters) and len(text) <= 90 and not text.endswith(".")


def match_heading_line(text: str) -> Heading | None:
    """The heading a single stripped line would be, judged on its own words only."""
    text = _collapse(text)
    if not text or len(text) > _MAX_TITLE or _CONTENTS_ENTRY.search(text):
        return None  # a contents entry names a heading; the heading itself stands in the body
    key = text.rstrip(":").strip().lower()
    if key in FRONT_MATTER:
        return Heading("front", "", text.rstrip(":").strip(), 1, ())
    if key in BACK_MATTER:
        return Heading("back", "", text.rstrip(":").strip(), 1, ())
    if m := _CHAPTER.match(text):
        return Heading("chapter", m["num"], m["title"].strip(), 1, ())
    if m := _APPENDIX.match(text):
        title = m["title"].strip()
        if not title.endswith((".", ",")):
            number = f"{m['word'].capitalize()} {m['num']}" if m["num"] else m["word"].capitalize()
            return Heading("appendix", number, title, 1, ())
        return None
    if m := _NUMBERED.match(text):
        number, title = m["num"], m["title"].strip()
        if m["dot"] and "." not in number:
            return None  # "1. Hvordan …": a numbered list item
        if int(number.split(".")[0]) > 20 or not _TITLE_START.match(title) or title.endswith((",", ";")):
            return None
        heading = Heading("numbered", number, title, 1, ())
        return Heading("numbered", number, title, len(heading.outline), ())
    if _is_caps(text):
        return Heading("caps", "", text, 2, ())
    return None


def follows_outline(previous: tuple[int, ...], candidate: tuple[int, ...]) -> bool:
    """Whether `candidate` may come after `previous` in a numbered outline (gaps of one allowed)."""
    if not previous:
        return candidate[0] <= 2 and all(p <= 1 for p in candidate[1:])
    if candidate[: len(previous)] == previous and len(candidate) == len(previous) + 1:
        return 1 <= candidate[-1] <= 2  # first child
    for depth in range(1, len(previous) + 1):
        if candidate[: depth - 1] != previous[: depth - 1] or len(candidate) < depth:
            continue
        step = candidate[depth - 1] - previous[depth - 1]
        if 1 <= step <= 2 and all(p <= 1 for p in candidate[depth:]):
            return True
    return False


def _at_boundary(lines: list[Line], i: int) -> bool:
    """Whether line i starts a block: after a break, at a page start, or after a finished sentence."""
    if lines[i].page_start or lines[i].paragraph_start:
        return True
    for j in range(i - 1, -1, -1):
        prev = lines[j]
        if prev.kind in ("blank", "page_number", "furniture"):
            if prev.page_start:
                return True  # only a running header (or blank lines) above it on its page
            continue
        if prev.kind == "break":
            return True
        return bool(_SENTENCE_END.search(prev.text))
    return True


def _ends_page(lines: list[Line], i: int) -> bool:
    """Whether line i is the last line of its page."""
    j = next((j for j in range(i + 1, len(lines)) if lines[j].kind != "blank"), None)
    return j is not None and lines[j].page_start


def _next_text(lines: list[Line], i: int) -> int | None:
    """Index of the next text line after i, or None when a break or the end comes first."""
    for j in range(i + 1, len(lines)):
        if lines[j].kind in ("blank", "page_number", "furniture"):
            continue
        return j if lines[j].kind == "text" else None
    return None


def find_headings(lines: list[Line]) -> list[Heading]:
    """All headings of a thesis in document order."""
    headings: list[Heading] = []
    outline: tuple[int, ...] = ()
    consumed: set[int] = set()
    for i, line in enumerate(lines):
        if line.kind != "text" or i in consumed:
            continue
        heading = match_heading_line(line.text)
        if heading is None:
            continue
        previous_is_heading = bool(headings) and headings[-1].lines[-1] in range(i - 3, i)
        if not (_at_boundary(lines, i) or previous_is_heading):
            continue
        if heading.kind == "numbered":
            if not follows_outline(outline, heading.outline):
                continue
            outline = heading.outline
        if heading.kind == "caps" and _ends_page(lines, i):
            continue  # word processors keep headings with the next line; a label at a page foot is a figure's
        if heading.kind in ("front", "back"):
            used: tuple[int, ...] = (i,)
        else:
            heading, used = _with_continuation(lines, i, heading)
        level = heading.level
        if heading.kind == "caps":
            level = next((h.level + 1 for h in reversed(headings) if h.kind != "caps"), 1)
        consumed.update(used)
        headings.append(Heading(heading.kind, heading.number, heading.title, level, used))
    return headings


def _with_continuation(lines: list[Line], i: int, heading: Heading) -> tuple[Heading, tuple[int, ...]]:
    """Join a heading's wrapped second line, or give an untitled chapter the caps line after it."""
    j = _next_text(lines, i)
    if j is None:
        return heading, (i,)
    nxt = _collapse(lines[j].text)
    if heading.kind == "caps" or (heading.kind == "chapter" and not heading.title):
        if _is_caps(nxt) or (heading.kind == "caps" and nxt.isupper() and len(nxt) <= 40):
            title = f"{heading.title} {nxt}".strip()
            return Heading(heading.kind, heading.number, title, heading.level, ()), (i, j)
        return heading, (i,)
    wrapped = len(lines[i].text) >= _WRAP_WIDTH and nxt[:1].islower() and len(nxt) <= 70
    if wrapped and not _SENTENCE_END.search(lines[i].text):
        title = f"{heading.title} {nxt}"
        return Heading(heading.kind, heading.number, title, heading.level, ()), (i, j)
    return heading, (i,)
