"""store.layout: which snapshot is live while a build switches and deletes snapshots."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from store.layout import CURRENT, MANIFEST, SNAPSHOTS, current_snapshot, write_atomically


def make_snapshot(index: Path, name: str) -> None:
    folder = index / SNAPSHOTS / name
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text("{}", encoding="utf-8")


SWITCHES = 1000  # before the fix, about 1 read in 8 000 saw no snapshot: 3 misses in 1 334 switches


def switch_repeatedly(index: Path, stop: threading.Event) -> int:
    """What a build does at its end, `SWITCHES` times (or until `stop`): a new snapshot, CURRENT to
    it, the old one deleted."""
    switches, live = 0, "s0"
    while switches < SWITCHES and not stop.is_set():
        new = f"s{switches + 1}"
        make_snapshot(index, new)
        write_atomically(index / CURRENT, new + "\n")
        shutil.rmtree(index / SNAPSHOTS / live)
        live, switches = new, switches + 1
    return switches


def test_a_reader_never_sees_no_snapshot_while_builds_switch_and_delete(tmp_path):
    """The old snapshot may vanish between reading CURRENT and looking at the folder it names:
    the reader must then follow CURRENT to the new one, not report a missing index."""
    make_snapshot(tmp_path, "s0")
    write_atomically(tmp_path / CURRENT, "s0\n")
    stop, outcome = threading.Event(), {}
    builder = threading.Thread(target=lambda: outcome.update(switches=switch_repeatedly(tmp_path, stop)))
    builder.start()
    misses, reads, deadline = 0, 0, time.monotonic() + 60  # a slow disk's fsyncs still finish
    try:
        while builder.is_alive() and time.monotonic() < deadline:
            misses += current_snapshot(tmp_path) is None
            reads += 1
    finally:
        stop.set()
        builder.join()
    assert outcome["switches"] >= 100 and reads >= outcome["switches"], (outcome, reads)
    assert misses == 0, f"{misses} of {reads} reads saw no snapshot during {outcome['switches']} switches"


def test_current_naming_a_folder_that_is_gone_is_no_snapshot(tmp_path):
    """Without a build running, CURRENT naming a deleted folder still means no index (not a hang)."""
    write_atomically(tmp_path / CURRENT, "gone\n")
    (tmp_path / SNAPSHOTS).mkdir()
    assert current_snapshot(tmp_path) is None
