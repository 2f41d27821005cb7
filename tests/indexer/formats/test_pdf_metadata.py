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
    assert any(s.value == "Kari Nordmann" and "title page, line 2" in s.evidence for s in by_field["authors"])
    assert any(s.value == "2019" and "våren 2019" in s.evidence for s in by_field["year"])
    assert not [s for s in suggest_metadata(source, ThesisMeta(year=2020)) if s.field == "year"]
