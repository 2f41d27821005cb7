"""A line set in several fonts reads in the order it is printed: an italic book title stays in its
sentence, a footnote reference is left out of the quote, a contents entry keeps its page number
(each was scrambled when the pieces of a line were ordered by the bottoms of their boxes)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.thesis import parse_thesis

BOOKS = ("Stigma", "Asylums", "Velferd", "Arbeid")
CONTENTS = (("Sammendrag", "ii"), ("Forord", "iii"), ("1 Innledning", "1"), ("1.1 Problemstilling", "2"))


def _write(path: Path) -> Path:
    """A three-page thesis PDF in the standard Times fonts: contents, then a chapter whose lines mix
    roman and italic text and carry a raised footnote number."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    canv = canvas.Canvas(str(path))

    def run(x: float, y: float, parts: list[tuple[str, float, str, float]]) -> None:
        for font, size, text, rise in parts:
            canv.setFont(font, size)
            canv.drawString(x, y + rise, text)
            x += stringWidth(text, font, size)

    canv.setFont("Times-Bold", 16)
    canv.drawString(72, 760, "Innhold")
    for n, (title, page) in enumerate(CONTENTS):
        canv.setFont("Times-Roman", 12)
        canv.drawString(72, 720 - 18 * n, f"{title} {'.' * 40}")
        canv.drawRightString(520, 720 - 18 * n, page)
    canv.showPage()
    canv.setFont("Times-Bold", 16)
    canv.drawString(72, 760, "1 Innledning")
    for n, book in enumerate(BOOKS):
        run(72, 720 - 16 * n, [("Times-Roman", 12, f"Ifølge forfatteren av boka ", 0), ("Times-Italic", 12, book, 0),
                               ("Times-Roman", 12, f" er kapittel {n + 2} sentralt for analysen.", 0)])
    run(72, 640, [("Times-Roman", 12, "Barnevernet fikk 58 000 meldinger i 2019", 0), ("Times-Roman", 7, "3", 5),
                  ("Times-Roman", 12, ", og de fleste gjaldt omsorgssvikt i hjemmet.", 0)])
    canv.showPage()
    canv.save()
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("order") / "kursiv.pdf")


@pytest.fixture(scope="module")
def thesis(pdf, count_tokens):
    return parse_thesis(pdf, count_tokens=count_tokens)


def test_an_italic_word_stays_where_it_is_printed(thesis):
    sentences = [s.text for s in thesis.sentences]
    for n, book in enumerate(BOOKS):
        assert f"Ifølge forfatteren av boka {book} er kapittel {n + 2} sentralt for analysen." in sentences


def test_a_footnote_reference_is_left_out_of_the_sentence(thesis):
    assert "Barnevernet fikk 58 000 meldinger i 2019, og de fleste gjaldt omsorgssvikt i hjemmet." in \
        [s.text for s in thesis.sentences]


def test_contents_entries_keep_their_page_numbers_and_are_not_sections(pdf, thesis):
    from indexer.formats import read_source

    lines = [" ".join(line.split()) for line in read_source(pdf).text.splitlines()]
    for title, page in CONTENTS:
        assert f"{title} {'.' * 40} {page}" in lines
    assert [s.title for s in thesis.sections if s.title] == ["Innhold", "Innledning"]
