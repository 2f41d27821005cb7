"""Readers by file format: each turns a thesis file into a `SourceText` for the parser.

A `SourceText` is the thesis text (pages separated by form feeds, as `pdftotext` writes them,
when the format has pages), the printed page labels the file declares, its outline (bookmarks
or heading styles) and its metadata. Everything after reading works on the text alone, so
offsets, sentences and passages are computed the same way for every format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from indexer.errors import ThesisReadError
from indexer.reader import MAX_BYTES as TEXT_MAX_BYTES, read_bytes


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark or heading: its title as printed, its level (1 = chapter) and page (0-based) if known."""

    title: str
    level: int
    page: int | None = None


@dataclass
class SourceText:
    """What a reader makes of one thesis file."""

    text: str  # form feeds ("\f") separate pages when `paged`
    data: bytes  # the file's bytes (hashed to detect changes)
    paged: bool = False  # whether the format has fixed pages (PDF, form-feed text)
    page_labels: tuple[str, ...] = ()  # printed label of each physical page, from the file ("iv", "12")
    outline: tuple[OutlineEntry, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)  # "title", "author", "date" as the file states them
    warnings: list[str] = field(default_factory=list)


Reader = Callable[[Path], SourceText]


def _readers() -> dict[str, Reader]:
    from indexer.formats.docx import read_docx
    from indexer.formats.pdf import read_pdf
    from indexer.formats.text import read_text

    return {".txt": read_text, ".pdf": read_pdf, ".docx": read_docx}


SUFFIXES = (".txt", ".pdf", ".docx")
# Largest file read per format: text dumps are small (see indexer.reader); a PDF with figures or a
# Word file with pictures is much larger than its text.
MAX_FILE_BYTES = {".txt": TEXT_MAX_BYTES, ".pdf": 200 * 2**20, ".docx": 100 * 2**20}


def file_bytes(path: Path) -> bytes:
    """The bytes of the thesis file at `path`, within its format's size limit."""
    return read_bytes(path, MAX_FILE_BYTES.get(Path(path).suffix.lower(), TEXT_MAX_BYTES))


def read_source(path: Path) -> SourceText:
    """Read the thesis file at `path` with the reader for its suffix; ThesisReadError if it cannot."""
    path = Path(path)
    reader = _readers().get(path.suffix.lower())
    if reader is None:
        raise ThesisReadError(f"{path.name}: not a thesis file type Tesesøk reads ({', '.join(SUFFIXES)})")
    return reader(path)
