"""The records a snapshot holds: a parsed thesis (clean text plus pages, sections, sentences and
passages) and its catalog metadata (`ThesisMeta`).

Every span (`start`, `end`) is a half-open character range in `Thesis.text`, the cleaned
text, so that `thesis.text[span.start:span.end] == span.text` always holds.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

def section_label(number: str, title: str) -> str:
    """A section's number and title as a reader would write them: "4.2.1 Identitetskifte"."""
    return f"{number} {title}".strip()


# Files whose pages are not fixed (a Word file's depend on the printer and fonts): their text is
# stored as one page, and citations name the section only.
UNPAGED_SUFFIXES = (".docx",)


def has_fixed_pages(doc: str) -> bool:
    """Whether the thesis file `doc` has pages a citation can name."""
    return not doc.lower().endswith(UNPAGED_SUFFIXES)


Part = Literal["front", "body", "appendix"]
PARTS: tuple[Part, ...] = ("front", "body", "appendix")


@dataclass(frozen=True)
class Page:
    """A page of the source PDF, starting at `start` in the clean text."""

    start: int
    physical: int  # 1-based count of pages from the start of the file
    number: int  # printed page number where calibrated, else `physical`
    label: str = ""  # the label printed on the page when the file says ("iv", "12"); "" if unknown

    @property
    def printed(self) -> str:
        """The page as a citation names it: its printed label, else its number."""
        return self.label or str(self.number)


@dataclass(frozen=True)
class Section:
    """A heading and the text under it, up to the next heading."""

    index: int
    number: str  # "1.2", "2" (for "KAPITTEL 2"), "Vedlegg 1", or "" for unnumbered headings
    title: str
    level: int  # 1 for chapters and front matter, 2 for "1.1", ...
    parent: int | None  # index of the enclosing section
    part: Part
    start: int  # start of the heading (or of the text, for the implicit first section)
    content_start: int  # first character after the heading
    end: int

    @property
    def label(self) -> str:
        """Number and title as a reader would write them, e.g. "4.2.1 Identitetskifte"."""
        return section_label(self.number, self.title)


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    section: int
    page: int


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences of one section, the unit that is embedded and retrieved."""

    index: int
    start: int
    end: int
    text: str
    section: int
    part: Part
    page_start: int
    page_end: int
    first_sentence: int
    last_sentence: int  # inclusive
    n_tokens: int
    language: str = "no"


@dataclass(frozen=True)
class SourceMap:
    """Maps offsets in the clean text back to offsets in the source file's text.

    Stored as runs: clean[c0:c0+n] was copied from source[s0:s0+n]. Characters the cleaner
    inserted (joining spaces, paragraph breaks) map to the source position of the run after them.
    """

    clean_starts: tuple[int, ...]
    source_starts: tuple[int, ...]
    lengths: tuple[int, ...]

    def to_source(self, offset: int) -> int:
        """Source offset of the clean character at `offset`."""
        i = bisect.bisect_right(self.clean_starts, offset) - 1
        if i < 0:
            return self.source_starts[0] if self.source_starts else 0
        delta = offset - self.clean_starts[i]
        if delta < self.lengths[i]:
            return self.source_starts[i] + delta
        nxt = i + 1
        if nxt < len(self.source_starts):
            return self.source_starts[nxt]
        return self.source_starts[i] + self.lengths[i]


@dataclass(frozen=True)
class Suggestion:
    """A value for one bibliographic field found outside the catalog, for a user to confirm into it
    (and, for fields the catalog leaves empty, shown as derived)."""

    field: str  # a catalog key: "title", "degree", "topic", "year", …
    value: str
    evidence: str  # where the value was found, quoted
    source: str  # what found it: "text" (derived from the thesis text), "pdf-metadata", …


@dataclass
class Thesis:
    """One parsed thesis file."""

    doc: str  # corpus file name, e.g. "000_56c92893e0805444.txt"
    text: str  # the clean text all offsets refer to
    content_hash: str  # sha256 of the source bytes
    source: SourceMap
    pages: list[Page]
    sections: list[Section]
    sentences: list[Sentence] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    derived: list[Suggestion] = field(default_factory=list)  # bibliographic fields read off the text

    def page_at(self, offset: int) -> Page:
        """The page holding the clean character at `offset`."""
        return self.pages[max(0, bisect.bisect_right(self.pages, offset, key=_start) - 1)]

    def section_at(self, offset: int) -> Section:
        """The innermost section holding the clean character at `offset`."""
        return self.sections[max(0, bisect.bisect_right(self.sections, offset, key=_start) - 1)]


def _start(item: Page | Section) -> int:
    return item.start


@dataclass(frozen=True)
class ThesisMeta:
    """What the catalog says about one thesis; empty values mean unknown."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    institution: str = ""
    degree: str = ""
    language: str = ""
    keep_personal_data: bool = False
    topic: str = ""


class PassageTokens(NamedTuple):
    """The contextual token vectors of one thesis's passages, passage after passage (the
    late-interaction evidence of `qa.search`; `models.encoder.Encoder.encode_tokens`)."""

    ids: np.ndarray  # int32 token id of each row
    vectors: np.ndarray  # float16 or float32, one L2-normalised row per token (stored as int8: store.int8)
    counts: np.ndarray  # int64, how many of the rows belong to each passage, in passage order

    @classmethod
    def empty(cls, passages: int, dimension: int) -> "PassageTokens":
        """No tokens for any of `passages` passages."""
        return cls(np.zeros(0, np.int32), np.zeros((0, dimension), np.float16), np.zeros(passages, np.int64))
