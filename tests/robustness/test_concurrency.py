"""Concurrent users: threads sharing one Engine, and queries running while a build switches the index."""
from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from indexer.build import build_index
from store.layout import current_snapshot
from qa.engine import Engine
from qa.search import search
from tests.robustness.conftest import QUESTIONS, REPO, count_snapshot, results, run_call, while_running

N_CALLS, N_THREADS = 200, 8
CALLS = [("ask" if i % 3 == 0 else "search", *QUESTIONS[(i * 7) % len(QUESTIONS)]) for i in range(N_CALLS)]
APPENDED = ("\n   \n\nEt nytt avsnitt om kaffekopper og syklubber i Bodø, lagt til mens noen søker i indeksen. "
            "Det skal bare finnes i den nye indeksen.\n\n")


def test_threads_give_the_same_results_as_sequential_calls(tiny_engines):
    sequential = [run_call(tiny_engines, call) for call in CALLS]
    start = threading.Barrier(N_THREADS)

    def call(i: int):
        if i < N_THREADS:
            start.wait()  # the first calls of every thread begin together
        return run_call(tiny_engines, CALLS[i])

    with ThreadPoolExecutor(N_THREADS) as pool:
        threaded = list(pool.map(call, range(N_CALLS)))
    assert len(threaded) == N_CALLS
    assert threaded == sequential
    assert {r[0] for r in threaded} == {"ask", "search"}


def check_engine(engine: Engine) -> None:
    """A loaded engine is one whole snapshot: tables, vectors, BM25 and texts agree with each other."""
    manifest = engine.snapshot.manifest
    totals = manifest["totals"]
    assert len(engine.passage_ids) == engine.snapshot.passage_index.ntotal == totals["passages"]
    assert len(engine.sentence_ids) == len(engine.sentence_vectors) == totals["sentences"]
    assert sorted(t.doc for t in engine.theses.values()) == sorted(manifest["theses"])
    assert sorted(engine.lexical.passage_ids.tolist()) == sorted(engine.passage_ids.tolist())
    for row in engine.snapshot.query("SELECT thesis_id, start, end, text FROM passages"):
        assert engine.text(row["thesis_id"], row["start"], row["end"]) == row["text"]


def check_hits(engine: Engine, hits) -> None:
    for hit in hits:
        assert engine.thesis_text(hit.thesis_id)[hit.start:hit.end] == hit.text
        if not hit.merged:
            (row,) = engine.snapshot.query("SELECT start, end, text FROM passages WHERE id = ?", (hit.passage_id,))
            assert (row["start"], row["end"], row["text"]) == (hit.start, hit.end, hit.text)


def test_build_while_querying_never_exposes_a_half_written_index(tiny, encoder):
    """A real `python -m indexer build` re-embeds and switches the index while threads query it.

    Threads on an Engine opened before the build keep answering exactly as before (it holds its
    snapshot in memory); Engines opened during the build see the old or the new snapshot, whole.
    """
    corpus, index = tiny
    old_engine = Engine(index, encoder=encoder)
    old_name = old_engine.snapshot.manifest["snapshot"]
    calls = [(kind, q, f) for q, f in QUESTIONS[:4] for kind in ("search", "ask")]
    expected = results(old_engine, calls)
    path = corpus / "004_d1b033983cbf4306.txt"
    path.write_bytes(path.read_bytes() + APPENDED.encode("utf-8"))

    process = subprocess.Popen([sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    queries, seen = itertools.count(), {}

    def query_old_engine() -> None:
        i = next(queries)
        call = calls[i % len(calls)]
        assert run_call(old_engine, call) == expected[i % len(calls)]
        check_hits(old_engine, search(old_engine, call[1], k=3))

    def open_new_engine() -> None:
        engine = Engine(index, encoder=encoder)  # retries when a switch deletes what it reads
        check_engine(engine)
        count_snapshot(engine, seen)

    out = while_running(process, query_old_engine, query_old_engine, query_old_engine, open_new_engine)
    new_name = current_snapshot(index).name
    assert new_name != old_name and "1 re-embedded, 2 unchanged" in out
    assert set(seen) <= {old_name, new_name} and seen.get(old_name), seen
    n_queries = next(queries)
    assert n_queries >= 8
    print(f"{n_queries} queries on the open engine, {sum(seen.values())} engines opened during the build ({seen})")

    # the open engine still answers from its snapshot; a new one sees the new text
    assert results(old_engine, calls) == expected
    new_engine = Engine(index, encoder=encoder)
    check_engine(new_engine)
    hits = search(new_engine, "kaffekopper og syklubber i Bodø", k=3)
    assert "kaffekopper" in hits[0].text
    check_hits(new_engine, hits)
    assert not any("kaffekopper" in old_engine.thesis_text(t) for t in old_engine.theses)


def test_engine_opened_across_a_switch(tiny, encoder, monkeypatch):
    """Deterministic form of the race: a build switches the index while an Engine is being loaded."""
    import qa.engine

    corpus, index = tiny
    real_load = qa.engine.LexicalIndex.load

    builds = []

    def load_after_a_build(folder: Path, **options):
        if not builds:  # the first load races a build that switches and deletes the old snapshot
            builds.append(build_index(corpus, index, encoder=encoder, progress=False))
        return real_load(folder, **options)

    monkeypatch.setattr(qa.engine.LexicalIndex, "load", load_after_a_build)
    engine = Engine(index, encoder=encoder)
    check_engine(engine)
