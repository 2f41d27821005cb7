"""What the build derives from a thesis text reaches the query side: stored in the snapshot
(theses.derived), carried by the engine's thesis info, used by citations; and a quote keeps the
in-text reference that follows it. On the session index of the real corpus."""
from __future__ import annotations

import sqlite3

from qa.answer import ask
from qa.citation import in_text, reference
from qa.filters import Filters
from store.layout import DATABASE
from store.reader import load_thesis, open_index

THESIS_002 = "002_70b37341d0292a91.txt"
THESIS_001 = "001_5f65321a06df774d.txt"


def _info(engine, doc: str):
    (info,) = [t for t in engine.theses.values() if t.doc == doc]
    return info


def test_the_snapshot_records_the_derived_fields(built_index):
    snapshot = open_index(built_index)
    try:
        stored = load_thesis(snapshot, THESIS_002).thesis
        with sqlite3.connect(snapshot.path / DATABASE) as db:
            (column,) = db.execute("SELECT derived FROM theses WHERE doc = ?", (THESIS_002,)).fetchone()
    finally:
        snapshot.close()
    fields = {d.field: d for d in stored.derived}
    assert {"title", "topic"} <= fields.keys()
    assert fields["topic"].source == "text" and fields["topic"].evidence
    assert fields["topic"].value in column  # JSON, readable as is


def test_engine_thesis_info_carries_derived_fields_and_citations_use_them(engine):
    info = _info(engine, THESIS_002)
    derived = {d.field: d.value for d in info.derived}
    work = info.work
    assert work.title == derived["title"] and work.title_is_derived
    assert work.topic == derived["topic"] and "topic" in work.derived
    assert work.degree == "Bachelor i sosialt arbeid" and "degree" not in work.derived  # the catalog's
    for lang in ("nb", "en"):
        for text in (in_text(work, 19, "apa", lang), reference(work, lang)):
            assert "002_" not in text and f"[{derived['title']}" in text
    assert in_text(work, 19, "apa", "nb").endswith("u.å., s. 19)")
    assert in_text(work, 19, "apa", "en").endswith("n.d., p. 19)")


def test_stated_authors_are_never_replaced(engine):
    work = _info(engine, THESIS_001).work
    assert work.authors == ("Fugletveit, Ragnhild", "Tonholm, Trude")
    assert in_text(work, 3, "norwegian", "nb") == "(Fugletveit og Tonholm, 2010, s. 3)"


def test_an_answer_quote_keeps_the_reference_after_it(engine):
    question = "familien var den viktigste faktoren i bedringsprosessen for personer i naturlig recovery"
    answer = ask(engine, question, 3, Filters.of([THESIS_002], [], []))
    quotes = [quote.text for _, quote in answer.cited]
    assert any(q.endswith("naturlig recovery. (Carballo mfl., 2007, referert i Landheim, 2016).") for q in quotes), quotes
    source = next(s for s in answer.sources if s.quote and "Carballo mfl." in s.quote.text)
    assert source.hit.text[source.quote.start - source.hit.start:source.quote.end - source.hit.start] == source.quote.text
