"""Pages and the section tree of a cleaned thesis."""
from __future__ import annotations

from collections.abc import Sequence

from indexer.cleaner import CleanText
from store.records import Page, Part, Section

_BODY_KINDS = ("numbered", "chapter", "caps")


def calibrate_pages(clean: CleanText, labels: Sequence[str] = ()) -> list[Page]:
    """Number the pages: the file's page `labels` (PDF /PageLabels) where it has them, else printed
    numbers where the text kept some, else counted from the file start.

    Each page takes the offset (printed minus physical number) of the nearest page whose printed
    number survived, preferring the one before it on ties; page-start markers are sometimes
    missing from the dumps, so a near anchor is more trustworthy than a far one. A page that would
    get a number below 1 (front matter) keeps its physical number and is cited by the roman numeral
    its footer prints ("iii"), or in brackets ("[1]") as a number the page does not print. One pass over pages
    and anchors together: linear in their number (a file of 100 000 tiny pages takes well under a second).
    """
    physicals = [i + 1 if b.physical is None else b.physical + 1 for i, b in enumerate(clean.page_breaks)]
    anchors = [(i, b.printed - physicals[i]) for i, b in enumerate(clean.page_breaks) if b.printed is not None]
    pages: list[Page] = []
    k = 0  # anchors[k] is the first anchor at or after page i (or the last anchor)
    for i, brk in enumerate(clean.page_breaks):
        physical = number = physicals[i]
        label = labels[physical - 1] if physical <= len(labels) else (brk.label or "")
        if label.isdigit():
            number = int(label)
        elif anchors and not labels:
            while k + 1 < len(anchors) and anchors[k][0] < i:
                k += 1
            before = anchors[k - 1] if k and anchors[k][0] >= i else anchors[k]
            after = anchors[k]
            _, offset = before if abs(before[0] - i) <= abs(after[0] - i) else after
            number = physical + offset
            if number < 1:  # before the arabic numbering: the roman numeral the page prints, else a
                # supplied number in brackets, so that "s. [1]" (a title page) is never the printed "s. 1"
                number, label = physical, label or f"[{physical}]"
        pages.append(Page(start=brk.start, physical=physical, number=number, label=label))
    return pages


def build_sections(clean: CleanText) -> list[Section]:
    """The sections of a thesis in document order, with levels, parents and parts.

    Text before the first heading forms an untitled section; a thesis without headings is one
    section. Everything before the first body heading is front matter, and everything from the
    first appendix or back-matter heading on is appendix.
    """
    heading_blocks = [b for b in clean.blocks if b.kind == "heading"]
    has_body = any(b.heading and b.heading.kind in _BODY_KINDS for b in heading_blocks)
    spans: list[tuple[int, int, int]] = []  # (block index of heading or -1, start, content_start)
    first = clean.blocks[0] if clean.blocks else None
    if first is None or first.kind != "heading":
        spans.append((-1, 0, 0))
    for i, block in enumerate(clean.blocks):
        if block.kind == "heading":
            spans.append((i, block.start, block.end))

    sections: list[Section] = []
    stack: list[Section] = []
    part: Part = "front" if has_body else "body"
    for n, (block_index, start, content_start) in enumerate(spans):
        end_block = spans[n + 1][0] - 1 if n + 1 < len(spans) else len(clean.blocks) - 1
        end = clean.blocks[end_block].end if end_block >= 0 else len(clean.text)
        if block_index < 0:
            number, title, level, kind = "", "", 1, "implicit"
        else:
            heading = clean.blocks[block_index].heading
            assert heading is not None
            number, title, level, kind = heading.number, heading.title, heading.level, heading.kind
        if kind in _BODY_KINDS and part == "front":
            part = "body"
        elif kind in ("appendix", "back"):
            part = "appendix"
        while stack and stack[-1].level >= level:
            stack.pop()
        section = Section(
            index=n, number=number, title=title, level=level,
            parent=stack[-1].index if stack else None, part=part,
            start=start, content_start=content_start, end=max(end, content_start),
        )
        sections.append(section)
        stack.append(section)
    return sections
