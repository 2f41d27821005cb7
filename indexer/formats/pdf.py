"""PDF theses: the text layer read with PDFium (pypdfium2) in a child process with limits.

Chosen over pypdf by bench/pdf.py (see bench/README.md): PDFium gives the generated theses back
word for word (pypdf 99.7%), is faster, and gives the line positions used for paragraphs. Encrypted files are opened with the empty password
(owner-only protection) or skipped; scans without a text layer, damaged or truncated files,
files of thousands of pages and files that exhaust the time or memory limits are skipped with
a message saying which. JavaScript, forms and attachments are never run or read.
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path
from statistics import median
from typing import Any

from indexer.errors import ThesisReadError
from indexer.formats import OutlineEntry, SourceText, file_bytes

# A long thesis has 300-500 pages; thousands of pages are a book series or a generated file.
MAX_PAGES = 2000
# Wall-clock and address-space limits of the extracting process (PDFium reads ~100 pages/s here).
TIME_LIMIT_S = 120
MEMORY_LIMIT = 2 * 2**30
# A gap between lines this much larger than the page's usual line spacing is a paragraph break.
_PARAGRAPH_GAP = 1.35
# A line starting further right than one line height (and less than this share of the page width)
# is indented; further right it is centred or a column.
_MAX_INDENT = 0.15
_DATE = re.compile(r"D:(\d{4})")


def read_pdf(path: Path) -> SourceText:
    """Read the PDF at `path`; ThesisReadError with the reason when it cannot be indexed."""
    name = Path(path).name
    data = file_bytes(path)
    if not data.strip():
        raise ThesisReadError(f"{name}: the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise ThesisReadError(f"{name}: not a PDF file (no %PDF- header); rename it if it is another format")
    if b"%%EOF" not in data[-2048:]:
        raise ThesisReadError(f"{name}: the PDF is truncated (no end-of-file marker); download or export it again")
    result = _extract(name, data)
    pages = [_page_text(page["lines"], page["width"]) for page in result["pages"]]
    if not any(page.strip() for page in pages):
        raise ThesisReadError(f"{name}: the PDF has no text layer (a scan?); it needs OCR before it can be indexed")
    warnings = [f"{name}: {what} ignored" for what, present in (
        ("embedded JavaScript", b"/JavaScript" in data or b"/JS " in data),
        (f"{result['attachments']} attached files", result["attachments"] > 0)) if present]
    empty = sum(1 for page in pages if not page.strip())
    if empty:
        warnings.append(f"{name}: {empty} of {len(pages)} pages have no text layer (images only)")
    return SourceText(
        text="\f".join(pages), data=data, paged=True, page_labels=tuple(result["labels"]),
        outline=tuple(OutlineEntry(" ".join(t.split()), max(1, level), page)
                      for t, level, page in result["outline"] if t.strip()),
        metadata=_metadata(result["metadata"]), warnings=warnings,
    )


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _extract(name: str, data: bytes) -> dict[str, Any]:
    """Run the worker on `data` under the limits; its result, or ThesisReadError saying what failed."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    try:
        done = subprocess.run([sys.executable, "-m", "indexer.formats.pdf_worker", str(MAX_PAGES)], input=data,
                              capture_output=True, timeout=TIME_LIMIT_S, preexec_fn=_limits, env=env)
    except subprocess.TimeoutExpired:
        raise ThesisReadError(f"{name}: reading the PDF took over {TIME_LIMIT_S} s (a damaged file or a PDF bomb); "
                              f"skipped") from None
    if done.returncode != 0:
        memory = b"MemoryError" in done.stderr or done.returncode < 0
        reason = (f"needs more than {MEMORY_LIMIT // 2**20} MB of memory (a PDF bomb?)" if memory
                  else "could not be read (damaged)")
        raise ThesisReadError(f"{name}: the PDF {reason}; skipped")
    result = json.loads(done.stdout)
    error = result.get("error")
    if error == "password":
        raise ThesisReadError(f"{name}: the PDF is encrypted with a password; save an unprotected copy to index it")
    if error == "pages":
        raise ThesisReadError(f"{name}: the PDF has {result['pages']} pages (at most {MAX_PAGES}); "
                              f"check that it is one thesis")
    if error:
        raise ThesisReadError(f"{name}: the PDF is damaged and cannot be opened ({result.get('detail', '')})")
    return result


def _page_text(lines: list[list[Any]], width: float) -> str:
    """A page's lines top to bottom: a line holding one space where a vertical gap marks a new
    paragraph, and indented lines (a paragraph's first, as most theses set them) with leading spaces."""
    steps = [a[1] - b[1] for a, b in zip(lines, lines[1:])]
    usual = median(steps) if steps else 0.0
    margin = min((line[0] for line in lines), default=0.0)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and usual > 0 and steps[i - 1] > _PARAGRAPH_GAP * usual:
            out.append(" ")
        indented = line[3] < line[0] - margin < _MAX_INDENT * width
        out.append(("   " if indented else "") + " ".join(line[4].split()))
    return "\n".join(out)


def _metadata(info: dict[str, str]) -> dict[str, str]:
    """Title, author and year as the PDF's document information states them."""
    out = {key.lower(): " ".join(str(info[key]).split()) for key in ("Title", "Author") if info.get(key, "").strip()}
    date = _DATE.match(info.get("CreationDate", ""))
    if date:
        out["date"] = date.group(1)
    return out
