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
from collections import Counter
from statistics import median
from typing import Any

from indexer.errors import ThesisReadError
from indexer.formats import OutlineEntry, SourceText, file_bytes
from indexer.layout import page_number_token
from indexer.pagelayout import FURNITURE_SHARE, line_key

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
# A run of lines at the foot of a page, in type this much smaller than the page's running text and
# the first starting with a note number, is the page's footnotes.
_FOOTNOTE_SIZE = 0.85
_NOTE_START = re.compile(r"\d{1,3}\s*[^\d\s.,]")
_SENTENCE_END = re.compile(r"[.!?:»”\"')\]]\s*$")


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
    keys = [[line_key(line[4]) for line in page["lines"]] for page in result["pages"]]
    furniture = _repeated_lines(keys)
    pages, after_sentence = [], True
    for page, page_keys in zip(result["pages"], keys):
        text, after_sentence = _page_text(page["lines"], page_keys, page["width"], furniture, after_sentence)
        pages.append(text)
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


def _repeated_lines(keys: list[list[str]]) -> frozenset[str]:
    """Of each page's line keys (`line_key`), those on most pages (running headers and footers)."""
    counts = Counter(key for page in keys for key in set(page))
    need = max(3, FURNITURE_SHARE * len(keys))
    return frozenset(key for key, n in counts.items() if n >= need)


def _foot(lines: list[list[Any]], keys: list[str], furniture: frozenset[str]) -> tuple[int, int]:
    """Where the page's footnotes and its footer start: (notes, footer), equal without footnotes."""
    end = len(lines)
    while end and (page_number_token(lines[end - 1][4]) or keys[end - 1] in furniture):
        end -= 1
    if len(lines) < 4:
        return end, end
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line[3] * 2) / 2] += len(line[4])
    body = sizes.most_common(1)[0][0]
    start = end
    while start and lines[start - 1][3] <= _FOOTNOTE_SIZE * body and keys[start - 1] not in furniture:
        start -= 1
    while start < end and not _NOTE_START.match(lines[start][4].strip()):
        start += 1  # a caption or a note's second line above the first numbered note
    return (start, end) if start else (end, end)


def _page_text(lines: list[list[Any]], keys: list[str], width: float, furniture: frozenset[str],
               after_sentence: bool) -> tuple[str, bool]:
    """A page's lines top to bottom: a line holding one space where a vertical gap marks a new
    paragraph, and indented lines (a paragraph's first, as most theses set them) with leading spaces.

    When the running text goes on to the next page past footnotes, the footnotes are put before the
    page's last sentence that starts a line (`after_sentence`: the previous page ended one), so that
    the sentence they interrupted reads on, and is quoted, whole; they stay on their page. Also
    returns whether the page's running text ends a sentence (the next page's `after_sentence`)."""
    steps = [a[1] - b[1] for a, b in zip(lines, lines[1:])]
    usual = median(steps) if steps else 0.0
    margin = min((line[0] for line in lines), default=0.0)
    gap = [bool(i and usual > 0 and steps[i - 1] > _PARAGRAPH_GAP * usual) for i in range(len(lines))]
    indented = [line[3] < line[0] - margin < _MAX_INDENT * width for line in lines]
    order = list(range(len(lines)))
    notes, end = _foot(lines, keys, furniture)
    ends_sentence = not notes or bool(_SENTENCE_END.search(lines[notes - 1][4]))
    if notes < end and not ends_sentence:
        body = [i for i in range(notes) if keys[i] not in furniture]
        starts = [i for n, i in enumerate(body) if (after_sentence if n == 0 else
                  gap[i] or indented[i] or _SENTENCE_END.search(lines[body[n - 1]][4]))]
        if starts:
            last = starts[-1]
            order = [*range(last), *range(notes, end), *range(last, notes), *range(end, len(lines))]
            gap[notes] = gap[last] = True
    out: list[str] = []
    for n, i in enumerate(order):
        if n and gap[i]:
            out.append(" ")
        out.append(("   " if indented[i] else "") + " ".join(lines[i][4].split()))
    return "\n".join(out), ends_sentence


def _metadata(info: dict[str, str]) -> dict[str, str]:
    """Title, author and year as the PDF's document information states them."""
    out = {key.lower(): " ".join(str(info[key]).split()) for key in ("Title", "Author") if info.get(key, "").strip()}
    date = _DATE.match(info.get("CreationDate", ""))
    if date:
        out["date"] = date.group(1)
    return out
