"""Make real-world-shaped thesis PDFs from the corpus text dumps (for the tests and bench/pdf.py).

Each page of the dump becomes an A4 page: a running header (the thesis title) and footer (the
printed page label), roman-numbered front matter declared in /PageLabels, the body numbered from 1,
an outline of every section, paragraph breaks as vertical gaps and indented first lines, and some words hyphenated at line
ends. The printed label of every page is returned so that tests can check citations against it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from store.records import Thesis
from indexer.layout import split_lines

A4 = (595.27, 841.89)
MARGIN = 60.0
INDENT = 18.0  # first lines of paragraphs are indented, as in most theses
_FONT_FILES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
_KEEP_SPACE = {"og", "eller", "til"}


@dataclass
class PageSpec:
    """One page: its lines (None is a paragraph break, a leading tab an indented first line) and its label."""

    lines: list[str | None]
    label: str = ""


@dataclass
class PdfSpec:
    pages: list[PageSpec]
    outline: list[tuple[str, int, int]] = field(default_factory=list)  # (title, level 1.., page index)
    front_pages: int = 0  # pages numbered i, ii, … before the body
    header: str = ""
    split_words: list[str] = field(default_factory=list)  # words hyphenated at a line end by `_hyphenate`
    title: str = ""
    author: str = ""
    page_labels: bool = True  # declare the numbering in /PageLabels; False: the footers alone show it, as Word writes


def roman(n: int) -> str:
    """Lower-case roman numeral of `n` (1 <= n < 40 is all front matter needs)."""
    out = ""
    for value, digits in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + digits, n - value
    return out


def spec_from_thesis(text: str, thesis: Thesis, *, header: str = "", hyphenate_every: int = 7) -> PdfSpec:
    """The PDF layout of a corpus dump `text` whose parse is `thesis` (pages kept one for one)."""
    pages: list[PageSpec] = [PageSpec([])]
    new_paragraph = False
    for line in split_lines(text):
        if line.page_start:
            if pages[-1].lines and pages[-1].lines[-1] is None:
                pages[-1].lines.pop()  # a paragraph ends with the page: the next one shows it by its indent
            pages.append(PageSpec([]))
        if line.kind == "text":
            pages[-1].lines.append(("\t" if new_paragraph else "") + " ".join(line.text.split()))
            new_paragraph = False
        elif line.kind == "break" and pages[-1].lines and pages[-1].lines[-1] is not None:
            pages[-1].lines.append(None)
            new_paragraph = True
    body = next((s for s in thesis.sections if s.part != "front"), None)
    front = thesis.page_at(body.start).physical - 1 if body is not None else 0
    for i, page in enumerate(pages):
        page.label = roman(i + 1) if i < front else str(i - front + 1)
    heading_lines = {" ".join(s.label.split()) for s in thesis.sections}
    split = _hyphenate(pages, heading_lines, hyphenate_every) if hyphenate_every else []
    outline = [(" ".join(thesis.text[s.start : s.content_start].split()), s.level, thesis.page_at(s.start).physical - 1)
               for s in thesis.sections if s.label]  # titles as printed, e.g. "KAPITTEL 2 - METODE"
    return PdfSpec(pages, outline, front, header or thesis.doc, split)


def _hyphenate(pages: list[PageSpec], keep: set[str], every: int) -> list[str]:
    """Split the last word of every `every`-th eligible line, moving its tail to the next line.

    Only words the thesis uses more than once are split: the reader joins a split word when it
    finds the word whole elsewhere, as a reader of the printed page would.
    """
    seen = 0
    split: list[str] = []
    counts = Counter(w.casefold() for page in pages for line in page.lines if line for w in line.split())
    for page in pages:
        for i in range(len(page.lines) - 1):
            line, nxt = page.lines[i], page.lines[i + 1]
            if line is None or nxt is None or nxt.startswith("\t") or line.strip() in keep or nxt in keep:
                continue
            head, _, word = line.rpartition(" ")
            if not (head and len(word) >= 8 and word.isalpha() and word.islower() and counts[word] >= 2):
                continue
            seen += 1
            cut = len(word) // 2
            if seen % every or word[cut:] in _KEEP_SPACE:
                continue
            page.lines[i], page.lines[i + 1] = f"{head} {word[:cut]}-", f"{word[cut:]} {nxt}"
            split.append(word)
    return split


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    import reportlab

    files = [*_FONT_FILES, Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"]
    path = next(p for p in files if p.exists())
    if "Body" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Body", str(path)))
    return "Body"


def write_pdf(spec: PdfSpec, path: Path, *, encrypt: str | None = None) -> Path:
    """Write `spec` as a PDF at `path` (optionally encrypted with user password `encrypt`)."""
    from reportlab.pdfgen import canvas

    font = _font()
    canv = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    canv.setTitle(spec.title)
    canv.setAuthor(spec.author)
    for i, page in enumerate(spec.pages):
        for n, (_, _, target) in enumerate(spec.outline):
            if target == i:
                canv.bookmarkPage(f"s{n}")  # one destination per entry: reportlab merges entries by key
        _draw_page(canv, font, page, spec.header if i else "")
        canv.showPage()
    if spec.front_pages and spec.page_labels:
        canv.addPageLabel(0, style="ROMAN_LOWER")
    if spec.page_labels:
        canv.addPageLabel(spec.front_pages, style="ARABIC", start=1)
    level = -1
    for n, (title, lvl, _) in enumerate(spec.outline):
        level = min(lvl - 1, level + 1)  # an outline may not skip a level
        canv.addOutlineEntry(title, f"s{n}", level=level)
    canv.save()
    return path


def _draw_page(canv, font: str, page: PageSpec, header: str) -> None:
    width, height = A4
    usable = height - 2 * MARGIN - 40
    rows = len(page.lines) + 0.8 * sum(1 for line in page.lines if line is None)
    leading = min(14.0, usable / max(rows, 1))
    size = min(10.0, leading * 0.8)
    if header:
        canv.setFont(font, 8)
        canv.drawString(MARGIN, height - MARGIN + 20, header)
        canv.drawCentredString(width / 2, MARGIN - 25, page.label)
    y = height - MARGIN - 10
    for line in page.lines:
        if line is None:
            y -= 0.8 * leading
            continue
        fit = size
        from reportlab.pdfbase.pdfmetrics import stringWidth

        while stringWidth(line, font, fit) > width - 2 * MARGIN - INDENT and fit > 4:
            fit -= 0.25
        canv.setFont(font, fit)
        indent = INDENT if line.startswith("\t") else 0.0
        canv.drawString(MARGIN + indent, y, line.lstrip("\t"))
        y -= leading
