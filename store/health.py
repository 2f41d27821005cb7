"""Whether a snapshot on disk is what its build wrote: file sizes and checksums, SQLite, vectors.

The build records the size and SHA-256 of every file of the snapshot in the manifest
(`files`); `check_snapshot` compares them, runs SQLite's `quick_check`, and looks at the vectors
themselves (the encoder writes unit-length rows, stored as such or as int8 codes whose largest is
±127, so a zeroed or NaN row is damage even in a snapshot whose checksums were recorded over
damaged files). `indexer status` and every build (before it reuses the live snapshot's theses)
run it.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from store.columns import load_array
from store.int8 import LEVELS
from store.layout import DATABASE, MANIFEST, PASSAGE_VECTORS, SENTENCE_VECTORS, TOKEN_VECTORS, WINDOW_VECTORS

_CHUNK = 1 << 20
_VECTOR_ROWS = 65_536  # rows whose norms are checked at a time
_NORM_TOLERANCE = 1e-2


def file_records(snapshot: Path) -> dict[str, dict[str, Any]]:
    """{relative path: {"size", "sha256"}} of every file of `snapshot` except the manifest."""
    return {str(p.relative_to(snapshot)): {"size": p.stat().st_size, "sha256": _sha256(p)}
            for p in sorted(snapshot.rglob("*")) if p.is_file() and p != snapshot / MANIFEST}


def check_snapshot(snapshot: Path, manifest: dict[str, Any]) -> list[str]:
    """What is wrong with `snapshot` (empty when nothing is), one line per problem."""
    problems = _file_problems(snapshot, manifest.get("files"))
    if problems:
        return problems  # the cheaper checks below would only repeat them
    problems += _database_problems(snapshot / DATABASE, manifest)
    for name in (PASSAGE_VECTORS, SENTENCE_VECTORS, WINDOW_VECTORS, TOKEN_VECTORS):
        problems += _vector_problems(snapshot / name)
    return problems


def _file_problems(snapshot: Path, files: Any) -> list[str]:
    if not isinstance(files, dict) or not files:
        return [f"{snapshot / MANIFEST} records no file sizes and checksums (built by an older version)"]
    problems = []
    for name, record in files.items():
        try:
            problem = _file_problem(snapshot / name, record)
        except OSError as exc:
            problem = exc.strerror or str(exc)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def _file_problem(path: Path, record: Any) -> str | None:
    """How the file at `path` differs from its manifest `record`, or None."""
    if not isinstance(record, dict):
        return "no size and checksum recorded"
    if not path.is_file():
        return "missing"
    if (size := path.stat().st_size) != record.get("size"):
        return f"{size} bytes, the build wrote {record.get('size')}"
    if _sha256(path) != record.get("sha256"):
        return "not what the build wrote (checksum differs)"
    return None


def _database_problems(path: Path, manifest: dict[str, Any]) -> list[str]:
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            verdict = [row[0] for row in db.execute("PRAGMA quick_check")]
            docs = {row[0] for row in db.execute("SELECT doc FROM theses")}
    except sqlite3.Error as exc:
        return [f"{DATABASE}: {exc}"]
    problems = [] if verdict == ["ok"] else [f"{DATABASE}: " + "; ".join(verdict[:3])]
    entries = set(manifest.get("theses") or {})
    if docs != entries:
        shown = sorted(docs ^ entries)[:3]
        problems.append(f"{MANIFEST} and {DATABASE} list different theses ({', '.join(shown)})")
    return problems


def _vector_problems(path: Path) -> list[str]:
    try:
        matrix = load_array(path)
    except (OSError, ValueError) as exc:
        return [f"{path.parent.name}/{path.name}: {exc}"]
    bad = sum(_bad_rows(matrix[first:first + _VECTOR_ROWS]) for first in range(0, len(matrix), _VECTOR_ROWS))
    return [f"{path.parent.name}/{path.name}: {bad} of {len(matrix)} rows are not unit vectors (zeroed or "
            f"overwritten)"] if bad else []


def _bad_rows(block: np.ndarray) -> int:
    """How many rows of `block` are not what the build writes: unit vectors, or for int8 token codes
    (store.int8) rows whose largest code is ±127."""
    if block.dtype == np.int8:
        return int(np.count_nonzero(np.abs(block.astype(np.int16)).max(axis=1, initial=0) != LEVELS))
    norms = np.linalg.norm(np.asarray(block, dtype=np.float32), axis=1)
    return int(np.count_nonzero(~(np.abs(norms - 1.0) <= _NORM_TOLERANCE)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
