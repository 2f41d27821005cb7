"""Parsing the real corpus: offsets, sections, pages, language and passage budget.

The expected headings and page numbers come from `expected_corpus.py`, written by reading the
files, not by running the parser.
"""
from pathlib import Path

import pytest

from store.records import Thesis
from indexer.thesis import DEFAULT_TOKEN_BUDGET, parse_thesis
from models.tokens import passage_token_counter
from tests.indexer.expected_corpus import (
    ENGLISH_ABSTRACT_SNIPPETS,
    EXPECTED_HEADINGS,
    NOT_HEADINGS,
    PAGE_CHECKS,
    PERSONAL_DATA,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DOCS = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def theses() -> dict[str, Thesis]:
    count = passage_token_counter()
    return {doc: parse_thesis(CORPUS / doc, count_tokens=count) for doc in DOCS}


def find(thesis: Thesis, snippet: str) -> int:
    offset = thesis.text.find(" ".join(snippet.split()))
    assert offset >= 0, f"{snippet!r} not in the clean text of {thesis.doc}"
    return offset


def test_the_corpus_has_five_theses():
    assert len(DOCS) == 5 and set(DOCS) == set(EXPECTED_HEADINGS)


@pytest.mark.parametrize("doc", DOCS)
def test_offsets_hold_for_every_sentence_and_passage(theses, doc):
    thesis = theses[doc]
    for span in thesis.sentences + thesis.passages:
        assert span.text and thesis.text[span.start : span.end] == span.text
    for section in thesis.sections:
        assert section.start <= section.content_start <= section.end <= len(thesis.text)


@pytest.mark.parametrize("doc", DOCS)
def test_cleaning_is_deterministic(theses, doc):
    again = parse_thesis(CORPUS / doc, count_tokens=passage_token_counter())
    assert again.text.encode() == theses[doc].text.encode()
    assert [(p.start, p.end) for p in again.passages] == [(p.start, p.end) for p in theses[doc].passages]


@pytest.mark.parametrize("doc", DOCS)
def test_clean_text_maps_back_to_the_source(theses, doc):
    source = (CORPUS / doc).read_text(encoding="utf-8")
    thesis = theses[doc]
    for sentence in thesis.sentences[::7]:
        for i in (sentence.start, sentence.end - 1):
            ch = thesis.text[i]
            if ch not in "[]":  # masked personal data maps to where it started
                assert source[thesis.source.to_source(i)] == ch


@pytest.mark.parametrize("doc", DOCS)
def test_numbered_headings_match_the_files(theses, doc):
    expected = [(n, t) for n, t in EXPECTED_HEADINGS[doc]]
    found = [(s.number, s.title) for s in theses[doc].sections if s.number or s.title]
    numbered = lambda pairs: [(n, " ".join(t.split())) for n, t in pairs if n]
    assert numbered(found) == numbered(expected)
    for name in ("Forord", "Sammendrag", "Abstract"):
        assert ((("", name) in expected) == (("", name) in found)), name


@pytest.mark.parametrize("doc", DOCS)
def test_lookalikes_are_not_headings(theses, doc):
    titles = {s.label for s in theses[doc].sections} | {s.title for s in theses[doc].sections}
    for line in NOT_HEADINGS.get(doc, []):
        assert " ".join(line.split()) not in titles


@pytest.mark.parametrize("doc", DOCS)
def test_section_tree_and_parts(theses, doc):
    sections = theses[doc].sections
    for s in sections:
        if s.parent is not None:
            assert sections[s.parent].level < s.level and sections[s.parent].start < s.start
    parts = [s.part for s in sections]
    order = {"front": 0, "body": 1, "appendix": 2}
    assert parts == sorted(parts, key=order.get), "parts run front → body → appendix"
    assert all(s.part == "front" for s in sections if s.title in ("Forord", "Sammendrag", "Abstract"))
    assert all(s.part == "appendix" for s in sections if s.number.startswith("Vedlegg"))


@pytest.mark.parametrize("doc", DOCS)
def test_pages_at_known_places(theses, doc):
    thesis = theses[doc]
    checks = PAGE_CHECKS[doc]
    assert len(checks) >= 3
    for snippet, page in checks:
        assert thesis.page_at(find(thesis, snippet)).number == page, snippet


def test_a_page_before_the_printed_numbering_is_cited_in_brackets(theses):
    # 000's first page (Sammendrag, Abstract) prints no number, and the next one prints 1: citing
    # both as "s. 1" would send a reader to the wrong page.
    pages_doc = "000_56c92893e0805444.txt"
    pages = theses[pages_doc].pages
    assert [p.printed for p in pages[:3]] == ["[1]", "1", "2"]
    # The others print a number from their first page on (or take one counted from it).
    assert {doc for doc, t in theses.items() if any(p.printed.startswith("[") for p in t.pages)} == {pages_doc}


@pytest.mark.parametrize("doc", DOCS)
def test_languages(theses, doc):
    thesis = theses[doc]
    if doc in ENGLISH_ABSTRACT_SNIPPETS:
        offset = find(thesis, ENGLISH_ABSTRACT_SNIPPETS[doc])
        assert [p.language for p in thesis.passages if p.start <= offset < p.end] == ["en"]
    body = [p for p in thesis.passages if p.part == "body"]
    assert sum(p.language == "no" for p in body) >= 0.97 * len(body)


@pytest.mark.parametrize("doc", DOCS)
def test_passages_stay_in_their_section_and_budget(theses, doc):
    thesis = theses[doc]
    count = passage_token_counter()
    for p in thesis.passages:
        section = thesis.sections[p.section]
        assert section.content_start <= p.start < p.end <= section.end
        assert p.text.strip() and p.n_tokens == count(p.text) <= DEFAULT_TOKEN_BUDGET
        assert thesis.page_at(p.start).number == p.page_start


@pytest.mark.parametrize("doc", DOCS)
def test_consecutive_passages_overlap_by_at_most_two_sentences(theses, doc):
    passages = theses[doc].passages
    for a, b in zip(passages, passages[1:]):
        if a.section == b.section:
            assert 0 <= a.last_sentence - b.first_sentence + 1 <= 2


@pytest.mark.parametrize("doc", DOCS)
def test_personal_data_is_masked(theses, doc):
    for item in PERSONAL_DATA.get(doc, []):
        assert item not in theses[doc].text
