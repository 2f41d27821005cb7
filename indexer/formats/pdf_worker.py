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

# Parts of one visual line closer than this share of the text size in y belong to it.
_SAME_LINE = 0.5
# A digit or mark this much smaller than its line's text and raised off its baseline is a footnote
# reference ("2019³, og"): left out, so that the sentence reads as the student quotes it.
_SUPERSCRIPT_SIZE = 0.8
_FOOTNOTE_MARKS = frozenset("0123456789*†‡")
_NO_SPACE_BEFORE = frozenset(",.;:!?)]}»”%")
_LINE_END, _SOFT_HYPHEN = {10, 13}, 2


def _segments(textpage: Any) -> list[list[tuple[str, tuple[float, float, float, float] | None]]]:
    """PDFium's own lines, in its reading order (which keeps an italic word or a right-aligned
    number where it stands): each char with (left, right, baseline, size), or None for a space."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw, x, y = textpage.raw, ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    segments: list[list[tuple[str, Any]]] = [[]]
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in _LINE_END:
            if segments[-1]:
                segments.append([])
            continue
        char = "-" if code == _SOFT_HYPHEN else chr(code)  # \x02: the hyphen printed at a line end
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            segments[-1].append((" ", None))
            continue
        pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        box = (left.value, right.value, y.value, pdfium_c.FPDFText_GetFontSize(raw, i))
        last = next((b for _, b in reversed(segments[-1]) if b), None)
        if last is not None and abs(last[2] - box[2]) > _SAME_LINE * max(last[3], box[3]):
            segments.append([])  # PDFium runs on past a hyphen that ends a line ("fakt-" "orer")
        segments[-1].append((char, box))
    return [s for s in segments if any(box for _, box in s)]


def _visual_lines(segments: list[list[tuple[str, Any]]]) -> list[list[list[tuple[str, Any]]]]:
    """The segments grouped into visual lines, top to bottom, each line's segments left to right."""
    def baseline(segment: list[tuple[str, Any]]) -> tuple[float, float]:
        boxes = sorted((box[3], box[2]) for _, box in segment if box)
        return boxes[len(boxes) // 2][1], boxes[-1][0]  # the baseline of the median-sized char; the largest size

    lines: list[tuple[float, float, list[list[tuple[str, Any]]]]] = []
    for (base, size), segment in sorted(((baseline(s), s) for s in segments), key=lambda p: -p[0][0]):
        if lines and abs(lines[-1][0] - base) < _SAME_LINE * max(size, lines[-1][1]):
            lines[-1][2].append(segment)
        else:
            lines.append((base, size, [segment]))
    return [sorted(group, key=lambda s: min(box[0] for _, box in s if box)) for _, _, group in lines]


def _line(segments: list[list[tuple[str, Any]]]) -> list[Any]:
    """One visual line as [left, baseline, right, size, text], footnote references in the text left out."""
    boxes = [box for segment in segments for _, box in segment if box]
    size = sorted(box[3] for box in boxes)[len(boxes) // 2]
    base = sorted(box[2] for box in boxes if box[3] == size)[0]

    def superscript(char: str, box: Any) -> bool:
        return (box is not None and char in _FOOTNOTE_MARKS and box[3] < _SUPERSCRIPT_SIZE * size
                and box[2] > base + 0.2 * size)

    text, right = "", None
    for segment in segments:
        kept: list[tuple[str, Any]] = []
        lead = not text.strip()  # a raised number that starts the line numbers a footnote: kept, "1 Se også"
        for char, box in segment:
            if superscript(char, box):
                if lead:
                    kept.append((char, box))
                continue
            if box is not None:
                if lead and kept and superscript(*kept[-1]):
                    kept.append((" ", None))
                lead = False
            kept.append((char, box))
        part = "".join(char for char, _ in kept)
        first = next((box for _, box in kept if box), None)
        if first is None:
            continue
        if text and right is not None and first[0] - right > 0.15 * size and not text.endswith(" ") \
                and part[:1] not in _NO_SPACE_BEFORE:
            text += " "
        text += part
        right = max(box[1] for _, box in kept if box)
    return [min(b[0] for b in boxes), base, max(b[1] for b in boxes), size, text]


def _lines(page: Any) -> list[list[Any]]:
    """The visual lines of a page, top to bottom: [left, baseline, right, text size, text]."""
    textpage = page.get_textpage()
    lines = [_line(group) for group in _visual_lines(_segments(textpage))]
    textpage.close()
    return [line for line in lines if line[4].strip()]


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
