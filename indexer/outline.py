"""Headings from a file's outline (PDF bookmarks, Word heading styles) instead of the heading rules.

Each entry is looked for, in order, among the text lines of its page (and the next, since a
bookmark may point at the page before its heading's) or, without a page, after the previous
heading: the line, or the lines joined, whose words are the entry's title. Kinds, numbers and
titles are judged by the heading rules on the title; levels come from the outline.
"""
from __future__ import annotations

from collections.abc import Sequence

from indexer.formats import OutlineEntry
from indexer.headings import Heading, match_heading_line
from indexer.layout import Line

# Lines searched for an entry without a page, and lines a heading may span.
_SEARCH_LINES = 2000
_MAX_HEADING_LINES = 3


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _match_at(lines: list[Line], i: int, target: str) -> tuple[int, ...] | None:
    """The indexes of the text lines from i on whose joined words are `target`, if they are."""
    used: list[int] = []
    joined = ""
    for j in range(i, len(lines)):
        if lines[j].kind != "text":
            if lines[j].kind in ("blank", "furniture", "page_number"):
                continue
            return None
        joined = f"{joined} {_words(lines[j].text)}".strip()
        used.append(j)
        if joined == target:
            return tuple(used)
        if not target.startswith(joined) or len(used) >= _MAX_HEADING_LINES:
            return None
    return None


def _heading(entry: OutlineEntry, used: tuple[int, ...], first_line: str) -> Heading:
    rule = match_heading_line(entry.title)
    if rule is None and len(used) > 1 and (rule := match_heading_line(first_line)) is not None:
        # a long wrapped title: judged on its first line, as the heading rules do
        rest = " ".join(entry.title.split())[len(" ".join(first_line.split())):]
        rule = Heading(rule.kind, rule.number, f"{rule.title}{rest}", rule.level, ())
    if rule is None:
        return Heading("chapter" if entry.level == 1 else "caps", "", entry.title, entry.level, used)
    return Heading(rule.kind, rule.number, rule.title, entry.level, used)


def outline_headings(lines: list[Line], outline: Sequence[OutlineEntry]) -> tuple[list[Heading], list[OutlineEntry]]:
    """The headings the outline names, in document order, and the entries not found in the text."""
    first_of_page: dict[int, int] = {}
    for line in lines:
        if line.page is not None:
            first_of_page.setdefault(line.page, line.index)
    headings: list[Heading] = []
    missing: list[OutlineEntry] = []
    position = 0
    for entry in outline:
        target = _words(entry.title)
        start, stop = position, min(len(lines), position + _SEARCH_LINES)
        if entry.page is not None and entry.page in first_of_page:
            start = max(position, first_of_page[entry.page])
            stop = first_of_page.get(entry.page + 2, len(lines))
        found = next((used for i in range(start, stop) if (used := _match_at(lines, i, target))), None)
        if found is None:
            missing.append(entry)
            continue
        headings.append(_heading(entry, found, lines[found[0]].text))
        position = found[-1] + 1
    return headings, missing
