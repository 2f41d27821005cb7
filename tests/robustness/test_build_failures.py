"""Failures during a build: the previous index loads and answers exactly as before.

Injected: an exception mid-embedding, SIGKILL of a real `python -m indexer build` process
mid-write and at each step of the switch, and a full disk (ENOSPC) at each write of the
snapshot writer. After each, the live snapshot is byte-identical, a new Engine gives the same
answers as before, and the next build removes what the failed one left behind.
"""
from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import store.writer as writer
from indexer.build import build_index
from indexer.errors import IndexerError
from store.layout import MANIFEST, SNAPSHOTS, TMP_PREFIX, current_snapshot
from qa.engine import Engine
from tests.robustness.conftest import QUESTIONS, REPO, FakeEncoder, fingerprint, results, snapshot_folders

APPENDED = ("\n   \n\nDette avsnittet er lagt til av en test, slik at denne oppgaven må leses og innkodes på nytt "
            "mens bygget blir avbrutt. Det handler om rus, ettervern og sosiale nettverk.\n\n")
CALLS = [(kind, q, f) for q, f in QUESTIONS for kind in ("search", "ask")]
FEW = CALLS[:2] + CALLS[4:6]  # a Norwegian and an English question, searched and asked: cheap to repeat


@pytest.fixture(scope="module")
def baseline(tiny_engine):
    """Answers of the pristine tiny index to every call."""
    return results(tiny_engine, CALLS)


def answers_now(index: Path, encoder, calls=CALLS) -> list[tuple]:
    engine = Engine(index, encoder=encoder)
    try:
        return results(engine, calls)
    finally:
        engine.close()


def touch_thesis(corpus: Path, name: str = "000_56c92893e0805444.txt") -> None:
    path = corpus / name
    path.write_bytes(path.read_bytes() + APPENDED.encode("utf-8"))


def assert_unchanged(index: Path, before: dict, encoder, baseline, calls=CALLS) -> None:
    assert fingerprint(index) == before
    expected = [r for c, r in zip(CALLS, baseline) if c in calls]
    assert answers_now(index, encoder, calls) == expected


def assert_next_build_cleans_up(corpus: Path, index: Path, encoder) -> None:
    """The next build succeeds (the killed build's lock is gone) and removes what was left behind."""
    report = build_index(corpus, index, encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    assert snapshot_folders(index) == [report.snapshot.name]
    assert not list(index.glob("*.tmp"))


class FailingEncoder:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode_passages(self, texts):
        raise RuntimeError("injected failure mid-embedding")


def test_exception_mid_embedding(tiny, encoder, baseline):
    corpus, index = tiny
    before = fingerprint(index)
    touch_thesis(corpus)
    with pytest.raises(RuntimeError, match="injected"):
        build_index(corpus, index, encoder=FailingEncoder(encoder), progress=False)
    assert snapshot_folders(index) == [current_snapshot(index).name]  # the temporary folder is gone
    assert_unchanged(index, before, encoder, baseline)
    assert_next_build_cleans_up(corpus, index, encoder)


# --------------------------------------------------------------------------- SIGKILL


def test_sigkill_of_a_real_build_process_mid_write(tiny, encoder, baseline):
    """`python -m indexer build` killed while its temporary snapshot is being written."""
    corpus, index = tiny
    before = fingerprint(index)
    touch_thesis(corpus)  # so that the build embeds (and writes) for a while
    process = subprocess.Popen([sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while not list((index / SNAPSHOTS).glob(f"{TMP_PREFIX}*")):
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no temporary snapshot appeared"
            time.sleep(0.02)
        time.sleep(0.5)  # inside the writing phase: parsing, embedding, database rows
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    stale = [p.name for p in (index / SNAPSHOTS).glob(f"{TMP_PREFIX}*")]
    assert stale, "the killed build left its temporary snapshot"
    assert_unchanged(index, before, encoder, baseline)
    assert_next_build_cleans_up(corpus, index, encoder)


# Where a build process kills itself (SIGKILL) during the switch, with the fake encoder so that
# it gets there in seconds: every step of SnapshotWriter.add/commit.
KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import store.lexical
    import store.writer as writer
    from tests.robustness.conftest import FakeEncoder
    corpus, index, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def after(obj, name, calls=1):
        real, seen = getattr(obj, name), []
        def wrapped(*args, **kwargs):
            out = real(*args, **kwargs)
            seen.append(1)
            if len(seen) >= calls:
                die()
            return out
        setattr(obj, name, wrapped)

    if point == "between-theses":
        after(writer.SnapshotWriter, "add")
    elif point == "after-database-and-bm25":
        after(store.lexical.LexicalIndex, "save")
    elif point == "after-first-faiss-file":
        after(writer.faiss, "write_index")
    elif point == "after-fsync":
        after(writer, "fsync_tree")
    elif point == "after-rename-before-current":
        after(writer.os, "rename")
    elif point == "current-written-not-replaced":
        real_replace = writer.os.replace
        writer.os.replace = lambda *a, **k: die()
    from indexer.build import build_index
    build_index(corpus, index, encoder=FakeEncoder(), progress=False)
    print("not killed")
""")
KILL_POINTS = ["between-theses", "after-database-and-bm25", "after-first-faiss-file", "after-fsync",
               "after-rename-before-current", "current-written-not-replaced"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_each_step_of_the_switch(tiny, encoder, baseline, point):
    corpus, index = tiny
    before = fingerprint(index)
    result = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(corpus), str(index), point], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr
    left = [name for name in snapshot_folders(index) if name != current_snapshot(index).name]
    assert len(left) == 1, "the killed build left its unfinished snapshot behind"
    renamed = point in ("after-rename-before-current", "current-written-not-replaced")
    assert left[0].startswith(TMP_PREFIX) != renamed  # complete but never made live, or still temporary
    assert (index / "CURRENT.tmp").exists() == (point == "current-written-not-replaced")
    assert_unchanged(index, before, encoder, baseline, FEW)
    assert_next_build_cleans_up(corpus, index, encoder)


# --------------------------------------------------------------------------- disk full


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _partial_then_no_space(path, *args, **kwargs):
    Path(str(path)).write_bytes(b"half a file")
    _no_space()


def inject(monkeypatch, point: str) -> None:
    if point == "database":
        calls = []
        real_add = writer.SnapshotWriter.add

        def add(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise sqlite3.OperationalError("database or disk is full")
            return real_add(self, *args, **kwargs)
        monkeypatch.setattr(writer.SnapshotWriter, "add", add)
    elif point == "bm25":
        monkeypatch.setattr(writer.LexicalIndex, "save", _no_space)
    elif point == "faiss":
        monkeypatch.setattr(writer.faiss, "write_index", lambda index, path: _partial_then_no_space(path))
    elif point == "manifest":
        real_write_text = Path.write_text
        monkeypatch.setattr(Path, "write_text", lambda self, *a, **k: _partial_then_no_space(self)
                            if self.name == MANIFEST else real_write_text(self, *a, **k))
    elif point == "fsync":
        monkeypatch.setattr(writer, "fsync_tree", _no_space)
    elif point == "current":
        monkeypatch.setattr(writer, "write_atomically", lambda path, text: _partial_then_no_space(
            path.with_name(path.name + ".tmp")))


@pytest.mark.parametrize("point", ["database", "bm25", "faiss", "manifest", "fsync", "current"])
def test_disk_full_while_writing(tiny, encoder, baseline, monkeypatch, point):
    corpus, index = tiny
    before = fingerprint(index)
    with monkeypatch.context() as mp:
        inject(mp, point)
        with pytest.raises(IndexerError) as info:
            build_index(corpus, index, encoder=encoder, progress=False)
    message = str(info.value)
    assert message.startswith(f"Could not write the index in {index}/")
    assert "the previous index is unchanged" in message
    assert "No space left on device" in message or "disk is full" in message
    assert snapshot_folders(index) == [current_snapshot(index).name]  # the temporary folder is gone
    assert_unchanged(index, before, encoder, baseline, FEW)
    assert_next_build_cleans_up(corpus, index, encoder)


def test_disk_full_message_from_the_command_line(tiny, monkeypatch, capsys, encoder):
    import models.encoder
    from indexer.__main__ import main

    corpus, index = tiny
    before = fingerprint(index)
    monkeypatch.setattr(models.encoder, "Encoder", lambda *a, **k: encoder)
    inject(monkeypatch, "bm25")
    code = main(["build", "--corpus", str(corpus), "--index", str(index)])
    err = capsys.readouterr().err
    assert code == 2 and "\nerror: Could not write the index" in "\n" + err and "Traceback" not in err
    assert fingerprint(index) == before
