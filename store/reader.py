"""Reading a snapshot: open the live one (checked against schema and model), thesis records, listings."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import faiss
import numpy as np

from store.ann import DenseIndexSpec
from store.columns import FOLDER as COLUMNS_FOLDER
from store.columns import load_array, load_columns
from store.errors import StoreError
from store.int8 import dequantise
from store.layout import (
    DATABASE, PASSAGE_VECTORS, PASSAGES_FAISS, SENTENCE_VECTORS, TOKEN_VECTORS, WINDOW_VECTORS,
    with_live_snapshot,
)
from store.manifest import check_compatible, read_manifest
from store.records import Page, Passage, PassageTokens, Section, Sentence, SourceMap, Suggestion, Thesis

T = TypeVar("T")
# What reading a snapshot raises when a build deleted it meanwhile (or it is damaged).
_READ_ERRORS = (StoreError, sqlite3.Error, RuntimeError, OSError, ValueError)


class OpenSnapshot:
    """What every open snapshot offers besides its tables (IndexSnapshot here, store.pgstore.PgSnapshot)."""

    manifest: dict[str, Any]

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    @property
    def dimension(self) -> int:
        return self.manifest["dimension"]

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class IndexSnapshot(OpenSnapshot):
    """An open, read-only snapshot.

    `db` is a read-only SQLite connection (rows are `sqlite3.Row`) usable from any thread;
    the FAISS index is read into memory and the vector files are memory-mapped when opened, so
    a later build deleting this snapshot's folder does not disturb a long-running reader.
    """

    def __init__(self, path: Path, manifest: dict[str, Any], *, vectors: bool = True):
        self.path = path
        self.manifest = manifest
        self.dense_spec = DenseIndexSpec.from_json(manifest.get("dense_index"))
        self.passage_index: faiss.Index | None = None
        self.passage_vectors: np.ndarray | None = None
        self.sentence_vectors: np.ndarray | None = None
        self.window_vectors: np.ndarray | None = None
        self.token_vectors: np.ndarray | None = None  # int8 codes (store.layout, store.int8)
        if vectors:
            self.passage_index = faiss.read_index(str(path / PASSAGES_FAISS))
            self.passage_vectors = load_array(path / PASSAGE_VECTORS, random_access=True)
            self.sentence_vectors = load_array(path / SENTENCE_VECTORS, random_access=True)
            self.window_vectors = load_array(path / WINDOW_VECTORS, random_access=True)
            self.token_vectors = load_array(path / TOKEN_VECTORS, random_access=True)
        self.db = sqlite3.connect(f"{(path / DATABASE).resolve().as_uri()}?mode=ro", uri=True,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("SELECT 1 FROM theses LIMIT 1")  # fail now if the file is not our database
        self._lock = threading.Lock()

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Run a read query; serialised, since the connection is shared between threads."""
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    def close(self) -> None:
        self.db.close()


def open_index(index_dir: Path, *, model_id: str | None = None, vectors: bool = True,
               then: Callable[[IndexSnapshot], T] | None = None) -> IndexSnapshot | T:
    """Open the live snapshot of `index_dir` (and return `then(snapshot)` if given).

    Raises IndexMissingError when there is none, IndexMismatchError when it was built with
    another schema version or (if `model_id` is given) another model, and IndexDamagedError when
    it cannot be read. If a build switches snapshots meanwhile, the new live one is opened; a
    failure of `then` closes the snapshot and counts as a read failure.
    """
    index_dir = Path(index_dir)

    def read(folder: Path) -> IndexSnapshot | T:
        manifest = read_manifest(folder)
        check_compatible(index_dir, manifest, model_id)
        snapshot = IndexSnapshot(folder, manifest, vectors=vectors)
        if then is None:
            return snapshot
        try:
            return then(snapshot)
        except BaseException:
            snapshot.close()
            raise

    return with_live_snapshot(index_dir, read, model_id=model_id, retry_on=_READ_ERRORS)


class StoredThesis(NamedTuple):
    thesis: Thesis
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray
    windows: list[tuple[int, int]]  # (first, last) sentence indices of the thesis (indexer.windows)
    window_vectors: np.ndarray
    tokens: PassageTokens  # its passages' token vectors (late interaction)


def load_thesis(snapshot: IndexSnapshot, doc: str) -> StoredThesis:
    """Read one thesis back from a snapshot, as parsed, with its stored vectors."""
    (row,) = snapshot.query("SELECT * FROM theses WHERE doc = ?", (doc,))
    tid = row["id"]
    rows = {table: snapshot.query(f"SELECT * FROM {table} WHERE thesis_id = ? ORDER BY {order}", (tid,))
            for table, order in (("pages", "physical"), ("sections", "idx"),
                                 ("passages", "idx"), ("sentences", "idx"))}
    section_idx = {r["id"]: r["idx"] for r in rows["sections"]}
    sections = [Section(index=r["idx"], number=r["number"], title=r["title"], level=r["level"],
                        parent=section_idx.get(r["parent_id"]), part=r["part"], start=r["start"],
                        content_start=r["content_start"], end=r["end"]) for r in rows["sections"]]
    sentences = [Sentence(index=r["idx"], start=r["start"], end=r["end"], text=r["text"],
                          section=section_idx[r["section_id"]], page=r["page"]) for r in rows["sentences"]]
    passages = [Passage(index=r["idx"], start=r["start"], end=r["end"], text=r["text"],
                        section=section_idx[r["section_id"]], part=r["part"], page_start=r["page_start"],
                        page_end=r["page_end"], first_sentence=r["first_sentence"],
                        last_sentence=r["last_sentence"], n_tokens=r["n_tokens"], language=r["language"])
                for r in rows["passages"]]
    pages = _pages(rows["pages"])
    thesis = Thesis(doc=doc, text=row["text"], content_hash=row["content_hash"],
                    source=SourceMap(*(tuple(run) for run in json.loads(row["source_map"]))),
                    pages=pages, sections=sections, sentences=sentences, passages=passages,
                    warnings=json.loads(row["warnings"]), derived=derived_fields(row["derived"]))
    first_row = rows["sentences"][0]["id"] - 1 if rows["sentences"] else 0
    columns = load_columns(snapshot.path / COLUMNS_FOLDER, "windows")
    mine = np.flatnonzero(columns["thesis"] == tid)
    windows = [(int(f) - first_row, int(last) - first_row) for f, last in zip(columns["first"][mine], columns["last"][mine])]
    return StoredThesis(thesis,
                        _vectors(snapshot.passage_vectors, [r["id"] for r in rows["passages"]], snapshot.dimension),
                        _vectors(snapshot.sentence_vectors, [r["id"] for r in rows["sentences"]], snapshot.dimension),
                        windows, _vectors(snapshot.window_vectors, (mine + 1).tolist(), snapshot.dimension),
                        _tokens(snapshot, [r["id"] for r in rows["passages"]]))


def _tokens(snapshot: IndexSnapshot, passage_ids: list[int]) -> PassageTokens:
    """The stored token vectors of the passages `passage_ids` (one thesis's, consecutive)."""
    if snapshot.token_vectors is None:
        raise StoreError("this snapshot was opened without its vectors")
    if not passage_ids:
        return PassageTokens.empty(0, snapshot.dimension)
    folder = snapshot.path / COLUMNS_FOLDER
    passages = load_columns(folder, "passages")
    rows = np.asarray(passage_ids, dtype=np.int64) - 1
    lo, hi = passages["token_lo"][rows], passages["token_hi"][rows]
    first, last = int(lo[0]), int(hi[-1])
    tokens = load_columns(folder, "tokens")
    return PassageTokens(np.array(tokens["id"][first:last]),
                         dequantise(snapshot.token_vectors[first:last], tokens["scale"][first:last]), hi - lo)


def _pages(rows: list[sqlite3.Row]) -> list[Page]:
    return [Page(start=r["start"], physical=r["physical"], number=r["number"], label=r["label"]) for r in rows]


def thesis_pages(snapshot: IndexSnapshot, thesis_id: int) -> list[Page]:
    """The pages of one thesis in order, with their printed labels."""
    return _pages(snapshot.query("SELECT start, physical, number, label FROM pages WHERE thesis_id = ? "
                                 "ORDER BY physical", (thesis_id,)))


def derived_fields(column: str) -> list[Suggestion]:
    """The `theses.derived` JSON column read back as records."""
    return [Suggestion(**item) for item in json.loads(column or "[]")]


def _vectors(matrix: np.ndarray | None, ids: list[int], dimension: int) -> np.ndarray:
    if matrix is None:
        raise StoreError("this snapshot was opened without its vectors")
    if not ids:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.array(matrix[np.asarray(ids, dtype=np.int64) - 1], dtype=np.float32)


# --------------------------------------------------------------------------- listings


def per_thesis_counts(snapshot: IndexSnapshot, table: str) -> dict[int, int]:
    """thesis id -> number of rows of `table` ("sections", "passages" or "sentences")."""
    if table not in ("sections", "passages", "sentences"):
        raise ValueError(f"no per-thesis table {table!r}")
    rows = snapshot.query(f"SELECT thesis_id, COUNT(*) AS n FROM {table} GROUP BY thesis_id")
    return {r["thesis_id"]: r["n"] for r in rows}


def page_counts(snapshot: IndexSnapshot) -> dict[int, int]:
    """thesis id -> pages."""
    return {r["id"]: r["n_pages"] for r in snapshot.query("SELECT id, n_pages FROM theses")}


def language_mix(snapshot: IndexSnapshot) -> dict[int, dict[str, int]]:
    """thesis id -> {passage language: passages}, most frequent language first."""
    mix: dict[int, dict[str, int]] = defaultdict(dict)
    for r in snapshot.query("SELECT thesis_id, language, COUNT(*) AS n FROM passages "
                            "GROUP BY thesis_id, language ORDER BY n DESC, language"):
        mix[r["thesis_id"]][r["language"]] = r["n"]
    return dict(mix)


def passage_languages(snapshot: IndexSnapshot) -> list[str]:
    """The passage languages present, most frequent first."""
    rows = snapshot.query("SELECT language, COUNT(*) AS n FROM passages GROUP BY language ORDER BY n DESC, language")
    return [r["language"] for r in rows]


class Neighbour(NamedTuple):
    start: int
    end: int
    section_id: int


def neighbours(snapshot: IndexSnapshot, thesis_id: int,
               passage_ids: tuple[int, ...]) -> tuple[Neighbour | None, Neighbour | None]:
    """The passages right before and right after the run of `passage_ids` in their thesis."""
    marks = ",".join("?" * len(passage_ids))
    idx = [r["idx"] for r in snapshot.query(f"SELECT idx FROM passages WHERE id IN ({marks})", passage_ids)]
    if not idx:
        return None, None
    rows = snapshot.query("SELECT idx, start, end, section_id FROM passages WHERE thesis_id = ? AND idx IN (?, ?)",
                          (thesis_id, min(idx) - 1, max(idx) + 1))
    found = {r["idx"]: Neighbour(r["start"], r["end"], r["section_id"]) for r in rows}
    return found.get(min(idx) - 1), found.get(max(idx) + 1)


class TocEntry(NamedTuple):
    section_id: int
    number: str
    title: str
    level: int
    part: str
    start: int
    end: int
    page: str  # the page the section starts on, as printed (a label such as "iv", else its number)


def table_of_contents(snapshot: IndexSnapshot, thesis_id: int) -> list[TocEntry]:
    """The sections of a thesis in text order, each with the page it starts on."""
    rows = snapshot.query(
        "SELECT s.id, s.number, s.title, s.level, s.part, s.start, s.end, "
        "(SELECT COALESCE(NULLIF(p.label, ''), CAST(p.number AS TEXT)) FROM pages p WHERE p.thesis_id = s.thesis_id AND p.start <= s.start "
        " ORDER BY p.start DESC LIMIT 1) AS page FROM sections s WHERE s.thesis_id = ? ORDER BY s.idx",
        (thesis_id,))
    return [TocEntry(r["id"], r["number"], r["title"], r["level"], r["part"], r["start"], r["end"],
                     str(r["page"] or 1)) for r in rows]
