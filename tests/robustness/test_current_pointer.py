"""Issue 22 classes 4 and 5: CURRENT is confined to snapshots/.

An absolute path, `../..`, a path into another folder, a link out of snapshots/, invalid UTF-8,
a CURRENT that is itself a folder: never followed. `indexer status` and `qa ask` exit 2 with a
message (no traceback), and a build replaces the pointer with one to its new snapshot.
"""
from __future__ import annotations

import os
import shutil

import pytest

from indexer.build import build_index
from store.errors import IndexDamagedError
from store.layout import CURRENT, SNAPSHOTS, current_snapshot
from tests.robustness.conftest import FakeEncoder, cli


def outside_copy(index):
    """A complete snapshot outside snapshots/ (what a pointer out of it would find)."""
    target = index.parent / "elsewhere"
    shutil.copytree(current_snapshot(index), target)
    return target


def write_current(index, data: bytes) -> None:
    (index / CURRENT).write_bytes(data)


POINTERS = {
    "absolute path": lambda index: write_current(index, str(outside_copy(index)).encode() + b"\n"),
    "../..": lambda index: write_current(index, b"../.."),
    "../../elsewhere": lambda index: (outside_copy(index), write_current(index, b"../../elsewhere\n")),
    "a path into a folder": lambda index: write_current(index, f"x/{current_snapshot(index).name}".encode()),
    "link out of snapshots": lambda index: (
        os.symlink(outside_copy(index), index / SNAPSHOTS / "link"), write_current(index, b"link\n")),
    "invalid UTF-8": lambda index: write_current(index, b"\xff\xfe\x80snapshot\n"),
    "CURRENT is a folder": lambda index: ((index / CURRENT).unlink(), (index / CURRENT).mkdir()),
    "a temporary build folder": lambda index: (
        shutil.copytree(current_snapshot(index), index / SNAPSHOTS / ".tmp-x"), write_current(index, b".tmp-x")),
}



@pytest.mark.parametrize("case", POINTERS)
def test_a_pointer_out_of_snapshots_is_refused_and_replaced(fake, case):
    corpus, index = fake
    POINTERS[case](index)
    with pytest.raises(IndexDamagedError, match="CURRENT"):
        current_snapshot(index)
    for command in (["indexer", "status", "--index", str(index)], ["qa", "ask", "hei", "--index", str(index)]):
        result = cli(*command)
        assert result.returncode == 2, (command, result.stdout)
        assert result.stderr.startswith("error: ") and "CURRENT" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert "elsewhere" not in result.stdout  # nothing was read from the outside copy

    report = build_index(corpus, index, encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0 and report.reembedded == 3, report.summary()
    live = current_snapshot(index)
    assert live is not None and live.parent == index / SNAPSHOTS
    assert cli("indexer", "status", "--index", str(index)).returncode == 0
