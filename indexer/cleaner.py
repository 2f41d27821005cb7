"""Turn the classified lines of a thesis into clean text with a map back to the source.

Clean text is a sequence of blocks (headings and paragraphs) separated by a blank line. Inside a
paragraph the wrapped lines are joined with one space, or with nothing after a hyphenated line
end (`NAV-` + `kontoret`) unless the next word is `og`, `eller` or `til` (`helse- og omsorg`).
Page-number lines are dropped, runs of white space become one space and invisible characters
inside words (zero-width spaces and joiners, soft hyphens, word joiners, BOMs) are removed, so
`beh\u200bandling` is the word `behandling` for BM25, the encoder, sentence splitting and quotes
alike. Optionally personal data (`indexer.personal`) is then masked on the joined text, so a value
that wrapped across lines is masked whole; every offset still maps back to the source.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from store.records import SourceMap
from indexer.headings import Heading
from indexer.layout import Line
from analysis.lexical import INVISIBLE
from indexer.personal import EMAIL_MASK, ID_MASK, PHONE_MASK, find_personal_data, mask_text

BlockKind = Literal["heading", "paragraph"]

_KEEP_SPACE_AFTER_HYPHEN = {"og", "eller", "til"}
__all__ = ["EMAIL_MASK", "ID_MASK", "PHONE_MASK", "Block", "CleanText", "PageBreak", "clean"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    first_line: int  # index of its first source line
    heading: Heading | None = None


@dataclass(frozen=True)
class PageBreak:
    """A page starts at clean offset `start`; `printed` is its printed number when the dump kept it.

    For form-feed-paged text, `label` is the printed label ("iv") and `physical` the 0-based page.
    """

    start: int
    printed: int | None
    label: str | None = None
    physical: int | None = None


@dataclass(frozen=True)
class CleanText:
    text: str
    source: SourceMap
    blocks: list[Block]
    page_breaks: list[PageBreak]  # the first starts at 0
    masked: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, mask) in `text`


class _Builder:
    """Accumulates clean characters, each with the source offset it came from."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.sources: list[int] = []

    def __len__(self) -> int:
        return len(self.chars)

    def add(self, text: str, sources: list[int]) -> None:
        self.chars.extend(text)
        self.sources.extend(sources)

    def text(self) -> str:
        return "".join(self.chars)

    def replace(self, spans: list[tuple[int, int, str]]) -> Callable[[int], int]:
        """Replace each sorted, disjoint (start, end, text) span; return the map from old offsets to new.

        Every replacement character maps to the source of the span's first character. An old
        offset inside a span maps to the span's new end (a page break inside a masked number
        moves after it, so the mask stays on the page where the number starts).
        """
        chars: list[str] = []
        sources: list[int] = []
        ends: list[tuple[int, int, int]] = []  # (old start, old end, new end) per span
        pos = 0
        for start, end, text in spans:
            chars += self.chars[pos:start]
            sources += self.sources[pos:start]
            chars += text
            sources += [self.sources[start]] * len(text)
            ends.append((start, end, len(chars)))
            pos = end
        self.chars, self.sources = chars + self.chars[pos:], sources + self.sources[pos:]
        starts = [span[0] for span in ends]

        def remap(offset: int) -> int:
            i = bisect.bisect_left(starts, offset) - 1  # the last span starting before offset
            if i < 0:
                return offset
            start, end, new_end = ends[i]
            return new_end if offset < end else new_end + offset - end

        return remap

    def source_map(self) -> SourceMap:
        clean_starts: list[int] = []
        source_starts: list[int] = []
        lengths: list[int] = []
        for i, src in enumerate(self.sources):
            if lengths and src == source_starts[-1] + lengths[-1]:
                lengths[-1] += 1
            else:
                clean_starts.append(i)
                source_starts.append(src)
                lengths.append(1)
        return SourceMap(tuple(clean_starts), tuple(source_starts), tuple(lengths))


def _line_content(line: Line) -> tuple[str, list[int]]:
    """The line's words with single spaces between them, and each character's source offset."""
    chars: list[str] = []
    sources: list[int] = []
    raw = line.raw.rstrip()[:-1] if line.soft_hyphen else line.raw  # the hyphen splitting a word
    for m in re.finditer(r"\S+", raw):
        kept = [(ch, line.start + m.start() + k) for k, ch in enumerate(m.group()) if ch not in INVISIBLE]
        if not kept:
            continue
        if chars:
            chars.append(" ")
            sources.append(kept[0][1] - 1)
        chars.extend(ch for ch, _ in kept)
        sources.extend(src for _, src in kept)
    return "".join(chars), sources


def _joiner(previous: str, following: str, soft: bool = False) -> str:
    """What joins two wrapped lines of one paragraph: a space, or nothing after a split word."""
    if soft:
        return ""
    if len(previous) >= 2 and previous.endswith("-") and previous[-2].isalnum():
        first_word = following.split(" ", 1)[0].lower()
        return " " if first_word in _KEEP_SPACE_AFTER_HYPHEN else ""
    return " "


class _Assembler:
    """Writes headings and paragraphs into the clean text, keeping blocks and page breaks."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.out = _Builder()
        self.blocks: list[Block] = []
        self.page_breaks: list[PageBreak] = [PageBreak(0, None)]
        self.pending_page: PageBreak | None = None
        self.current: tuple[int, int] | None = None  # (start, first line) of the open paragraph
        self.last_text = ""
        self.last_end_source = 0
        self.last_soft = False

    def note_page(self, line: Line) -> None:
        """Remember a page that starts at `line`; it is placed where the next text goes."""
        if line.page_start and len(self.out):
            self.pending_page = PageBreak(-1, line.printed_page, line.printed_label, line.page)
        elif line.page is not None and not len(self.out) and (line.page_start or line.index == 0):
            self.page_breaks[0] = PageBreak(0, line.printed_page, line.printed_label, line.page)
        elif line.kind == "page_number" and not len(self.out):
            self.page_breaks[0] = PageBreak(0, line.printed_page)

    def close_paragraph(self) -> None:
        if self.current is not None:
            self.blocks.append(Block("paragraph", self.current[0], len(self.out), self.current[1]))
            self.current = None

    def _open_block(self) -> int:
        if self.blocks or self.current is not None:
            self.out.add("\n\n", [self.last_end_source, self.last_end_source])
        self._place_page(len(self.out))
        return len(self.out)

    def _place_page(self, offset: int) -> None:
        if self.pending_page is not None:
            self.page_breaks.append(replace(self.pending_page, start=offset))
            self.pending_page = None

    def add_heading(self, i: int, heading: Heading) -> None:
        """Write the heading starting at line i (all its lines, joined by spaces) as one block."""
        self.close_paragraph()
        start = self._open_block()
        for k, j in enumerate(heading.lines):
            if k:
                self.out.add(" ", [self.lines[heading.lines[k - 1]].end])
            self.out.add(*_line_content(self.lines[j]))
        self.blocks.append(Block("heading", start, len(self.out), i, heading))
        self.last_end_source = self.lines[heading.lines[-1]].end

    def add_text(self, i: int) -> None:
        """Write text line i into the open paragraph (opening one if needed)."""
        line = self.lines[i]
        text, sources = _line_content(line)
        if line.paragraph_start:
            self.close_paragraph()
        if self.current is None:
            self.current = (self._open_block(), i)
        else:
            joiner = _joiner(self.last_text, text, self.last_soft)
            self._place_page(len(self.out) + len(joiner))
            self.out.add(joiner, [self.last_end_source] * len(joiner))
        self.out.add(text, sources)
        self.last_text, self.last_end_source, self.last_soft = text, line.end, line.soft_hyphen

    def result(self) -> CleanText:
        self.close_paragraph()
        return CleanText(self.out.text(), self.out.source_map(), self.blocks, self.page_breaks)


def _mask_personal_data(assembler: _Assembler) -> CleanText:
    """The assembled clean text with personal data masked, offsets of blocks and pages moved to match."""
    spans = find_personal_data(assembler.out.text())
    remap = assembler.out.replace(spans)
    masked, shift = [], 0
    for start, end, mask in spans:
        masked.append((start + shift, start + shift + len(mask), mask))
        shift += len(mask) - (end - start)
    blocks = [replace(b, start=remap(b.start), end=remap(b.end),
                      heading=replace(b.heading, title=mask_text(b.heading.title)) if b.heading else None)
              for b in assembler.blocks]
    pages = [replace(p, start=remap(p.start)) for p in assembler.page_breaks]
    return CleanText(assembler.out.text(), assembler.out.source_map(), blocks, pages, masked)


def clean(lines: list[Line], headings: list[Heading], *, mask_personal_data: bool = True) -> CleanText:
    """Build the clean text of a thesis from its lines and the headings found among them."""
    heading_at = {h.lines[0]: h for h in headings}
    heading_lines = {i for h in headings for i in h.lines}
    assembler = _Assembler(lines)
    for i, line in enumerate(lines):
        assembler.note_page(line)
        if line.kind == "break":
            assembler.close_paragraph()
        elif line.kind != "text" or (i in heading_lines and i not in heading_at):
            continue  # blank, page number, or a heading's continuation line (written with its first)
        elif i in heading_at:
            assembler.add_heading(i, heading_at[i])
        else:
            assembler.add_text(i)
    if not mask_personal_data:
        return assembler.result()
    assembler.close_paragraph()
    return _mask_personal_data(assembler)
