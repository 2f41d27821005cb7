"""Word files: paragraphs in order, sections from the heading styles, cited by section (no fixed pages)."""
from __future__ import annotations

import docx
import pytest

from indexer.errors import ThesisReadError
from indexer.formats.metadata import suggest_metadata
from indexer.formats import read_source
from indexer.thesis import parse_thesis


def _word_file(path):
    document = docx.Document()
    document.core_properties.title = "Veien videre etter rusbehandling"
    document.core_properties.author = "Kari Nordmann"
    document.add_heading("Sammendrag", level=1)
    document.add_paragraph("Denne oppgaven handler om livet etter behandling. Den bygger på fire intervjuer.")
    document.add_heading("1 Innledning", level=1)
    document.add_paragraph("Rusavhengighet er et sammensatt fenomen. Mange faktorer spiller inn.")
    document.add_heading("1.1 Problemstilling", level=2)
    document.add_paragraph("Hvordan opplever informantene overgangen til et liv uten rus? Det spør oppgaven om.")
    document.add_heading("Litteraturliste", level=1)
    document.add_paragraph("Goffman, E. (1963). Stigma. Englewood Cliffs: Prentice-Hall.")
    document.save(path)
    return path


def test_word_file_sections_from_heading_styles(tmp_path, count_tokens):
    thesis = parse_thesis(_word_file(tmp_path / "oppgave.docx"), count_tokens=count_tokens)
    tree = [(s.number, s.title, s.level, s.part) for s in thesis.sections]
    assert tree == [("", "Sammendrag", 1, "front"), ("1", "Innledning", 1, "body"),
                    ("1.1", "Problemstilling", 2, "body"), ("", "Litteraturliste", 1, "appendix")]
    assert len(thesis.pages) == 1
    assert any("no fixed pages" in w and "cited by section" in w for w in thesis.warnings)
    problem = next(s for s in thesis.sentences if s.text.startswith("Hvordan opplever"))
    assert thesis.sections[problem.section].label == "1.1 Problemstilling"


def test_word_metadata_suggestions_never_override_the_catalog(tmp_path):
    from indexer.catalog import ThesisMeta

    source = read_source(_word_file(tmp_path / "oppgave.docx"))
    fields = {(s.field, s.value) for s in suggest_metadata(source)}
    assert ("title", "Veien videre etter rusbehandling") in fields
    assert ("authors", "Nordmann, Kari") in fields  # surname first, as the catalog wants it
    assert not [s for s in suggest_metadata(source, ThesisMeta(title="Fra katalogen", authors=["X"]))
                if s.field in ("title", "authors")]


def test_not_a_word_file(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("just text", encoding="utf-8")
    with pytest.raises(ThesisReadError, match="fake.docx: not a Word"):
        read_source(path)


def test_a_word_file_is_cited_by_the_section_of_the_quote(tmp_path, encoder):
    """A file without fixed pages: its citations name the quote's section in place of a page."""
    from indexer.build import build_index
    from qa.answer import ask
    from qa.engine import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _word_file(corpus / "oppgave.docx")
    build_index(corpus, tmp_path / "index", encoder=encoder, progress=False)
    engine = Engine(tmp_path / "index", encoder=encoder)
    source = next(s for s in ask(engine, "Hvordan opplever informantene overgangen til et liv uten rus?").sources
                  if s.section == "1.1 Problemstilling")
    assert source.pages is None
    assert source.citation["apa"].endswith(", u.å., avsnitt «1.1 Problemstilling»)")
    assert source.citations("en")["norwegian"].endswith(", n.d., section “1.1 Problemstilling”)")
    engine.close()
