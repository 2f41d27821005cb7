"""Issue 22 class 4: damage that used to pass the health check.

A truncated vectors, columns, FAISS or BM25 file, a damaged SQLite page, zeroed vectors (sizes
unchanged) and a manifest that lost a thesis entry: `indexer status` exits non-zero with a
message (no traceback), a build re-embeds everything instead of reusing the damaged snapshot,
and after it status is clean and searches work. `make index` (what `make run` runs first)
rebuilds a damaged index. The health check also catches what checksums cannot: SQLite's
quick_check and non-unit vectors in a snapshot whose recorded checksums match damaged files.
"""
from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from indexer.build import build_index
from store.health import check_snapshot, file_records
from store.layout import (
    DATABASE, MANIFEST, PASSAGE_VECTORS, PASSAGES_FAISS, SENTENCE_VECTORS, TOKEN_VECTORS, WINDOW_VECTORS, current_snapshot,
)
from store.status import index_status
from tests.robustness.conftest import CLI_ENV, REPO, FakeEncoder, cli

def truncate(relative: str, keep: float = 0.5):
    def damage(snapshot):
        path = snapshot / relative
        path.write_bytes(path.read_bytes()[: int(path.stat().st_size * keep)])
    return damage


def zero_vectors(relative: str):
    """Zero every value of an .npy file after its header: same size, same shape."""
    def damage(snapshot):
        path = snapshot / relative
        header = len(path.read_bytes()) - np.load(path).nbytes
        with open(path, "r+b") as handle:
            handle.seek(header)
            handle.write(bytes(path.stat().st_size - header))
    return damage


def damage_sqlite_page(snapshot):
    """Overwrite the second page of the database (a table's b-tree page) with garbage."""
    path = snapshot / DATABASE
    page = int.from_bytes(path.read_bytes()[16:18], "big")
    with open(path, "r+b") as handle:
        handle.seek(page)
        handle.write(b"\xa5" * page)


def drop_thesis_entry(snapshot):
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    manifest["theses"].pop(sorted(manifest["theses"])[0])
    (snapshot / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


DAMAGE = {
    "truncated passage vectors": truncate(PASSAGE_VECTORS),
    "truncated sentence vectors": truncate(SENTENCE_VECTORS, 0.9),
    "truncated column": truncate("columns/passages.start.npy"),
    "truncated FAISS index": truncate(PASSAGES_FAISS),
    "truncated BM25 file": truncate("bm25/data.csc.index.npy"),
    "damaged SQLite page": damage_sqlite_page,
    "zeroed passage vectors": zero_vectors(PASSAGE_VECTORS),
    "zeroed sentence vectors": zero_vectors(SENTENCE_VECTORS),
    "zeroed window vectors": zero_vectors(WINDOW_VECTORS),
    "zeroed token vectors": zero_vectors(TOKEN_VECTORS),
    "manifest without a thesis entry": drop_thesis_entry,
}



def status(index) -> subprocess.CompletedProcess:
    return cli("indexer", "status", "--index", str(index))


def test_the_undamaged_index_passes(fake):
    result = status(fake[1])
    assert result.returncode == 0, result.stderr
    assert check_snapshot(current_snapshot(fake[1]), json.loads((current_snapshot(fake[1]) / MANIFEST).read_text())) == []


@pytest.mark.parametrize("case", DAMAGE)
def test_status_fails_and_a_build_replaces_the_damage(fake, case):
    corpus, index = fake
    DAMAGE[case](current_snapshot(index))
    result = status(index)
    assert result.returncode == 2, result.stdout
    assert "damaged" in result.stderr and "Run: python -m indexer build" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout

    report = build_index(corpus, index, encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0, report.summary()
    assert report.reembedded == 3 and report.unchanged == 0, report.summary()  # nothing copied forward
    assert any("damaged" in note for note in report.notes), report.notes
    index_status(index)  # raises if the new snapshot is not sound
    from qa.engine import Engine
    from qa.search import search

    engine = Engine(index, encoder=FakeEncoder())
    try:
        assert search(engine, "ettervern etter rusbehandling", k=3)
    finally:
        engine.close()


def rerecord(snapshot) -> None:
    """Record the files as they are now, as if the damage had happened before the build recorded them."""
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] = file_records(snapshot)
    (snapshot / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("case", ["damaged SQLite page", "zeroed passage vectors", "zeroed sentence vectors"])
def test_damage_is_found_even_where_the_checksums_match(fake, case):
    snapshot = current_snapshot(fake[1])
    DAMAGE[case](snapshot)
    rerecord(snapshot)
    problems = check_snapshot(snapshot, json.loads((snapshot / MANIFEST).read_text()))
    assert problems, case
    assert any(word in "; ".join(problems) for word in ("unit vectors", DATABASE)), problems


def test_make_index_rebuilds_a_damaged_index(tiny):
    corpus, index = tiny
    truncate(PASSAGES_FAISS)(current_snapshot(index))
    before = current_snapshot(index).name
    # -o: never reinstall the shared venv from here
    result = subprocess.run(["make", "-o", ".venv/.installed", "index", f"INDEX={index}", f"CORPUS={corpus}"],
                            cwd=REPO, env=CLI_ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Indexed 3 theses" in result.stdout, result.stdout
    assert current_snapshot(index).name != before
    assert status(index).returncode == 0
