"""The visual lines of a PDF text dump and the page layout they reveal.

In the dumps, every visual line is followed by an empty line, a line of spaces marks a paragraph
break, a line that starts with exactly one space and then text is the first line of a page, and
a line holding only a number (or roman numeral) is a printed page number left by extraction.
The last line of a page is not followed by an empty line, so a marker line that comes after the
usual empty line is a paragraph that merely starts with a space, not a new page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LineKind = Literal["blank", "break", "page_number", "text"]

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


def _page_number_token(raw: str) -> str | None:
    token = raw.strip()
    if token.isdigit() and len(token) <= 4 and int(token) > 0:
        return token
    if roman_value(token):
        return token
    return None


def split_lines(text: str) -> list[Line]:
    """Classify every line of `text` and mark where pages begin."""
    lines: list[Line] = []
    offset = 0
    blank_run = 0
    seen_text = False
    for index, raw in enumerate(text.split("\n")):
        start, end = offset, offset + len(raw)
        offset = end + 1
        if raw == "":
            lines.append(Line(index, start, end, raw, "blank", False))
            blank_run += 1
            continue
        if raw.strip() == "":
            lines.append(Line(index, start, end, raw, "break", False))
            blank_run = 0
            continue
        token = _page_number_token(raw)
        marker = bool(_PAGE_START.match(raw))
        is_number = token is not None and (marker or blank_run >= 2 or not seen_text)
        if is_number:
            page_start = index > 0
            kind: LineKind = "page_number"
        else:
            page_start = marker and blank_run == 0 and index > 0
            kind = "text"
            seen_text = True
        printed = int(token) if is_number and token and token.isdigit() else None
        lines.append(Line(index, start, end, raw, kind, page_start, printed))
        blank_run = 0
    return lines
