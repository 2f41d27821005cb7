"""Plain-text dumps (`.txt`): as the corpus has them, or with form feeds between pages."""
from __future__ import annotations

from pathlib import Path

from indexer.formats import SourceText
from indexer.reader import decode_thesis, read_bytes


def read_text(path: Path) -> SourceText:
    """Decode a text dump; a form feed anywhere makes its pages those the form feeds mark."""
    data = read_bytes(path)
    text, warnings = decode_thesis(data, path.name)
    return SourceText(text=text, data=data, paged="\f" in text, warnings=warnings)
