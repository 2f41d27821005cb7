"""The lines of a text whose pages are separated by form feeds (PDF text layers, `pdftotext`).

Each form feed starts a page. At the top and bottom of the pages, lines that repeat on most
pages once digits are ignored are running headers and footers ("furniture"), and a line holding
only a number or roman numeral is the printed page number; both are dropped from the text, and
the page's printed label is kept. A vertical gap (a line holding white space) marks a paragraph
break inside a page, and so does an indented line (leading spaces beyond the page's usual
margin), the common way theses mark a new paragraph and the only one that shows when the break
falls on a page break. In files with no indented lines, a paragraph is taken to end at a page
break where the last line of the page is short and ends a sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from indexer.layout import Line, page_number_token

_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"(?<!\S)(\d{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})(?!\S)")
_SENTENCE_END = re.compile(r"[.!?»”\"')]$")  # not ":", which introduces what follows
# Lines at each edge of a page looked at for furniture, and the share of pages one must be on.
_EDGE = 2
FURNITURE_SHARE = 0.5
# A last line shorter than this share of the page's longest line ends its paragraph (if it ends a sentence).
_SHORT_LINE = 0.85


def line_key(text: str) -> str:
    """A line's text with case, spacing and numbers (arabic or roman) evened out: the same on
    every page for a running header ("Kapittel 3" / "Kapittel 4")."""
    return _TOKEN.sub("#", _DIGITS.sub("#", " ".join(text.lower().split())))


def _raw_pages(text: str) -> list[list[Line]]:
    """The lines of each page, classified only as blank, break or text."""
    pages: list[list[Line]] = []
    offset = index = 0
    for number, page in enumerate(text.split("\f")):
        lines = []
        for raw in page.split("\n"):
            kind = "blank" if raw == "" else "break" if raw.strip() == "" else "text"
            lines.append(Line(index, offset, offset + len(raw), raw, kind, False, page=number))
            offset += len(raw) + 1
            index += 1
        pages.append(lines)  # the last split part ended at the form feed, counted in `+ 1`
    return pages


def _edges(page: list[Line]) -> tuple[list[Line], list[Line]]:
    text = [line for line in page if line.kind == "text"]
    return text[:_EDGE], text[-_EDGE:] if len(text) > _EDGE else text[_EDGE:]


def _furniture_keys(pages: list[list[Line]]) -> set[str]:
    """Keys of lines repeated at the top or bottom of most pages."""
    counted = [p for p in pages if any(line.kind == "text" for line in p)]
    if len(counted) < 3:
        return set()
    tops, bottoms = Counter(), Counter()
    for page in counted:
        top, bottom = _edges(page)
        tops.update({line_key(line.text) for line in top})
        bottoms.update({line_key(line.text) for line in bottom})
    need = max(2, FURNITURE_SHARE * len(counted))
    return {k for k, n in (tops + bottoms).items() if n >= need and k.strip("# ")}


def _mark_page(page: list[Line], furniture: set[str]) -> tuple[list[Line], str | None]:
    """Mark the furniture and page-number lines at the page's edges; return the page and its printed label."""
    label = None
    text_at = [i for i, line in enumerate(page) if line.kind == "text"]
    for order in (text_at, text_at[::-1]):
        for i in order[: _EDGE + 1]:
            line = page[i]
            token = page_number_token(line.raw)
            if token is not None:
                page[i], label = replace(line, kind="page_number"), token
            elif (key := line_key(line.text)) in furniture:
                tokens = _TOKEN.findall(line.text)
                label = label or (tokens[-1] if tokens and "#" in key else None)
                page[i] = replace(line, kind="furniture")
            else:
                break
    return page, label


def _indented(page: list[Line]) -> set[int]:
    """Indexes of the page's text lines that start further right than its other lines."""
    text = [(i, len(line.raw) - len(line.raw.lstrip(" "))) for i, line in enumerate(page) if line.kind == "text"]
    margin = min((n for _, n in text), default=0)
    return {i for i, n in text if n >= margin + 2}


def split_paged_lines(text: str) -> list[Line]:
    """Classify every line of a form-feed-paged `text`; see the module docstring."""
    pages = _raw_pages(text)
    furniture = _furniture_keys(pages)
    lines: list[Line] = []
    previous_last: Line | None = None
    previous_width = 0
    indents = any(_indented(page) for page in pages)
    for number, page in enumerate(pages):
        # A title page prints no page number, and its title is often the running header of the
        # pages after it: furniture is taken off the first page only when it is numbered.
        page, label = _mark_page(page, furniture if number else set())
        if number == 0 and label is not None:
            page, again = _mark_page(page, furniture)
            label = label or again
        body = [i for i, line in enumerate(page) if line.kind == "text"]
        for i, line in enumerate(page):
            if line.kind == "break" and (not body or i < body[0] or i > body[-1]):
                page[i] = replace(line, kind="blank")  # a gap next to a header or footer
        printed = int(label) if label and label.isdigit() else None
        page[0] = replace(page[0], page_start=number > 0, printed_page=printed, printed_label=label)
        indented = _indented(page)
        for k, i in enumerate(body):
            if i in indented and (k or previous_last is not None):
                page[i] = replace(page[i], paragraph_start=True)
        if body and previous_last is not None and not indents:
            ended = _SENTENCE_END.search(previous_last.text) and len(previous_last.text) < _SHORT_LINE * previous_width
            page[body[0]] = replace(page[body[0]], paragraph_start=bool(ended))
        if body:
            previous_last = page[body[-1]]
            previous_width = max(len(page[i].text) for i in body)
        lines.extend(page)
    return lines
