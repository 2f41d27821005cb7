"""Turn the classified lines of a thesis into clean text with a map back to the source.

Clean text is a sequence of blocks (headings and paragraphs) separated by a blank line. Inside a
paragraph the wrapped lines are joined with one space, or with nothing after a hyphenated line
end (`NAV-` + `kontoret`) unless the next word is `og`, `eller` or `til` (`helse- og omsorg`).
Page-number lines are dropped and runs of white space become one space. Optionally e-mail
addresses and phone numbers are replaced by `[e-post]` and `[telefon]`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from store.records import SourceMap
from indexer.headings import Heading
from indexer.layout import Line

BlockKind = Literal["heading", "paragraph"]

_KEEP_SPACE_AFTER_HYPHEN = {"og", "eller", "til"}
EMAIL_MASK = "[e-post]"
PHONE_MASK = "[telefon]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\d\w])(?:\+47[ -]?)?(?:[2-9]\d{7}|\d{3} \d{2} \d{3}|\d{2} \d{2} \d{2} \d{2})(?![\d\w])"
)


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    start: int
    end: int
    first_line: int  # index of its first source line
    heading: Heading | None = None


@dataclass(frozen=True)
class PageBreak:
    """A page starts at clean offset `start`; `printed` is its printed number when the dump kept it."""

    start: int
    printed: int | None


@dataclass(frozen=True)
class CleanText:
    text: str
    source: SourceMap
    blocks: list[Block]
    page_breaks: list[PageBreak]  # the first starts at 0


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


def _line_content(line: Line, mask: bool) -> tuple[str, list[int]]:
    """The line's words with single spaces between them, and each character's source offset."""
    chars: list[str] = []
    sources: list[int] = []
    for m in re.finditer(r"\S+", line.raw):
        if chars:
            chars.append(" ")
            sources.append(line.start + m.start() - 1)
        chars.extend(m.group())
        sources.extend(range(line.start + m.start(), line.start + m.end()))
    text = "".join(chars)
    if mask:
        for pattern, replacement in ((_EMAIL, EMAIL_MASK), (_PHONE, PHONE_MASK)):
            text, sources = _mask(text, sources, pattern, replacement)
    return text, sources


def _mask(text: str, sources: list[int], pattern: re.Pattern[str], replacement: str) -> tuple[str, list[int]]:
    out, out_sources, pos = [], [], 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_sources.extend(sources[pos : m.start()])
        out.append(replacement)
        out_sources.extend([sources[m.start()]] * len(replacement))
        pos = m.end()
    out.append(text[pos:])
    out_sources.extend(sources[pos:])
    return "".join(out), out_sources


def _joiner(previous: str, following: str) -> str:
    """What joins two wrapped lines of one paragraph: a space, or nothing after a split word."""
    if len(previous) >= 2 and previous.endswith("-") and previous[-2].isalnum():
        first_word = following.split(" ", 1)[0].lower()
        return " " if first_word in _KEEP_SPACE_AFTER_HYPHEN else ""
    return " "


def clean(lines: list[Line], headings: list[Heading], *, mask_personal_data: bool = True) -> CleanText:
    """Build the clean text of a thesis from its lines and the headings found among them."""
    heading_at = {h.lines[0]: h for h in headings}
    heading_lines = {i for h in headings for i in h.lines}
    out = _Builder()
    blocks: list[Block] = []
    page_breaks: list[PageBreak] = [PageBreak(0, None)]
    pending_page: PageBreak | None = None
    current: tuple[int, int] | None = None  # (start, first line) of the open paragraph
    last_text = ""
    last_end_source = 0

    def close_paragraph() -> None:
        nonlocal current
        if current is not None:
            blocks.append(Block("paragraph", current[0], len(out), current[1]))
            current = None

    def open_block() -> int:
        nonlocal pending_page
        if blocks or current is not None:
            out.add("\n\n", [last_end_source, last_end_source])
        if pending_page is not None:
            page_breaks.append(PageBreak(len(out), pending_page.printed))
            pending_page = None
        return len(out)

    for i, line in enumerate(lines):
        if line.page_start and len(out):
            pending_page = PageBreak(-1, line.printed_page)
        elif line.kind == "page_number" and not len(out):
            page_breaks[0] = PageBreak(0, line.printed_page)
        if line.kind == "break":
            close_paragraph()
            continue
        if line.kind != "text":
            continue
        text, sources = _line_content(line, mask_personal_data)
        if i in heading_at:
            close_paragraph()
            heading = heading_at[i]
            start = open_block()
            for k, j in enumerate(heading.lines):
                part, part_sources = (text, sources) if j == i else _line_content(lines[j], mask_personal_data)
                if k:
                    out.add(" ", [lines[heading.lines[k - 1]].end])
                out.add(part, part_sources)
            blocks.append(Block("heading", start, len(out), i, heading))
            last_end_source = lines[heading.lines[-1]].end
            continue
        if i in heading_lines:
            continue  # continuation line of a heading, already written
        if current is None:
            current = (open_block(), i)
        else:
            joiner = _joiner(last_text, text)
            if pending_page is not None:
                page_breaks.append(PageBreak(len(out) + len(joiner), pending_page.printed))
                pending_page = None
            out.add(joiner, [last_end_source] * len(joiner))
        out.add(text, sources)
        last_text, last_end_source = text, line.end
    close_paragraph()
    return CleanText(out.text(), out.source_map(), blocks, page_breaks)
