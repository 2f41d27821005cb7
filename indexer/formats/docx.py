"""Word theses (`.docx`), read with python-docx: paragraphs in order, headings from their styles.

A Word file has no fixed pages (they depend on the printer and fonts), so its text is one page
and citations name the section; the reader says so in a warning.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from indexer.errors import ThesisReadError
from indexer.formats import OutlineEntry, SourceText, file_bytes

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)


def read_docx(path: Path) -> SourceText:
    """Read the Word file at `path`; ThesisReadError when it is not one or holds no text."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    name = Path(path).name
    data = file_bytes(path)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise ThesisReadError(f"{name}: not a Word (.docx) file, or a damaged one") from None
    lines: list[str] = []
    outline: list[OutlineEntry] = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = _HEADING_STYLE.match(paragraph.style.name if paragraph.style is not None else "")
        if style:
            outline.append(OutlineEntry(text, int(style.group(1))))
        lines.append(text)
    if not lines:
        raise ThesisReadError(f"{name}: the Word file holds no text")
    props = document.core_properties
    metadata = {k: v for k, v in (("title", props.title or ""), ("author", props.author or "")) if v.strip()}
    if props.created is not None:
        metadata["date"] = str(props.created.year)
    warning = f"{name}: a Word file has no fixed pages; its passages are cited by section, not page"
    return SourceText(text="\n \n".join(lines), data=data, outline=tuple(outline), metadata=metadata,
                      warnings=[warning])
