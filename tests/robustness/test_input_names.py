"""Issue 22, class 7: input that used to be handled wrongly without a word.

`070_THESIS.TXT` is indexed (not skipped, and not reported as removed); a file name written in
NFD matches its NFC catalog key; names with a newline or a right-to-left override are refused
and shown escaped; 100 000 lines of `1` are refused as junk with a message; zero-width
characters inside words are removed from the clean text (offsets still map to the file) and
from questions, so BM25 matches the word. (Form-feed page breaks: the PDF helper's work.)
"""
from __future__ import annotations

import unicodedata

import pytest

from indexer.build import build_index
from analysis.lexical import analyse
from store.reader import load_thesis, open_index
from qa.engine import Engine
from qa.search import search
from tests.robustness.conftest import FakeEncoder, prose
from tests.robustness.test_bad_corpus import dump

NFD_NAME = unicodedata.normalize("NFD", "071_åpen_oppgåve.txt")
NFC_NAME = unicodedata.normalize("NFC", NFD_NAME)
SPOOFED = {"072_linje\nskift.txt": "072_linje\\nskift.txt", "073_evil\u202etxt.exe.txt": "073_evil\\u202etxt.exe.txt",
           "076_skjult\u200btegn.txt": "076_skjult\\u200btegn.txt"}
ZW_SOURCE = "Hun fikk beh\u200bandling i ett\u00adervern og opp\u2060følging etter utskrivning\ufeff fra institusjonen. "


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "070_THESIS.TXT").write_text(dump(prose(1500, seed=70)), encoding="utf-8")
    (corpus / NFD_NAME).write_text(dump(prose(1500, seed=71)), encoding="utf-8")
    for n, name in enumerate(SPOOFED):
        (corpus / name).write_text(dump(prose(1500, seed=72 + n)), encoding="utf-8")
    (corpus / "074_ones.txt").write_text("Innledning\n\nDette er en kort tekst om rus.\n\n" + "1\n" * 100_000)
    (corpus / "075_zw.txt").write_text(dump(ZW_SOURCE + prose(1500, seed=75)), encoding="utf-8")
    (corpus / "catalog.toml").write_text(f'["{NFC_NAME}"]\ntitle = "Åpen oppgåve"\nyear = 2020\n', encoding="utf-8")
    report = build_index(corpus, root / "index", encoder=FakeEncoder(), progress=False)
    return corpus, root / "index", report


def test_upper_case_extension_is_indexed(built):
    _, index, report = built
    with open_index(index) as snap:
        assert "070_THESIS.TXT" in snap.manifest["theses"]
    assert report.removed == 0


def test_nfd_file_name_gets_its_nfc_catalog_entry(built):
    _, index, report = built
    with open_index(index) as snap:
        (row,) = snap.query("SELECT title, year FROM theses WHERE doc = ?", (NFD_NAME,))
    assert (row["title"], row["year"]) == ("Åpen oppgåve", 2020)
    assert not any("describes files not in" in note for note in report.notes), report.notes


@pytest.mark.parametrize("name", SPOOFED)
def test_names_with_control_or_invisible_characters_are_refused_and_shown_escaped(built, name):
    _, index, report = built
    with open_index(index) as snap:
        assert name not in snap.manifest["theses"]
    messages = [msg for doc, msg in report.problems if SPOOFED[name] in msg]
    assert len(messages) == 1 and "refused" in messages[0]
    summary = report.summary()
    assert SPOOFED[name] in summary and name not in summary
    assert not {"\n", "\u202e", "\u200b"} & set("".join(msg for _, msg in report.problems))


def test_a_hundred_thousand_lines_of_1_are_refused_as_junk(built):
    _, index, report = built
    (message,) = [msg for doc, msg in report.problems if doc == "074_ones.txt"]
    assert "letters" in message and "not running text" in message
    with open_index(index) as snap:
        assert "074_ones.txt" not in snap.manifest["theses"]
        assert len(snap.manifest["theses"]) == 3 and report.exit_code == 0


def test_zero_width_characters_inside_words_are_removed_with_offsets_kept(built):
    corpus, index, _ = built
    source = (corpus / "075_zw.txt").read_text(encoding="utf-8")
    with open_index(index) as snap:
        thesis = load_thesis(snap, "075_zw.txt").thesis
    expected = "Hun fikk behandling i ettervern og oppfølging etter utskrivning fra institusjonen."
    assert thesis.text.startswith(expected)
    assert not set("\u200b\u00ad\u2060\ufeff") & set(thesis.text)
    for word in ("behandling", "ettervern", "oppfølging"):
        at = thesis.text.index(word)
        assert source[thesis.source.to_source(at):].startswith(word[:3])
        last = thesis.text.index(word) + len(word) - 1
        assert source[thesis.source.to_source(last)] == word[-1]
    assert all(thesis.text[p.start:p.end] == p.text for p in thesis.passages)


@pytest.mark.parametrize("query", ["behandling ettervern oppfølging", "beh\u200bandling ett\u00adervern opp\u2060følging"])
def test_bm25_matches_words_that_held_zero_width_characters(built, query):
    _, index, _ = built
    assert analyse(query) == analyse("behandling ettervern oppfølging")
    engine = Engine(index, encoder=FakeEncoder())
    try:
        hits = search(engine, query, k=3, method="lexical")
    finally:
        engine.close()
    assert hits and hits[0].doc == "075_zw.txt" and "behandling i ettervern" in hits[0].text
