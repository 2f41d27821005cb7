"""The visual lines of a PDF text dump and the page layout they reveal.

In the dumps, every visual line is followed by an empty line, a line of spaces marks a paragraph
break, a line that starts with exactly one space and then text is the first line of a page, and
a line holding only a number (or roman numeral) is a printed page number left by extraction.
The last line of a page is not followed by an empty line, so a marker line that comes after the
usual empty line is a paragraph that merely starts with a space, not a new page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

LineKind = Literal["blank", "break", "page_number", "furniture", "text"]

_ROMAN = re.compile(r"(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})", re.IGNORECASE)
_PAGE_START = re.compile(r"^ \S")


@dataclass(frozen=True)
class Line:
    """One line of the source text; `start`/`end` are source offsets of its content."""

    index: int
    start: int
    end: int
    raw: str
    kind: LineKind
    page_start: bool  # a new page begins at this line
    printed_page: int | None = None  # for page-number lines with an arabic number
    # Set only for form-feed-paged text (see pagelayout): the 0-based page, the printed label of
    # the page (on its first line) and whether a paragraph starts at this line across a page break.
    page: int | None = None
    printed_label: str | None = None
    paragraph_start: bool = False
    soft_hyphen: bool = False  # its last character is a hyphen that splits a word, dropped when joining

    @property
    def text(self) -> str:
        return self.raw.strip()


def roman_value(token: str) -> int | None:
    """Value of a roman numeral (`"iv"` -> 4), or None if `token` is not one."""
    if not token or not _ROMAN.fullmatch(token):
        return None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values[ch] for ch in token.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def page_number_token(raw: str) -> str | None:
    """The line's printed page number ("12", "iv") if it holds nothing else."""
    token = raw.strip()
    if token.isdigit() and len(token) <= 4 and int(token) > 0:
        return token
    if roman_value(token):
        return token
    return None


_WORD = re.compile(r"\w+")
_SPLIT_END = re.compile(r"(\w+)-$")


def mark_soft_hyphens(lines: list[Line], text: str) -> list[Line]:
    """Flag the text lines whose final hyphen splits a word, to be dropped when the lines are joined.

    It does when the joined word occurs elsewhere in the text and the hyphenated one does not
    (`Substitusjons-` + `behandling`); otherwise the hyphen is kept (`ikke-` + `rusavhengig`).
    """
    folded = text.casefold()
    words = Counter(_WORD.findall(folded))
    body = [i for i, line in enumerate(lines) if line.kind == "text"]
    for i, j in zip(body, body[1:]):
        end = _SPLIT_END.search(lines[i].text)
        start = _WORD.match(lines[j].text)
        if end is None or start is None or lines[j].paragraph_start:
            continue
        if any(lines[k].kind == "break" for k in range(i + 1, j)):
            continue  # the paragraph ends here: nothing is joined
        head, tail = end.group(1).casefold(), start.group().casefold()
        if words[head + tail] and f"{head}-{tail}" not in folded:
            lines[i] = replace(lines[i], soft_hyphen=True)
    return lines


_ENDS_SENTENCE = re.compile(r"[.!?:»”\"')]$")


def _after_page_number(lines: list[Line]) -> bool:
    """Whether the last line that is not blank is a page number."""
    last = next((line for line in reversed(lines) if line.kind != "blank"), None)
    return last is not None and last.kind == "page_number"


def split_lines(text: str) -> list[Line]:
    """Classify every line of `text` and mark where pages begin (form feeds, where present, do)."""
    if "\f" in text:
        from indexer.pagelayout import split_paged_lines

        return mark_soft_hyphens(split_paged_lines(text), text)
    lines: list[Line] = []
    offset = 0
    blank_run = 0
    seen_text = False
    last_text = ""
    for index, raw in enumerate(text.split("\n")):
        start, end = offset, offset + len(raw)
        offset = end + 1
        if raw == "":
            lines.append(Line(index, start, end, raw, "blank", False))
            blank_run += 1
            continue
        if raw.strip() == "":
            # after a page number, a line of spaces is the next page's start marker with its text on the
            # following line: a paragraph break only where the text before it ends a sentence
            marker = bool(lines) and _after_page_number(lines) and not _ENDS_SENTENCE.search(last_text)
            lines.append(Line(index, start, end, raw, "blank" if marker else "break", False))
            blank_run = 0
            continue
        token = page_number_token(raw)
        marker = bool(_PAGE_START.match(raw))
        is_number = token is not None and (marker or blank_run >= 2 or not seen_text)
        if is_number:
            page_start = index > 0
            kind: LineKind = "page_number"
        else:
            page_start = marker and blank_run == 0 and index > 0
            kind = "text"
            seen_text = True
            last_text = raw.rstrip()
        printed = int(token) if is_number and token and token.isdigit() else None
        lines.append(Line(index, start, end, raw, kind, page_start, printed))
        blank_run = 0
    return mark_soft_hyphens(lines, text)
