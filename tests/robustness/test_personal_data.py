"""Personal data end to end: the consent form's e-mail and phone in 003 are masked at indexing,
so they can be neither found nor shown; offsets stay exact on the masked text; a catalog entry
with `keep_personal_data = true` keeps them.
"""
from __future__ import annotations

import json

import pytest

from indexer.build import build_index
from indexer.cleaner import EMAIL_MASK, PHONE_MASK
from analysis.lexical import analyse
from store.reader import load_thesis, open_index
from qa.answer import ask
from qa.engine import Engine
from qa.filters import Filters
from qa.search import search
from tests.robustness.conftest import CONSENT_EMAIL, CONSENT_PHONE, excerpt, make_tiny_corpus

DOC = "003_5d318866ea7f4178.txt"
PERSONAL = (CONSENT_EMAIL, CONSENT_PHONE)
# What someone would type to find them: the whole value, its parts, the label beside it.
LOOKUPS = [CONSENT_EMAIL, CONSENT_PHONE, "guro.wisth.oydgard", "wisth", "stud.uin.no", "995 41 104",
           "Hva er telefonnummeret og e-postadressen til Guro Øydgard?", "Telefon Mail kontakt"]


def test_the_source_file_holds_them():
    source = excerpt(DOC).decode("utf-8")
    assert f"Telefon: {CONSENT_PHONE}" in source and f"Mail: {CONSENT_EMAIL}" in source


def test_index_holds_only_the_masks(tiny_built):
    with open_index(tiny_built[1]) as snap:
        assert snap.manifest["theses"][DOC]["masked"] is True
        for table in ("theses", "passages", "sentences"):
            for value in PERSONAL:
                assert not snap.query(f"SELECT id FROM {table} WHERE text LIKE ?", (f"%{value}%",)), (table, value)
        (row,) = snap.query("SELECT text FROM theses WHERE doc = ?", (DOC,))
    assert f"Telefon: {PHONE_MASK} Mail: {EMAIL_MASK}" in row["text"]


def test_bm25_vocabulary_has_no_trace_of_them(tiny_engine):
    vocabulary = tiny_engine.lexical.bm25.vocab_dict
    for term in {*analyse(CONSENT_EMAIL), *analyse(CONSENT_PHONE)} - {*analyse("Guro Øydgard stud uin no")}:
        assert term not in vocabulary, term


@pytest.mark.parametrize("query", LOOKUPS)
def test_no_search_finds_a_passage_containing_them(tiny_engine, query):
    for method in ("lexical", "dense", "hybrid"):
        for filters in (None, Filters.of(theses=[DOC], parts=["appendix"])):
            for hit in search(tiny_engine, query, k=10, filters=filters, method=method):
                assert not any(value in hit.text for value in PERSONAL), (method, hit.text)


@pytest.mark.parametrize("query", LOOKUPS[-2:])
def test_answers_never_show_them(tiny_engine, query):
    """Not in the answer, its sources, quotes and citations, the batch line or the app's HTML."""
    from qa.render import render_answer

    answer = ask(tiny_engine, query, k=10, filters=Filters.of(theses=[DOC]))
    assert any(EMAIL_MASK in s.hit.text or PHONE_MASK in s.hit.text for s in answer.sources), \
        "the consent form passage is among the sources (masked)"
    shown = [json.dumps(answer.to_json(), ensure_ascii=False), render_answer(answer)]
    try:
        from ui import render

        shown += [render.answer_html(answer), *(render.card_html(s, "nb") for s in answer.sources)]
    except ImportError:  # the app's renderer is optional here
        pass
    for text in shown:
        assert not any(value in text for value in PERSONAL)


def test_offsets_are_exact_on_the_masked_text(tiny_built):
    source = excerpt(DOC).decode("utf-8")
    with open_index(tiny_built[1]) as snap:
        thesis = load_thesis(snap, DOC).thesis
    text = thesis.text
    for item in [*thesis.passages, *thesis.sentences, *thesis.sections]:
        if hasattr(item, "text"):
            assert text[item.start:item.end] == item.text
    phone_at, email_at = text.index(PHONE_MASK), text.index(EMAIL_MASK)
    # a mask maps back to where the value starts in the file, and the text after it lines up again
    assert thesis.source.to_source(phone_at) == source.index(CONSENT_PHONE)
    assert thesis.source.to_source(email_at) == source.index(CONSENT_EMAIL)
    after = text.index("Mail:", phone_at)
    assert source[thesis.source.to_source(after):].startswith("Mail:")
    masked_sentences = [s for s in thesis.sentences if PHONE_MASK in s.text or EMAIL_MASK in s.text]
    assert masked_sentences and all(text[s.start:s.end] == s.text for s in masked_sentences)


def test_keep_personal_data_true_keeps_them(tmp_path, encoder):
    catalog = f'["{DOC}"]\nauthors = ["Øydgard, Guro"]\nkeep_personal_data = true\n'
    corpus = make_tiny_corpus(tmp_path / "corpus", [DOC], catalog=catalog)
    report = build_index(corpus, tmp_path / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    with open_index(tmp_path / "index") as snap:
        assert snap.manifest["theses"][DOC]["masked"] is False
        thesis = load_thesis(snap, DOC).thesis
    assert f"Telefon: {CONSENT_PHONE}" in thesis.text and f"Mail: {CONSENT_EMAIL}" in thesis.text
    assert all(thesis.text[p.start:p.end] == p.text for p in thesis.passages)
    engine = Engine(tmp_path / "index", encoder=encoder)
    try:
        for query in (CONSENT_PHONE, CONSENT_EMAIL):
            hits = search(engine, query, k=3, method="lexical")
            assert hits and query in hits[0].text
    finally:
        engine.close()
