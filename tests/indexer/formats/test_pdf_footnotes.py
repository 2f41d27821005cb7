"""Footnotes at the foot of a page do not cut the sentence that runs on to the next page."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.thesis import parse_thesis

HEADER = "Masteroppgave i barnevern"
PAGES = [
    ["1 Innledning", "Denne oppgaven handler om samarbeid mellom barnevernet og skolen i saker om",
     "omsorgssvikt, og om hvordan saksbehandlere opplever at informasjonen flyter mellom tjenestene."],
    ["Saksbehandlerne opplevde at samarbeidet med skolen var godt, men at informasjonsflyten",
     "mellom tjenestene ofte stoppet opp, særlig der foreldrene motsatte seg kontakt med"],
    ["barnevernet og de andre instansene rundt familien. Flere av informantene beskrev dette som",
     "en av de største utfordringene i arbeidet sitt, og som en kilde til frustrasjon."],
    ["2 Metode", "Jeg har intervjuet seks saksbehandlere i tre kommuner om hvordan de arbeider med",
     "slike saker, og om hva de mener kunne gjort samarbeidet bedre for barna det gjelder."],
]
NOTE = "1 Se også NOU 2017: 12 Svikt og svik, kapittel 8."
SENTENCE = ("Saksbehandlerne opplevde at samarbeidet med skolen var godt, men at informasjonsflyten mellom "
            "tjenestene ofte stoppet opp, særlig der foreldrene motsatte seg kontakt med barnevernet og de andre "
            "instansene rundt familien.")


def _write(path: Path, note: bool) -> Path:
    """Four pages of 12 pt text with a running header and page numbers; page 2 ends inside a sentence
    that page 3 ends, and (`note`) carries a 9 pt footnote above its page number."""
    from reportlab.pdfgen import canvas

    canv = canvas.Canvas(str(path))
    for n, lines in enumerate(PAGES, 1):
        if n > 1:
            canv.setFont("Times-Roman", 8)
            canv.drawString(72, 800, HEADER)
        for row, line in enumerate(lines):
            canv.setFont("Times-Bold" if line[0].isdigit() else "Times-Roman", 12)
            canv.drawString(72, 740 - 16 * row, line)
        if note and n == 2:
            canv.line(72, 120, 200, 120)
            canv.setFont("Times-Roman", 6)  # the note's number raised, as word processors set it
            canv.drawString(72, 110, NOTE[0])
            canv.setFont("Times-Roman", 9)
            canv.drawString(76, 106, NOTE[2:])
        canv.setFont("Times-Roman", 8)
        canv.drawCentredString(297, 40, str(n))
        canv.showPage()
    canv.save()
    return path


@pytest.mark.parametrize("note", [False, True])
def test_a_sentence_over_a_page_break_is_whole_with_or_without_a_footnote(tmp_path, count_tokens, note):
    thesis = parse_thesis(_write(tmp_path / "fotnote.pdf", note), count_tokens=count_tokens)
    sentence = next(s for s in thesis.sentences if s.text.startswith("Saksbehandlerne"))
    assert sentence.text == SENTENCE
    assert (thesis.page_at(sentence.start).label, thesis.page_at(sentence.end - 1).label) == ("2", "3")
    assert (NOTE in thesis.text) == note  # the note is kept, on its own page
    if note:
        assert thesis.page_at(thesis.text.index(NOTE)).label == "2"
