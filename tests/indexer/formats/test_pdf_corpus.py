"""The five corpus theses as real-world-shaped PDFs index like their text files, with printed pages."""
from __future__ import annotations

import re

import pytest

from bench.pdfgen import roman, write_pdf
from indexer.formats import read_source
from tests.indexer.formats.conftest import DOCS


def _norm(text: str) -> str:
    return " ".join(text.split())


def _squash(text: str) -> str:
    """Text without white space and hyphens, to find a passage's start in a page's drawn lines."""
    return re.sub(r"[\s\-]", "", text)


def _tree(thesis):
    return [(s.number, s.title, s.level, s.parent, s.part) for s in thesis.sections]


@pytest.mark.parametrize("stem", DOCS)
def test_text_equals_the_text_file(corpus_pdfs, stem):
    pdf = corpus_pdfs[stem]
    assert _norm(pdf.from_pdf.text) == _norm(pdf.from_text.text)


@pytest.mark.parametrize("stem", DOCS)
def test_same_section_tree_from_the_outline(corpus_pdfs, stem):
    pdf = corpus_pdfs[stem]
    assert pdf.spec.outline, "the generated PDF has bookmarks"
    assert read_source(pdf.path).outline
    assert not [w for w in pdf.from_pdf.warnings if "outline" in w]
    assert _tree(pdf.from_pdf) == _tree(pdf.from_text)


@pytest.mark.parametrize("stem", DOCS)
def test_same_passages(corpus_pdfs, stem):
    pdf = corpus_pdfs[stem]
    got = [(_norm(p.text), p.section, p.part) for p in pdf.from_pdf.passages]
    want = [(_norm(p.text), p.section, p.part) for p in pdf.from_text.passages]
    assert got == want
    assert [_norm(s.text) for s in pdf.from_pdf.sentences] == [_norm(s.text) for s in pdf.from_text.sentences]


@pytest.mark.parametrize("stem", DOCS)
def test_every_quote_cites_the_printed_page(corpus_pdfs, stem):
    """Each sentence (the unit quoted) starts on the page whose printed label it is cited with."""
    pdf = corpus_pdfs[stem]
    drawn = {page.label: _squash(" ".join(line for line in page.lines if line)) for page in pdf.spec.pages}
    thesis = pdf.from_pdf
    wrong = []
    for sentence in thesis.sentences:
        label = thesis.page_at(sentence.start).printed
        start = _squash(sentence.text)[:24]
        page = drawn[label]  # the sentence starts there, possibly in the page's last words
        if start not in page and not any(page.endswith(start[:n]) for n in range(2, len(start))):
            wrong.append((label, sentence.text[:60]))
    assert not wrong, wrong[:5]
    cited = {thesis.page_at(s.start).printed for s in thesis.sentences}
    assert len(cited) > len(pdf.spec.pages) // 2


def test_front_matter_pages_are_roman_and_inspect_shows_both(corpus_pdfs):
    from indexer.inspect import describe

    thesis = corpus_pdfs[DOCS[1]].from_pdf
    spec = corpus_pdfs[DOCS[1]].spec
    assert spec.front_pages >= 1
    labels = [(p.physical, p.label) for p in thesis.pages]
    assert labels[0] == (1, "i")
    assert (spec.front_pages + 1, "1") in labels
    assert all(p.number == int(p.label) for p in thesis.pages if p.label.isdigit())
    out = describe(thesis)
    assert "pages (printed/physical): i" in out
    assert f"1-{len(spec.pages) - spec.front_pages}/{spec.front_pages + 1}-{len(spec.pages)}" in out


def test_roman_footers_number_the_front_matter_without_page_labels(tmp_path, count_tokens, corpus_pdfs):
    """A PDF that declares no /PageLabels (Word's export) is cited by the numbers its footers print."""
    from dataclasses import replace

    from indexer.thesis import parse_thesis

    pdf = corpus_pdfs[DOCS[1]]
    path = write_pdf(replace(pdf.spec, page_labels=False), tmp_path / "uten-sidenummerering.pdf")
    assert b"/PageLabels" not in path.read_bytes()
    thesis = parse_thesis(path, count_tokens=count_tokens)
    labels = [p.label for p in thesis.pages]
    assert labels[0] == "[1]"  # the title page prints no number
    assert labels[1 : pdf.spec.front_pages] == [roman(n) for n in range(2, pdf.spec.front_pages + 1)]
    assert labels[1:] == [p.label for p in pdf.from_pdf.pages][1:]


def test_running_header_footer_and_page_numbers_removed(corpus_pdfs):
    for pdf in corpus_pdfs.values():
        assert "Masteroppgave i sosialt arbeid" not in pdf.from_pdf.text
        source = read_source(pdf.path).text
        assert source.count("Masteroppgave i sosialt arbeid") == len(pdf.spec.pages) - 1


def test_split_words_are_joined(corpus_pdfs):
    """Words the generator hyphenated at line ends come back whole, hyphen dropped."""
    split = [(pdf, word) for pdf in corpus_pdfs.values() for word in pdf.spec.split_words]
    assert len(split) > 50
    for pdf, word in split:
        assert word in pdf.from_pdf.text, word
        assert f"{word[: len(word) // 2]}-{word[len(word) // 2:]}" not in pdf.from_pdf.text


def test_a_form_feed_text_dump_gets_pages_as_pdftotext_writes_them(tmp_path, count_tokens, corpus_pdfs):
    """The PDF's text written as pdftotext does (pages ended by a form feed) parses the same."""
    from indexer.thesis import parse_thesis

    pdf = corpus_pdfs[DOCS[0]]
    text = read_source(pdf.path).text.replace("\f", "\n\f")
    path = tmp_path / "dump.txt"
    path.write_text(text, encoding="utf-8")
    thesis = parse_thesis(path, count_tokens=count_tokens)
    assert len(thesis.pages) == len(pdf.spec.pages)
    assert [p.printed for p in thesis.pages][1:] == [p.label for p in pdf.spec.pages][1:]
    assert [_norm(p.text) for p in thesis.passages] == [_norm(p.text) for p in pdf.from_text.passages]
