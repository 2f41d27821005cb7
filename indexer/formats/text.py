"""Plain-text dumps (`.txt`): as the corpus has them, or with form feeds between pages."""
from __future__ import annotations

from pathlib import Path

from indexer.formats import SourceText, file_bytes
from indexer.reader import decode_thesis


def read_text(path: Path) -> SourceText:
    """Decode a text dump; a form feed anywhere makes its pages those the form feeds mark."""
    data = file_bytes(path)
    text, warnings = decode_thesis(data, path.name)
    return SourceText(text=text, data=data, paged="\f" in text, warnings=warnings)
