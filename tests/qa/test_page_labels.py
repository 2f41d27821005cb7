"""Citations name the page as printed on it: a PDF's roman front matter is cited "s. iii", the
body by its printed arabic number, never by the physical page count."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from bench.pdfgen import spec_from_thesis, write_pdf
from indexer.build import build_index
from indexer.thesis import parse_thesis
from qa.answer import ask
from qa.engine import Engine
from qa.render import render_answer
from store.errors import IndexMismatchError
from store.layout import DATABASE, current_snapshot
from store.manifest import SCHEMA_VERSION
from store.reader import load_thesis, open_index
from tests.conftest import CORPUS
from tests.store.test_store import edit_manifest
from ui.render import meta_text

STEM = "000_56c92893e0805444"
DOC = f"{STEM}.pdf"


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory, encoder):
    """An index of one corpus thesis as a generated PDF (roman front matter), and its parse."""
    text_path = CORPUS / f"{STEM}.txt"
    spec = spec_from_thesis(text_path.read_text(encoding="utf-8"), parse_thesis(text_path,
                                                                                 count_tokens=encoder.count_tokens))
    assert spec.front_pages >= 1, "the thesis has front matter"
    corpus = tmp_path_factory.mktemp("label-corpus")
    write_pdf(spec, corpus / DOC)
    report = build_index(corpus, tmp_path_factory.mktemp("label-index") / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    return report.snapshot.parent.parent, spec, parse_thesis(corpus / DOC, count_tokens=encoder.count_tokens)


@pytest.fixture(scope="module")
def label_engine(pdf_index, encoder):
    return Engine(pdf_index[0], encoder=encoder)


def test_pages_table_keeps_the_printed_labels(pdf_index):
    index, spec, _ = pdf_index
    with open_index(index) as snapshot:
        pages = load_thesis(snapshot, DOC).thesis.pages
    assert [p.label for p in pages] == [p.label for p in spec.pages]
    assert [p.printed for p in pages[:spec.front_pages]] == ["i", "ii", "iii", "iv"][:spec.front_pages]
    assert pages[spec.front_pages].printed == "1" and pages[spec.front_pages].physical == spec.front_pages + 1


def _sentence_on(thesis, front: bool):
    """A long sentence of the front matter (or of the body), with its page."""
    for sentence in thesis.sentences:
        page = thesis.page_at(sentence.start)
        if page.printed.isdigit() != front and len(sentence.text.split()) >= 10:
            return sentence, page
    raise AssertionError("no such sentence")


@pytest.mark.parametrize("front", [True, False], ids=["front-matter", "body"])
def test_a_quote_is_cited_by_its_printed_label(pdf_index, label_engine, front):
    _, _, thesis = pdf_index
    sentence, page = _sentence_on(thesis, front)
    assert page.printed != str(page.physical)  # citing the physical page would be wrong here
    answer = ask(label_engine, sentence.text)
    sources = [s for s in answer.sources if s.quote and s.quote.start <= sentence.start < s.quote.end]
    assert sources, f"the sentence itself is quoted: {[s.quote for s in answer.sources]}"
    source = sources[0]
    assert source.page_label == page.printed
    assert source.citation["apa"].endswith(f", s. {page.printed})")
    assert source.citation["norwegian"].endswith(f", s. {page.printed})")
    assert f"s. {page.printed}" in meta_text(source, "nb")
    number = source.number
    assert f"[{number}] " in render_answer(answer) and f"· s. {page.printed}" in render_answer(answer)
    assert answer.to_json()["passages"][number - 1]["page_label"] == page.printed


def test_every_source_names_the_page_of_its_quote(pdf_index, label_engine):
    _, _, thesis = pdf_index
    sentence, _ = _sentence_on(thesis, True)
    for source in ask(label_engine, sentence.text).sources:
        offset = source.quote.start if source.quote else source.hit.start
        assert source.page_label == thesis.page_at(offset).printed
        end = source.quote.end if source.quote else source.hit.end
        assert source.last_page_label == thesis.page_at(end - 1).printed


def test_a_quote_across_a_page_break_is_cited_with_both_pages(pdf_index, label_engine):
    """A student pastes the citation: a quote that starts on one page and ends on the next is "s. 7–8"."""
    _, _, thesis = pdf_index
    sentence = next(s for s in thesis.sentences if len(s.text.split()) >= 10 and not s.text.endswith(":")
                    and thesis.page_at(s.start).printed.isdigit()
                    and thesis.page_at(s.start).printed != thesis.page_at(s.end - 1).printed)
    first, last = thesis.page_at(sentence.start).printed, thesis.page_at(sentence.end - 1).printed
    answer = ask(label_engine, " ".join(sentence.text.split()))
    source = next(s for s in answer.sources if s.quote and s.quote.start <= sentence.start < s.quote.end)
    assert source.pages == (first, thesis.page_at(source.quote.end - 1).printed) and last != first
    assert source.citation["apa"].endswith(f", s. {first}–{source.pages[1]})")
    assert f"s. {first}–{source.pages[1]}" in meta_text(source, "nb")
    assert f"· s. {first}–{source.pages[1]}" in render_answer(answer)
    assert answer.to_json()["passages"][source.number - 1]["last_page_label"] == source.pages[1]


def test_an_index_without_labels_asks_for_a_rebuild(pdf_index, tmp_path):
    """An index of schema 4 (pages without labels) is refused with the rebuild command."""
    clone = tmp_path / "index"
    shutil.copytree(pdf_index[0], clone)
    with sqlite3.connect(current_snapshot(clone) / DATABASE) as db:
        db.execute("ALTER TABLE pages DROP COLUMN label")
    edit_manifest(clone, schema_version=4)
    with pytest.raises(IndexMismatchError) as info:
        open_index(clone)
    message = str(info.value)
    assert "schema 4" in message and f"schema {SCHEMA_VERSION}" in message
    assert f"python -m indexer build --index {clone}" in message


def test_a_word_file_is_cited_by_section_never_by_a_page(tmp_path, encoder):
    """A Word file has no fixed pages (the build says so): no card, citation or line names one."""
    from tests.indexer.formats.test_docx import _word_file

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _word_file(corpus / "oppgave.docx")
    report = build_index(corpus, tmp_path / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    answer = ask(Engine(tmp_path / "index", encoder=encoder), "Hvordan opplever informantene overgangen til et liv uten rus")
    source = answer.sources[0]
    assert source.quote and source.quote.text.startswith("Hvordan opplever") and source.pages is None
    assert source.section == "1.1 Problemstilling" and "s." not in source.citation["apa"]
    assert "s. " not in meta_text(source, "nb") and "· s." not in render_answer(answer)
    assert answer.to_json()["passages"][0]["page_label"] == ""
