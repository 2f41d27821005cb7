"""Where a snapshot lives on disk, which one is live, and how files reach the disk for good.

Layout::

    index/CURRENT                      name of the live snapshot folder (one line)
    index/.lock                        held by a running build
    index/snapshots/<name>/
        manifest.json                  schema, model, parser, per-thesis hashes and counts (store.manifest)
        passages.sqlite                theses, pages, sections, passages, sentences (store.schema)
        vectors/passages.npy           float32 passage embeddings, row = passages.id - 1
        vectors/sentences.npy          float32 sentence embeddings, row = sentences.id - 1
        vectors/windows.npy            float32 embeddings of runs of 2-3 sentences (indexer.windows),
                                       row = the row of columns/windows.*
        vectors/tokens.npy             int8 codes of the contextual token vectors of the passages
                                       (late interaction, qa.search; scaled by columns/tokens.scale,
                                       store.int8), row = the row of columns/tokens.id;
                                       passage p's are rows columns/passages.token_lo..token_hi - 1
        passages.faiss                 search index over the passage rows (store.ann; the kind
                                       is chosen by corpus size and named in the manifest)
        columns/                       per-row arrays of the passage and sentence tables (store.columns)
        bm25/                          the lexical index over passages (store.lexical)

A build writes `snapshots/.tmp-<name>`, fsyncs it, renames it to `<name>` and then replaces
CURRENT; until that last step readers keep seeing the previous snapshot.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from store.errors import (
    IndexBusyError, IndexDamagedError, IndexMismatchError, IndexMissingError, StoreError, rebuild_hint, shown,
)
from store.vectorfile import FOLDER as VECTORS_FOLDER

CURRENT = "CURRENT"
LOCK = ".lock"
SNAPSHOTS = "snapshots"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
DATABASE = "passages.sqlite"
PASSAGES_FAISS = "passages.faiss"
PASSAGE_VECTORS = f"{VECTORS_FOLDER}/passages.npy"
SENTENCE_VECTORS = f"{VECTORS_FOLDER}/sentences.npy"
WINDOW_VECTORS = f"{VECTORS_FOLDER}/windows.npy"
TOKEN_VECTORS = f"{VECTORS_FOLDER}/tokens.npy"

# What a build names its snapshots (`new_snapshot_name`): the only folders under snapshots/ it deletes.
SNAPSHOT_NAME = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")

T = TypeVar("T")


def new_snapshot_name() -> str:
    """A fresh snapshot folder name: the UTC time and a random tag ("20261203T174012Z-3fa9c1")."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def is_snapshot_name(name: str) -> bool:
    """Whether `name` is a snapshot folder a build wrote (or is writing: `TMP_PREFIX` + a name)."""
    return bool(SNAPSHOT_NAME.fullmatch(name.removeprefix(TMP_PREFIX)))


def current_snapshot(index_dir: Path, *, strict: bool = True) -> Path | None:
    """The live snapshot folder named by CURRENT, or None if there is none.

    CURRENT must hold the plain name of a folder in snapshots/ (no path, no link out of it):
    anything else raises IndexDamagedError, or gives None when `strict` is false (a build, which
    replaces it). An `index_dir` that is a file raises StoreError either way.
    """
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise StoreError(f"{index_dir} is a file, not an index folder; give the folder the index is "
                                f"(or is to be) built in")
    try:
        return _named_snapshot(index_dir)
    except IndexDamagedError:
        if strict:
            raise
        return None


def _named_snapshot(index_dir: Path, switches: int = 100) -> Path | None:
    """The folder CURRENT names; if it is gone because a build switched meanwhile (and deleted
    it), the folder CURRENT names now, as long as CURRENT keeps changing."""
    name = _current_name(index_dir)
    while name:
        path = _checked_folder(index_dir, name)
        if path.is_dir() and (path / MANIFEST).is_file():
            return path
        now = _current_name(index_dir)
        if now == name or switches == 0:
            return None
        name, switches = now, switches - 1
    return None


def _current_name(index_dir: Path) -> str | None:
    current = index_dir / CURRENT
    try:
        return current.read_bytes().decode("utf-8").strip() or None
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "a folder" if current.is_dir() else getattr(exc, "strerror", None) or "not UTF-8 text"
        raise IndexDamagedError(f"{current} cannot name the live snapshot ({reason}). {rebuild_hint(index_dir)}") from exc


def _checked_folder(index_dir: Path, name: str) -> Path:
    """snapshots/`name`, refused unless it is a plain entry of snapshots/ that is no build's temporary."""
    current, snapshots = index_dir / CURRENT, index_dir / SNAPSHOTS
    path = snapshots / name
    if (Path(name).name != name or name in (".", "..") or name.startswith(TMP_PREFIX) or "\x00" in name
            or not _resolves_into(path, snapshots)):
        raise IndexDamagedError(f"{current} names {name!r}, which is not a snapshot folder in {shown(snapshots)}; "
                                f"refused. {rebuild_hint(index_dir)}")
    return path


def _resolves_into(path: Path, folder: Path) -> bool:
    """Whether `path`, links followed, is an entry of `folder` itself (links followed too)."""
    try:
        return path.resolve().parent == folder.resolve()
    except (OSError, RuntimeError):  # a link loop
        return False


def with_live_snapshot(index_dir: Path, read: Callable[[Path], T], *, model_id: str | None = None,
                       retry_on: tuple[type[BaseException], ...] = (OSError, ValueError), attempts: int = 3) -> T:
    """`read(live snapshot folder)`, again on the new live snapshot if a build switched meanwhile.

    A build may switch snapshots (and delete the one being read) at any moment. Raises
    IndexMissingError when there is no snapshot, and IndexDamagedError (with the rebuild hint)
    when reading fails on a snapshot that is still the live one.
    """
    index_dir = Path(index_dir)
    error: BaseException | None = None
    for _ in range(attempts):
        snapshot = current_snapshot(index_dir)
        if snapshot is None:
            raise IndexMissingError(f"No index in {shown(index_dir)}. {rebuild_hint(index_dir, model_id)}")
        try:
            return read(snapshot)
        except (IndexMismatchError, IndexMissingError):
            raise  # a verdict on the snapshot, not a failure to read it
        except retry_on as exc:
            error = exc
            if current_snapshot(index_dir) == snapshot:
                break
    raise IndexDamagedError(f"Index in {shown(index_dir)} is damaged ({error}). "
                            f"{rebuild_hint(index_dir, model_id)}") from error


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold `index_dir/.lock` so that two builds cannot write the same index at once."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / LOCK, "w")
    except (FileExistsError, NotADirectoryError):
        raise StoreError(f"{index_dir} is a file, not an index folder; give a folder to build the index in") \
            from None
    except OSError as exc:
        raise StoreError(f"Cannot write in {shown(index_dir)} ({exc.strerror}); build the index in a folder "
                         f"you can write to (--index)") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(f"Another build is writing {shown(index_dir)}; wait for it to finish") from None
        yield


def fsync_tree(root: Path) -> None:
    """fsync every file and folder below `root`."""
    for folder, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old or the new content, never a part."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
