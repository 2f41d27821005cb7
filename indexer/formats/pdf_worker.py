"""Extract the text layer of a PDF in a child process: `python -m indexer.formats.pdf_worker < file.pdf`.

PDFium parses untrusted files in C; running it in its own process lets the parent bound its
time and memory (a PDF bomb's nested or huge streams), and a crash cannot take the build down.
It writes one JSON object to stdout: the pages' lines with their positions, the page labels, the
outline and the metadata, or {"error": "..."} for a file it cannot open.
"""
from __future__ import annotations

import json
import sys
from typing import Any

# Parts of one visual line closer than this share of the line height in y belong to it.
_SAME_LINE = 0.5


def _lines(page: Any) -> list[list[Any]]:
    """The visual lines of a page, top to bottom: [left, baseline, right, height, text]."""
    textpage = page.get_textpage()
    parts = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        # PDFium reports a hyphen that ends a line as \x02 ("soft"): it is the printed hyphen.
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", " ").replace("\x02", "-")
        if text.strip():
            parts.append((left, bottom, right, top - bottom, text))
    parts.sort(key=lambda p: (-p[1], p[0]))
    lines: list[list[Any]] = []
    for left, bottom, right, height, text in parts:
        last = lines[-1] if lines else None
        if last is not None and abs(last[1] - bottom) < _SAME_LINE * max(height, last[3]):
            gap = left - last[2]
            last[4] += (" " if gap > 0.15 * height and not last[4].endswith(" ") else "") + text
            last[2], last[3] = max(last[2], right), max(last[3], height)
        else:
            lines.append([left, bottom, right, height, text])
    textpage.close()
    return lines


def _outline(doc: Any) -> list[list[Any]]:
    entries = []
    for bookmark in doc.get_toc(max_depth=8):
        dest = bookmark.get_dest()
        page = dest.get_index() if dest is not None else None
        entries.append([bookmark.get_title() or "", bookmark.level + 1, page])
    return entries


def extract(data: bytes, max_pages: int) -> dict[str, Any]:
    """Everything the reader needs from the PDF `data`, or {"error": kind} when it cannot be opened."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data, password="")  # the empty password opens owner-only encryption
    except pdfium.PdfiumError as exc:
        return {"error": "password" if "password" in str(exc).lower() else "damaged", "detail": str(exc)}
    n_pages = len(doc)
    if n_pages > max_pages:
        return {"error": "pages", "pages": n_pages}
    pages = []
    for i in range(n_pages):
        page = doc[i]
        width, height = page.get_size()
        pages.append({"width": width, "height": height, "lines": _lines(page)})
        page.close()
    labels = [doc.get_page_label(i) for i in range(n_pages)]
    result = {
        "pages": pages, "labels": labels if any(labels) else [], "outline": _outline(doc),
        "metadata": {k: v for k, v in doc.get_metadata_dict(skip_empty=True).items()},
        "attachments": doc.count_attachments(),
    }
    doc.close()
    return result


def main() -> int:
    data = sys.stdin.buffer.read()
    max_pages = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    json.dump(extract(data, max_pages), sys.stdout, ensure_ascii=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
