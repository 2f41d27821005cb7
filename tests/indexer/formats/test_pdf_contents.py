"""A PDF without bookmarks: its contents page (dot leaders, page numbers) names the chapters, the
body's own headings are the sections."""
from __future__ import annotations

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.thesis import parse_thesis

PROSE = ("Oppdrett av laks har vokst langs hele kysten, og næringen er blant de viktigste i landet. "
         "Lusetallene har likevel steget i mange av anleggene som ble undersøkt i denne studien.")


def test_contents_entries_are_not_sections(tmp_path, count_tokens):
    pages = [
        PageSpec(["Lakselus i norske oppdrettsanlegg", "Ola Hansen, masteroppgave, 2021"], ""),
        PageSpec(["Innhold", "1 Innledning " + "." * 40 + " 1", "2 Metode " + "." * 40 + " 2"], "i"),
        PageSpec(["1 Innledning", *[PROSE, None] * 4], "1"),
        PageSpec(["2 Metode", "Jeg brukte registrerte lusetall fra Mattilsynet for perioden 2012 til 2020.", None,
                  *[PROSE, None] * 4], "2"),
    ]
    thesis = parse_thesis(write_pdf(PdfSpec(pages, front_pages=1), tmp_path / "laks.pdf"), count_tokens=count_tokens)
    body = [(s.number, s.title) for s in thesis.sections if s.part == "body"]
    assert body == [("1", "Innledning"), ("2", "Metode")]
    method = next(s for s in thesis.sections if s.number == "2")
    assert thesis.page_at(method.start).physical == 4  # its own page, not the contents page (2)
    assert "Mattilsynet" in thesis.text[method.content_start:method.end]


def test_a_chapter_under_a_running_header_after_the_title_page_is_a_section(tmp_path, count_tokens):
    """The title page ends without a full stop and the next page opens with the running header:
    its heading still starts a page, so it is a heading, not the end of the title page's text."""
    pages = [
        PageSpec(["Fjellreven på Hardangervidda", "Masteroppgave i biologi, Universitetet i Bergen, 2024"], ""),
        PageSpec(["1 Innledning", *[PROSE, None] * 4], "1"),
        PageSpec(["2 Resultater", *[PROSE, None] * 4], "2"),
    ]
    spec = PdfSpec(pages, header="Fjellrev på Hardangervidda – masteroppgave 2024")
    thesis = parse_thesis(write_pdf(spec, tmp_path / "fjellrev.pdf"), count_tokens=count_tokens)
    assert [(s.number, s.title) for s in thesis.sections if s.part == "body"] == [("1", "Innledning"),
                                                                                ("2", "Resultater")]
    assert "Innledning" not in thesis.text[thesis.sections[0].start:thesis.sections[0].end]


def test_the_title_page_keeps_a_title_that_the_running_header_repeats(tmp_path, count_tokens):
    title = "Sosial kapital blant ungdom i Bergen"
    body = ["\tDenne oppgaven handler om fritid og tilhørighet blant ungdom i en norsk by, og om hva som "
            "skaper sosial kapital.", "Jeg har intervjuet seks ungdommer om hvordan de bruker fritiden sin."]
    pages = [PageSpec([title, None, "En kvalitativ studie av fritid og tilhørighet", None, "Kari Nordmann"])]
    pages += [PageSpec([f"{n} Kapittel {n}", None, *body], str(n)) for n in range(1, 5)]
    path = write_pdf(PdfSpec(pages, header=title), tmp_path / "tittel.pdf")
    thesis = parse_thesis(path, count_tokens=count_tokens)
    assert thesis.text.startswith(title)
    assert thesis.text.count(title) == 1  # the running header of pages 1-4 is still dropped
