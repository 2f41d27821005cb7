"""Robustness on both store backends: a killed build and readers during a rebuild.

Each test runs once on the embedded snapshot folder and once on PostgreSQL (a fresh database on
the session's `pgserver`, fed by `indexer build --store`), with the real encoder, except the kill
points inside PostgreSQL's publish transaction, which only that backend has. After a failure the
live corpus answers exactly as before and the next build succeeds; readers during a rebuild see
the old or the new corpus whole.
"""
from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from store.layout import SNAPSHOTS, TMP_PREFIX
from store.pgstore import LIVE_TABLE, connect, live_schema
from tests.robustness.conftest import CLI_ENV, QUESTIONS, REPO, count_snapshot, fingerprint, results, while_running
from tests.stores import BACKENDS, Store

CHANGED = "004_d1b033983cbf4306.txt"
APPENDED = ("\n\nEt nytt avsnitt om kaffekopper og syklubber i Bodø, lagt til mens noen søker i indeksen. "
            "Det skal bare finnes i den nye indeksen.\n\n")
CALLS = [(kind, q, f) for q, f in QUESTIONS[:4] for kind in ("search", "ask")]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, pg_uri, encoder, tiny_built) -> Store:
    return Store(request.param, tmp_path, pg_uri, encoder, tiny_built)


def live_state(store: Store) -> object:
    """What must not change when a build fails: the embedded snapshot's files, or PostgreSQL's
    live pointer and its snapshot schemas."""
    if store.kind == "embedded":
        return fingerprint(store.staging)
    with connect(store.value) as conn:
        schemas = sorted(r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'snap_%'"))
        return live_schema(conn), schemas


def answers(store: Store) -> list[tuple]:
    engine = store.engine()
    try:
        return results(engine, CALLS)
    finally:
        engine.close()


def change_a_thesis(store: Store) -> None:
    path = store.corpus / CHANGED
    path.write_bytes(path.read_bytes() + APPENDED.encode("utf-8"))


def test_a_killed_build_process_leaves_the_live_store_untouched(store):
    """`python -m indexer build [--store …]` SIGKILLed while it writes its new snapshot."""
    before, expected = live_state(store), answers(store)
    change_a_thesis(store)
    process = subprocess.Popen([sys.executable, "-m", *store.build_command()], cwd=REPO, env=CLI_ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while not list((store.staging / SNAPSHOTS).glob(f"{TMP_PREFIX}*")):
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no temporary snapshot appeared"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # at once: the changed thesis is embedded in about a second
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert live_state(store) == before and answers(store) == expected
    store.build(store.corpus)
    assert live_state(store) != before
    engine = store.engine()
    assert any("kaffekopper" in engine.thesis_text(t) for t in engine.theses)


# A process that publishes a new snapshot to PostgreSQL and SIGKILLs itself right after the
# statement of the publish transaction that contains argv[3].
PUBLISH_AND_DIE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import psycopg
    from store.pgstore import publish
    snapshot, uri, point = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    real = psycopg.Connection.execute

    def execute(self, query, *args, **kwargs):
        out = real(self, query, *args, **kwargs)
        if point in str(query):
            os.kill(os.getpid(), signal.SIGKILL)
        return out

    psycopg.Connection.execute = execute
    publish(snapshot, uri)
    print("not killed")
""")
# The new schema, the first table copied, the HNSW index built, the live pointer switched (not committed).
PUBLISH_POINTS = ["CREATE SCHEMA", "ADD PRIMARY KEY", "USING hnsw", f"INSERT INTO {LIVE_TABLE}"]


@pytest.mark.parametrize("point", PUBLISH_POINTS)
def test_a_publish_killed_inside_its_transaction_leaves_postgresql_untouched(tmp_path, pg_uri, encoder,
                                                                             tiny_built, point):
    from indexer.build import build_index

    store = Store("postgresql", tmp_path, pg_uri, encoder, tiny_built)
    before, expected = live_state(store), answers(store)
    change_a_thesis(store)
    report = build_index(store.corpus, store.staging, encoder=encoder, progress=False)
    killed = subprocess.run([sys.executable, "-c", PUBLISH_AND_DIE, str(report.snapshot), store.value, point],
                            cwd=REPO, env=CLI_ENV, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert live_state(store) == before and answers(store) == expected
    store.build(store.corpus)  # the same snapshot, published whole this time
    assert live_state(store)[0] != before[0]
    engine = store.engine()
    assert any("kaffekopper" in engine.thesis_text(t) for t in engine.theses)


def check_whole(engine) -> None:
    """A loaded engine is one whole corpus: its manifest, tables, vectors and texts agree."""
    manifest = engine.snapshot.manifest
    assert len(engine.passage_ids) == manifest["totals"]["passages"]
    assert len(engine.sentence_ids) == len(engine.sentence_vectors) == manifest["totals"]["sentences"]
    assert sorted(t.doc for t in engine.theses.values()) == sorted(manifest["theses"])
    for row in engine.snapshot.query("SELECT thesis_id, start, end, text FROM passages"):
        assert engine.text(row["thesis_id"], row["start"], row["end"]) == row["text"]


def test_readers_during_a_rebuild_see_the_old_or_the_new_corpus_whole(store):
    """Threads query an engine opened before a real `indexer build [--store …]` process and open
    new engines while it runs: the open one answers as before, each new one is one corpus whole."""
    old = store.engine()
    expected = results(old, CALLS)
    old_name = old.snapshot.manifest["snapshot"]
    change_a_thesis(store)
    process = subprocess.Popen([sys.executable, "-m", *store.build_command()], cwd=REPO, env=CLI_ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, queries = {}, itertools.count()

    def query_old() -> None:
        assert results(old, CALLS[:2]) == expected[:2]
        next(queries)

    def open_new() -> None:
        engine = store.engine()
        check_whole(engine)
        count_snapshot(engine, seen)

    while_running(process, query_old, open_new)
    assert next(queries) >= 1 and seen.get(old_name), seen
    assert results(old, CALLS) == expected
    new = store.engine()
    check_whole(new)
    assert new.snapshot.manifest["snapshot"] != old_name and set(seen) <= {old_name, new.snapshot.manifest["snapshot"]}
    assert "kaffekopper" in new.thesis_text(next(t for t in new.theses if new.theses[t].doc == CHANGED))
