"""Catalog suggestions from a PDF: its document information and its title page, with evidence."""
from __future__ import annotations

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.catalog import ThesisMeta
from indexer.formats import read_source
from indexer.formats.metadata import suggest_metadata


def test_suggestions_from_metadata_and_title_page(tmp_path):
    title_page = PageSpec(["Sosiale faktorer og rusavhengighet", "Av: Kari Nordmann", "Bacheloroppgave i sosialt arbeid",
                           "Universitetet i Agder, våren 2019"], "")
    spec = PdfSpec([title_page, PageSpec(["Sammendrag", "Denne oppgaven handler om rus."], "1")],
                   title="Sosiale faktorer og rusavhengighet", author="Kari Nordmann")
    source = read_source(write_pdf(spec, tmp_path / "t.pdf"))
    got = suggest_metadata(source)
    by_field = {}
    for s in got:
        by_field.setdefault(s.field, []).append(s)
    assert by_field["title"][0].value == "Sosiale faktorer og rusavhengighet"
    assert "document information" in by_field["title"][0].evidence
    # authors in the catalog's form, "Etternavn, Fornavn"
    assert by_field["authors"][0].value == "Nordmann, Kari" and "(Author): 'Kari Nordmann'" in by_field["authors"][0].evidence
    assert any(s.value == "Nordmann, Kari" and "title page, line 2" in s.evidence for s in by_field["authors"])
    assert [s.value for s in by_field["degree"]] == ["Bacheloroppgave i sosialt arbeid"]
    assert "title page, line 3" in by_field["degree"][0].evidence
    assert any(s.value == "2019" and "våren 2019" in s.evidence for s in by_field["year"])
    assert not [s for s in suggest_metadata(source, ThesisMeta(year=2020)) if s.field == "year"]


def test_several_authors_and_a_word_processors_default_author(tmp_path):
    def authors(author: str, lines: list[str]) -> list[str]:
        spec = PdfSpec([PageSpec(lines, ""), PageSpec(["Sammendrag", "Denne oppgaven handler om rus."], "1")],
                       author=author)
        source = read_source(write_pdf(spec, tmp_path / "t.pdf"))
        return [s.value for s in suggest_metadata(source) if s.field == "authors"]

    title = ["Rus og arbeid i Norge", "MASTEROPPGAVE I SOSIOLOGI"]
    assert authors("Kari Nordmann og Per Hansen", title) == ["Nordmann, Kari; Hansen, Per"]
    assert authors("Kari Nordmann, Per Olav Hansen & Ola Berg", title) == ["Nordmann, Kari; Hansen, Per Olav; Berg, Ola"]
    assert authors("Nordmann, Kari", title) == ["Nordmann, Kari"]
    assert authors("Microsoft Office User", title) == []  # not a name: nothing to suggest
    assert authors("", [*title, "Skrevet av: Kari Nordmann and Per Hansen"]) == ["Nordmann, Kari; Hansen, Per"]
    spec = PdfSpec([PageSpec(title, ""), PageSpec(["Sammendrag", "Denne oppgaven handler om rus."], "1")])
    degree = [s for s in suggest_metadata(read_source(write_pdf(spec, tmp_path / "d.pdf"))) if s.field == "degree"]
    assert [s.value for s in degree] == ["Masteroppgave i sosiologi"]
    spec = PdfSpec([PageSpec(["Kari Nordmann", "Masteroppgave i sosiologi", "Vår 2021"], ""),
                    PageSpec(["Sammendrag", "Denne oppgaven handler om rus."], "1")])
    titles = [s for s in suggest_metadata(read_source(write_pdf(spec, tmp_path / "n.pdf"))) if s.field == "title"]
    assert titles == []  # the degree line is no title
    assert not [s for s in suggest_metadata(read_source(write_pdf(spec, tmp_path / "d.pdf")),
                                            ThesisMeta(degree="Master")) if s.field == "degree"]
