"""The store interface on both backends (store.backends): the embedded snapshot folder and
PostgreSQL (the bundled server of `pg_uri`, one fresh database per test).

Real builds of the tiny corpus with the real encoder: the session's build (`tiny_built`), then
in each test a copy of it and the builds the test makes (only changed theses are embedded). The
PostgreSQL store gets each build's snapshot published, as `indexer build --store` does. Each
test runs once per backend where it applies.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import qa
from indexer.__main__ import main as indexer_main
from indexer.build import build_index
from qa.__main__ import main as qa_main
from qa.answer import ask
from qa.engine import Engine
from qa.params import DEFAULT
from qa.search import search
from store import reader
from store.backends import parse_store
from store import pgstore
from store.errors import IndexMismatchError, IndexMissingError, StoreError
from store.layout import MANIFEST, PASSAGE_VECTORS, TOKEN_VECTORS, current_snapshot
from store.manifest import SCHEMA_VERSION
from store.pgstore import KEEP_PREVIOUS, PgSnapshot, connect, live_schema, publish
from tests.robustness.conftest import EXCERPTS, QUESTIONS
from tests.stores import BACKENDS, Store, new_database

REPO = Path(__file__).resolve().parents[2]
CHANGED = "004_d1b033983cbf4306.txt"
DENSE = replace(DEFAULT, exhaustive_up_to=0, pool=8)  # candidates from the dense (HNSW) and BM25 indexes (24 passages)


@pytest.fixture(scope="module")
def tiny(tiny_built) -> tuple[Path, Path]:
    """The session's tiny corpus and its index (each Store works on a copy)."""
    return tiny_built


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, encoder, pg_uri, tiny) -> Store:
    return Store(request.param, tmp_path, pg_uri, encoder, tiny)


@pytest.fixture(scope="module")
def both(tmp_path_factory, encoder, pg_uri, tiny) -> tuple[Engine, Engine]:
    """The module's build read from both backends: (embedded engine, PostgreSQL engine)."""
    store = Store("postgresql", tmp_path_factory.mktemp("both"), pg_uri, encoder, tiny)
    return Engine(store.staging, encoder=encoder), store.engine()


def _hits(engine: Engine, question: str, filters, params=DEFAULT) -> list[tuple[int, float]]:
    return [(h.passage_id, round(h.score, 5)) for h in search(engine, question, 10, qa.Filters.of(**filters or {}),
                                                             params=params)]


def test_both_backends_give_the_same_hits_and_answers(both):
    embedded, pg = both
    assert type(pg.snapshot).__name__ == "PgSnapshot" and pg.docs == embedded.docs
    for question, filters in QUESTIONS:
        assert _hits(pg, question, filters) == _hits(embedded, question, filters), question
        chosen = qa.Filters.of(**filters or {})
        a, b = ask(embedded, question, 5, chosen), ask(pg, question, 5, chosen)
        assert json.dumps(b.to_json(), sort_keys=True) == json.dumps(a.to_json(), sort_keys=True), question


def test_dense_candidates_from_hnsw_match_exact_search(both):
    """With the exhaustive shortcut off, PostgreSQL's candidates come from its HNSW index; at this
    size they are the exact ones, so the hits are those of the embedded store's exact FAISS index."""
    embedded, pg = both
    same = sum(_hits(pg, q, f, DENSE) == _hits(embedded, q, f, DENSE) for q, f in QUESTIONS)
    assert same == len(QUESTIONS)
    (index,) = pg.snapshot.query("SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ? "
                                 "AND indexdef LIKE ?", (pg.snapshot.schema, "passage_vectors", "%hnsw%"))
    assert "vector_ip_ops" in index["indexdef"]


def test_every_reader_query_gives_the_same_rows_on_both_backends(both):
    """store.reader's functions (the app's thesis and corpus views use them) on both backends."""
    embedded, pg = both
    for name in ("passages", "sentences", "sections"):
        assert reader.per_thesis_counts(pg.snapshot, name) == reader.per_thesis_counts(embedded.snapshot, name)
    for call in (reader.page_counts, reader.language_mix, reader.passage_languages):
        assert call(pg.snapshot) == call(embedded.snapshot), call.__name__
    for thesis_id, thesis in embedded.theses.items():
        for call in (reader.thesis_pages, reader.table_of_contents):
            assert call(pg.snapshot, thesis_id) == call(embedded.snapshot, thesis_id), call.__name__
        a, b = reader.load_thesis(pg.snapshot, thesis.doc), reader.load_thesis(embedded.snapshot, thesis.doc)
        assert a.thesis == b.thesis
        assert a.windows == b.windows and len(a.windows) > 0
        for mine, theirs in ((a.passage_vectors, b.passage_vectors), (a.sentence_vectors, b.sentence_vectors),
                             (a.window_vectors, b.window_vectors), *zip(a.tokens, b.tokens)):
            assert np.array_equal(mine, theirs)
        assert a.tokens.vectors.dtype == np.float32 and len(a.tokens.ids) > 0
        ids = [int(i) for i in embedded.passage_ids[embedded.p_thesis == thesis_id][1:3]]
        assert reader.neighbours(pg.snapshot, thesis_id, ids) == reader.neighbours(embedded.snapshot, thesis_id, ids)


def test_readers_see_the_old_or_the_new_corpus_whole(store):
    corpus = store.corpus
    old = store.engine()
    (corpus / CHANGED).unlink()
    report = store.build(corpus)
    assert report.removed == 1 and report.reembedded == 0
    assert not old.is_current
    # The old reader still reads its snapshot whole: all three theses, texts and all.
    assert len(old.docs) == 3 and CHANGED in old.docs
    (row,) = old.snapshot.query("SELECT COUNT(*) AS n FROM theses")
    assert row["n"] == 3 and all(old.thesis_text(t) for t in old.theses)
    new = qa.load(store.value, encoder=store.encoder)
    assert new.is_current and sorted(new.docs) == sorted(set(EXCERPTS) - {CHANGED})
    assert search(new, "ettervern", 5)


def test_an_update_reembeds_only_the_changed_thesis(store):
    corpus = store.corpus
    (corpus / CHANGED).write_text((corpus / CHANGED).read_text(encoding="utf-8") + "\nOppdatert: ettervern.\n",
                                  encoding="utf-8")
    report = store.build(corpus)
    assert (report.reembedded, report.unchanged) == (1, 2)
    engine = store.engine()
    (thesis_id,) = [t.id for t in engine.theses.values() if t.doc == CHANGED]
    assert engine.thesis_text(thesis_id).rstrip().endswith("Oppdatert: ettervern.")


def test_a_failed_build_leaves_the_live_snapshot_untouched(store):
    corpus = store.corpus
    before = store.engine()
    (corpus / CHANGED).write_text("Ny tekst.\n" * 50, encoding="utf-8")

    class Failing:  # the real encoder until it is asked to embed, then a crash mid-build
        def __getattr__(self, name):
            return getattr(store.encoder, name)

        def encode_passages(self, texts):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, store.staging, encoder=Failing(), progress=False)
    assert before.is_current
    after = store.engine()
    assert after.docs == before.docs and after.snapshot.manifest == before.snapshot.manifest


def test_a_failed_publish_leaves_postgresql_untouched(tmp_path, encoder, pg_uri, tiny):
    store = Store("postgresql", tmp_path, pg_uri, encoder, tiny)
    corpus = store.corpus
    conn = connect(store.value)
    live = live_schema(conn)
    (corpus / CHANGED).unlink()
    report = build_index(corpus, store.staging, encoder=encoder, progress=False)
    broken = tmp_path / "broken"
    shutil.copytree(report.snapshot, broken)
    (broken / PASSAGE_VECTORS).write_bytes(b"\x93NUMPY garbage")
    with pytest.raises((StoreError, ValueError, OSError)):
        publish(broken, store.value)
    assert live_schema(conn) == live
    schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'snap_%'")}
    assert schemas == {live}  # the half-written schema was rolled back with its transaction
    conn.close()


def test_the_reader_cache_keeps_only_the_snapshots_the_database_still_has(tmp_path, encoder, pg_uri, tiny):
    """Each schema a reader opens is cached on disk; those `publish` has dropped are removed."""
    store = Store("postgresql", tmp_path, pg_uri, encoder, tiny)
    cache, changed = tmp_path / "cache", store.corpus / CHANGED
    for n in range(3):
        PgSnapshot(store.value, vectors=False, cache=cache).close()
        changed.write_text(changed.read_text(encoding="utf-8") + f"\nOppdatert {n}.\n", encoding="utf-8")
        store.build(store.corpus)
    PgSnapshot(store.value, vectors=False, cache=cache).close()
    conn = connect(store.value)
    schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'snap_%'")}
    conn.close()
    (database,) = cache.iterdir()
    assert len(schemas) == 1 + KEEP_PREVIOUS
    assert {folder.name for folder in database.iterdir()} == schemas  # 4 snapshots opened, 2 kept


def test_files_are_published_and_read_back_in_parts(tmp_path, tiny, pg_uri, monkeypatch):
    """Every snapshot file goes into `files` in parts of at most FILE_PART_BYTES and comes back whole."""
    monkeypatch.setattr(pgstore, "FILE_PART_BYTES", 4096)
    snapshot, uri = current_snapshot(tiny[1]), new_database(pg_uri)
    publish(snapshot, uri)
    conn = connect(uri)
    rows = conn.execute(f"SELECT name, count(*), max(length(data)) FROM {live_schema(conn)}.files GROUP BY name").fetchall()
    conn.close()
    parts = {name: (count, longest) for name, count, longest in rows}
    tokens = (snapshot / TOKEN_VECTORS).stat().st_size
    assert parts[TOKEN_VECTORS] == (-(-tokens // 4096), 4096) and tokens > 10 * 4096
    read = PgSnapshot(uri, vectors=True, cache=tmp_path / "cache")
    try:
        for name in parts:
            if name != MANIFEST:
                assert (read.path / name).read_bytes() == (snapshot / name).read_bytes(), name
        assert np.array_equal(read.token_vectors, np.load(snapshot / TOKEN_VECTORS))
    finally:
        read.close()


def test_a_store_of_another_schema_says_to_rebuild_it(tmp_path, tiny, pg_uri):
    older = tmp_path / current_snapshot(tiny[1]).name
    shutil.copytree(current_snapshot(tiny[1]), older)
    manifest = json.loads((older / MANIFEST).read_text(encoding="utf-8"))
    (older / MANIFEST).write_text(json.dumps({**manifest, "schema_version": SCHEMA_VERSION - 1}), encoding="utf-8")
    uri = new_database(pg_uri)
    publish(older, uri)
    with pytest.raises(IndexMismatchError, match=f"schema {SCHEMA_VERSION - 1}.*indexer build --store"):
        PgSnapshot(uri, cache=tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.npy"))


def test_bad_store_values_are_refused_with_a_message(tmp_path, pg_uri, capsys):
    for value, message in (("", "empty"), ("ftp://host/x", "Unknown store"), ("pgserver:", "needs a folder")):
        with pytest.raises(StoreError, match=message):
            parse_store(value)
    with pytest.raises(StoreError, match="Cannot put a PostgreSQL server"):
        parse_store(f"pgserver:{tmp_path}/missing/data")
    with pytest.raises(IndexMissingError, match="No index in the PostgreSQL store"):
        Engine(new_database(pg_uri))
    unreachable = "postgresql://nobody:secret@127.0.0.1:1/none"
    assert qa_main(["ask", "recovery", "--store", unreachable]) == 2
    err = capsys.readouterr().err
    assert "Cannot open the PostgreSQL store" in err and "secret" not in err and "Traceback" not in err
    assert indexer_main(["build", "--corpus", str(tmp_path), "--store", "ftp://x"]) == 2
    assert "Unknown store" in capsys.readouterr().err


SERVER = """
import json, sys
import qa
from qa.answer import ask
for line in sys.stdin:
    engine = qa.load(sys.argv[1])
    answer = ask(engine, line.strip(), 5)
    print(json.dumps({"docs": sorted(engine.docs), "answer": answer.to_json()}, sort_keys=True), flush=True)
"""


def test_two_processes_on_one_store_answer_alike_and_both_see_a_new_snapshot(tmp_path, encoder, pg_uri, tiny):
    store = Store("postgresql", tmp_path, pg_uri, encoder, tiny)
    corpus = store.corpus
    servers = [subprocess.Popen([sys.executable, "-c", SERVER, store.value], cwd=REPO, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(2)]
    try:
        def asked(question: str) -> list[dict]:
            for server in servers:
                server.stdin.write(question + "\n")
                server.stdin.flush()
            return [json.loads(server.stdout.readline()) for server in servers]

        first = asked(QUESTIONS[0][0])
        assert first[0] == first[1] and len(first[0]["docs"]) == 3
        (corpus / CHANGED).unlink()
        store.build(corpus)
        second = asked(QUESTIONS[0][0])
        assert second[0] == second[1] and second[0]["docs"] == sorted(set(EXCERPTS) - {CHANGED})
    finally:
        for server in servers:
            server.stdin.close()
            server.wait(timeout=60)
