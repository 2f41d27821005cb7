"""The index on disk: immutable snapshots, switched atomically.

Layout::

    index/CURRENT                      name of the live snapshot folder (one line)
    index/.lock                        held by a running build
    index/snapshots/<name>/
        manifest.json                  schema, model, parser, per-thesis hashes and counts
        passages.sqlite                theses, pages, sections, passages, sentences
        vectors/passages.npy           float32 passage embeddings, row = passages.id - 1
        vectors/sentences.npy          float32 sentence embeddings, row = sentences.id - 1
        passages.faiss                 search index over the passage rows (store.ann; the kind
                                       is chosen by corpus size and named in the manifest)
        columns/                       per-row arrays of the passage and sentence tables (store.columns)
        bm25/                          the lexical index over passages (store.lexical)

A build writes `snapshots/.tmp-<name>`, fsyncs it, renames it to `<name>` and then replaces
CURRENT; until that last step readers keep seeing the previous snapshot.

SQLite conventions: `id` columns are global row ids, numbered 1, 2, ... (row `id - 1` of the vector
and column files);
`idx` columns and `first_sentence`/`last_sentence` are positions within the thesis, as in
`store.records`; `*_id` columns refer to other tables' `id`. Offsets (`start`, `end`,
`content_start`) index `theses.text`.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import faiss
import numpy as np

from store.ann import DenseIndexSpec, build_dense_index, choose_spec
from store.records import ThesisMeta
from store.columns import FOLDER as COLUMNS_FOLDER
from store.columns import ColumnWriter, load_array
from indexer.typicality import sentence_typicality
from store.records import Page, Passage, Section, Sentence, SourceMap, Thesis
from indexer.errors import IndexerError, IndexMismatchError, IndexMissingError
from store.lexical import write_lexical_index
from store.vectorfile import FOLDER as VECTORS_FOLDER
from store.vectorfile import VectorFile

SCHEMA_VERSION = 4

CURRENT = "CURRENT"
LOCK = ".lock"
SNAPSHOTS = "snapshots"
TMP_PREFIX = ".tmp-"
MANIFEST = "manifest.json"
DATABASE = "passages.sqlite"
PASSAGES_FAISS = "passages.faiss"
PASSAGE_VECTORS = f"{VECTORS_FOLDER}/passages.npy"
SENTENCE_VECTORS = f"{VECTORS_FOLDER}/sentences.npy"

_SCHEMA = """
CREATE TABLE theses (
    id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    text TEXT NOT NULL, title TEXT NOT NULL, authors TEXT NOT NULL, year INTEGER,
    institution TEXT NOT NULL, degree TEXT NOT NULL, language TEXT NOT NULL,
    n_pages INTEGER NOT NULL, masked INTEGER NOT NULL,
    source_map TEXT NOT NULL, warnings TEXT NOT NULL
);
CREATE TABLE pages (
    thesis_id INTEGER NOT NULL REFERENCES theses(id), start INTEGER NOT NULL,
    physical INTEGER NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (thesis_id, physical)
);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, number TEXT NOT NULL, title TEXT NOT NULL, level INTEGER NOT NULL,
    parent_id INTEGER REFERENCES sections(id), part TEXT NOT NULL,
    start INTEGER NOT NULL, content_start INTEGER NOT NULL, end INTEGER NOT NULL
);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, section_id INTEGER NOT NULL REFERENCES sections(id),
    part TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    page_start INTEGER NOT NULL, page_end INTEGER NOT NULL, language TEXT NOT NULL,
    first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL, n_tokens INTEGER NOT NULL
);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, thesis_id INTEGER NOT NULL REFERENCES theses(id),
    idx INTEGER NOT NULL, section_id INTEGER NOT NULL REFERENCES sections(id),
    passage_id INTEGER REFERENCES passages(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER NOT NULL
);
CREATE INDEX sections_thesis ON sections (thesis_id, idx);
CREATE INDEX passages_thesis ON passages (thesis_id, idx);
CREATE INDEX sentences_thesis ON sentences (thesis_id, idx);
CREATE INDEX sentences_passage ON sentences (passage_id);
"""



# --------------------------------------------------------------------------- locating


def current_snapshot(index_dir: Path) -> Path | None:
    """The live snapshot folder named by CURRENT, or None if there is none."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = Path(index_dir) / SNAPSHOTS / name
    return path if name and (path / MANIFEST).is_file() else None


def read_manifest(snapshot: Path) -> dict[str, Any]:
    """The manifest of a snapshot folder."""
    try:
        return json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexerError(f"{snapshot / MANIFEST} is unreadable ({exc}); rebuild the index") from exc


def build_command(index_dir: Path, model_id: str | None = None) -> str:
    """The command line that (re)builds `index_dir`, for messages."""
    try:
        from models.materialise import DEFAULT_MODEL_ID
    except ImportError:
        DEFAULT_MODEL_ID = None
    command = "python -m indexer build"
    if Path(index_dir) != Path("index"):
        command += f" --index {index_dir}"
    if model_id and model_id != DEFAULT_MODEL_ID:
        command += f" --model {model_id}"
    return command


def _shown(index_dir: Path) -> str:
    return f"{str(index_dir).rstrip('/')}/"


# --------------------------------------------------------------------------- reading


class IndexSnapshot:
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
        if vectors:
            self.passage_index = faiss.read_index(str(path / PASSAGES_FAISS))
            self.passage_vectors = load_array(path / PASSAGE_VECTORS, random_access=True)
            self.sentence_vectors = load_array(path / SENTENCE_VECTORS, random_access=True)
        self.db = sqlite3.connect(f"{(path / DATABASE).resolve().as_uri()}?mode=ro", uri=True,
                                  check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("SELECT 1 FROM theses LIMIT 1")  # fail now if the file is not our database
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    @property
    def dimension(self) -> int:
        return self.manifest["dimension"]

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Run a read query; serialised, since the connection is shared between threads."""
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> IndexSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(index_dir: Path, *, model_id: str | None = None, vectors: bool = True) -> IndexSnapshot:
    """Open the live snapshot of `index_dir`.

    Raises IndexMissingError when there is none, and IndexMismatchError when it was built with
    another schema version or (if `model_id` is given) another model.
    """
    index_dir = Path(index_dir)
    for _ in range(3):  # a build may switch snapshots (and delete this one) while we open it
        snapshot = current_snapshot(index_dir)
        if snapshot is None:
            raise IndexMissingError(f"No index in {_shown(index_dir)}. Run: {build_command(index_dir, model_id)}")
        try:
            manifest = read_manifest(snapshot)
            _check_compatible(index_dir, manifest, model_id)
            return IndexSnapshot(snapshot, manifest, vectors=vectors)
        except IndexMismatchError:
            raise
        except (IndexerError, sqlite3.Error, RuntimeError, OSError, ValueError) as exc:
            error = exc
            if current_snapshot(index_dir) == snapshot:
                break
    raise IndexerError(f"Index in {_shown(index_dir)} is damaged ({error}). "
                       f"Run: {build_command(index_dir, model_id)}") from error


def _check_compatible(index_dir: Path, manifest: dict[str, Any], model_id: str | None) -> None:
    schema, built_with = manifest.get("schema_version"), manifest.get("model_id")
    if schema != SCHEMA_VERSION or (model_id is not None and built_with != model_id):
        needs = f"model {model_id} (schema {SCHEMA_VERSION})" if model_id else f"schema {SCHEMA_VERSION}"
        raise IndexMismatchError(
            f"Index in {_shown(index_dir)} was built with model {built_with} (schema {schema}); "
            f"this program needs {needs}. Run: {build_command(index_dir, model_id)}"
        )


class StoredThesis(NamedTuple):
    thesis: Thesis
    passage_vectors: np.ndarray
    sentence_vectors: np.ndarray


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
    pages = [Page(start=r["start"], physical=r["physical"], number=r["number"]) for r in rows["pages"]]
    thesis = Thesis(doc=doc, text=row["text"], content_hash=row["content_hash"],
                    source=SourceMap(*(tuple(run) for run in json.loads(row["source_map"]))),
                    pages=pages, sections=sections, sentences=sentences, passages=passages,
                    warnings=json.loads(row["warnings"]))
    return StoredThesis(thesis,
                        _vectors(snapshot.passage_vectors, [r["id"] for r in rows["passages"]], snapshot.dimension),
                        _vectors(snapshot.sentence_vectors, [r["id"] for r in rows["sentences"]], snapshot.dimension))


def _vectors(matrix: np.ndarray | None, ids: list[int], dimension: int) -> np.ndarray:
    if matrix is None:
        raise IndexerError("this snapshot was opened without its vectors")
    if not ids:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.array(matrix[np.asarray(ids, dtype=np.int64) - 1], dtype=np.float32)


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold `index_dir/.lock` so that two builds cannot write the same index at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexerError(f"Another build is writing {_shown(index_dir)}; wait for it to finish") from None
        yield


class SnapshotWriter:
    """Writes one new snapshot; `commit()` makes it the live one, `abort()` removes it.

    Use it as a context manager: leaving the block by any exception (KeyboardInterrupt
    included) before `commit()` deletes the temporary folder and leaves CURRENT untouched.
    Call it under `build_lock`.
    """

    def __init__(self, index_dir: Path, dimension: int, *, dense_spec: DenseIndexSpec | None = None):
        self.index_dir = Path(index_dir)
        self.dimension = dimension
        self.dense_spec = dense_spec  # None: chosen by corpus size at commit
        snapshots = self.index_dir / SNAPSHOTS
        snapshots.mkdir(parents=True, exist_ok=True)
        for stale in snapshots.glob(f"{TMP_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        self.tmp = snapshots / f"{TMP_PREFIX}{self.name}"
        self.tmp.mkdir()
        self.db = sqlite3.connect(self.tmp / DATABASE)
        self.db.execute("PRAGMA journal_mode = OFF")  # a failed build discards the file anyway
        self.db.execute("PRAGMA synchronous = OFF")  # fsynced once in commit()
        self.db.executescript(_SCHEMA)
        self.passage_vectors = VectorFile(self.tmp / PASSAGE_VECTORS, dimension)
        self.sentence_vectors = VectorFile(self.tmp / SENTENCE_VECTORS, dimension)
        self.columns = ColumnWriter()
        self.theses: dict[str, dict[str, Any]] = {}
        self._next = {"theses": 1, "sections": 1, "passages": 1, "sentences": 1}
        self._done = False

    def _ids(self, table: str, n: int) -> list[int]:
        first = self._next[table]
        self._next[table] = first + n
        return list(range(first, first + n))

    def add(self, thesis: Thesis, meta: ThesisMeta, passage_vectors: np.ndarray,
            sentence_vectors: np.ndarray, **extra: Any) -> dict[str, Any]:
        """Write one thesis with its vectors; returns its manifest entry (plus `extra`)."""
        if len(passage_vectors) != len(thesis.passages) or len(sentence_vectors) != len(thesis.sentences):
            raise ValueError(f"{thesis.doc}: vector counts do not match passages/sentences")
        (tid,) = self._ids("theses", 1)
        section_ids = dict(zip((s.index for s in thesis.sections), self._ids("sections", len(thesis.sections))))
        passage_ids = self._ids("passages", len(thesis.passages))
        sentence_ids = self._ids("sentences", len(thesis.sentences))
        first_passage: dict[int, int] = {}
        passage_language: dict[int, str] = {}  # a sentence's language: its first passage's
        for pid, p in zip(passage_ids, thesis.passages):
            for s in range(p.first_sentence, p.last_sentence + 1):
                first_passage.setdefault(s, pid)
                passage_language.setdefault(s, p.language)
        source = thesis.source
        db = self.db
        db.execute("INSERT INTO theses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            tid, thesis.doc, thesis.content_hash, thesis.text, meta.title, json.dumps(meta.authors,
            ensure_ascii=False), meta.year, meta.institution, meta.degree, meta.language,
            len(thesis.pages), int(not meta.keep_personal_data),
            json.dumps([source.clean_starts, source.source_starts, source.lengths]),
            json.dumps(thesis.warnings, ensure_ascii=False)))
        db.executemany("INSERT INTO pages VALUES (?,?,?,?)",
                       [(tid, p.start, p.physical, p.number) for p in thesis.pages])
        db.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
            (section_ids[s.index], tid, s.index, s.number, s.title, s.level,
             section_ids.get(s.parent) if s.parent is not None else None,
             s.part, s.start, s.content_start, s.end) for s in thesis.sections])
        db.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (pid, tid, p.index, section_ids[p.section], p.part, p.start, p.end, p.text, p.page_start,
             p.page_end, p.language, p.first_sentence, p.last_sentence, p.n_tokens)
            for pid, p in zip(passage_ids, thesis.passages)])
        db.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?,?)", [
            (sid, tid, s.index, section_ids[s.section], first_passage.get(s.index), s.start, s.end,
             s.text, s.page) for sid, s in zip(sentence_ids, thesis.sentences)])
        self.passage_vectors.append(passage_vectors)
        self.sentence_vectors.append(sentence_vectors)
        first_row = sentence_ids[0] - 1 if sentence_ids else 0
        self.columns.append(
            "passages", thesis=[tid] * len(passage_ids), section=[section_ids[p.section] for p in thesis.passages],
            start=[p.start for p in thesis.passages], end=[p.end for p in thesis.passages],
            page_start=[p.page_start for p in thesis.passages], page_end=[p.page_end for p in thesis.passages],
            sentence_lo=[first_row + p.first_sentence for p in thesis.passages],
            sentence_hi=[first_row + p.last_sentence + 1 for p in thesis.passages],
            part=[p.part for p in thesis.passages], language=[p.language for p in thesis.passages])
        self.columns.append(
            "sentences", thesis=[tid] * len(sentence_ids), start=[s.start for s in thesis.sentences],
            end=[s.end for s in thesis.sentences], page=[s.page for s in thesis.sentences],
            typicality=sentence_typicality(
                sentence_vectors, passage_vectors, [(p.first_sentence, p.last_sentence + 1) for p in thesis.passages],
                [passage_language.get(s.index, meta.language or "no") for s in thesis.sentences],
                [p.language for p in thesis.passages]))
        entry = {"content_hash": thesis.content_hash, "masked": not meta.keep_personal_data,
                 "pages": len(thesis.pages), "sections": len(thesis.sections),
                 "passages": len(thesis.passages), "sentences": len(thesis.sentences), **extra}
        self.theses[thesis.doc] = entry
        return entry

    def totals(self) -> dict[str, int]:
        keys = ("pages", "sections", "passages", "sentences")
        return {"theses": len(self.theses), **{k: sum(t[k] for t in self.theses.values()) for k in keys}}

    def commit(self, manifest: dict[str, Any]) -> Path:
        """Seal the snapshot with `manifest` (theses and totals added here) and switch to it."""
        self.db.commit()
        artefacts = {"bm25": write_lexical_index(self.tmp, self.db)}
        self.db.close()
        artefacts["columns"] = {"folder": COLUMNS_FOLDER, "rows": self.columns.write(self.tmp / COLUMNS_FOLDER)}
        self.passage_vectors.seal()
        self.sentence_vectors.seal()
        spec = self.dense_spec or choose_spec(self.passage_vectors.rows)
        vectors = load_array(self.tmp / PASSAGE_VECTORS)
        faiss.write_index(build_dense_index(vectors, spec), str(self.tmp / PASSAGES_FAISS))
        del vectors
        artefacts["vectors"] = {"folder": VECTORS_FOLDER, "passages": self.passage_vectors.rows,
                                "sentences": self.sentence_vectors.rows, "dtype": "float32"}
        manifest = {"schema_version": SCHEMA_VERSION, "snapshot": self.name, **manifest,
                    "dense_index": spec.to_json(), "theses": self.theses, "totals": self.totals(),
                    "artefacts": artefacts}
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        _fsync_tree(self.tmp)
        final = self.tmp.with_name(self.name)
        os.rename(self.tmp, final)
        self.tmp = final  # so that abort() still cleans up until CURRENT names it
        _fsync_dir(final.parent)
        _write_atomically(self.index_dir / CURRENT, self.name + "\n")
        self._done = True
        for old in final.parent.iterdir():
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
        return final

    def abort(self) -> None:
        """Discard the unfinished snapshot (unless CURRENT already names it)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.passage_vectors.close()
        self.sentence_vectors.close()
        if current_snapshot(self.index_dir) != self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._done = True

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self.abort()


def _fsync_tree(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


# --------------------------------------------------------------------------- status


def index_status(index_dir: Path) -> str:
    """What the live snapshot of `index_dir` holds, for people."""
    with open_index(index_dir, vectors=False) as snap:
        m = snap.manifest
        theses = snap.query("SELECT id, doc, title, authors, year, n_pages FROM theses ORDER BY doc")
        mix: dict[int, dict[str, int]] = {}
        for r in snap.query("SELECT thesis_id, language, COUNT(*) AS n FROM passages "
                            "GROUP BY thesis_id, language ORDER BY n DESC"):
            mix.setdefault(r["thesis_id"], {})[r["language"]] = r["n"]
    t = m["totals"]
    lines = [
        f"Index:     {_shown(Path(index_dir))} (snapshot {m['snapshot']})",
        f"Built:     {m['built_at']} in {m['build_seconds']:.1f} s",
        f"Model:     {m['model_id']}; dimension {m['dimension']}; {m['dtype']}",
        f"Format:    schema {m['schema_version']}; parser {m['parser_version']}; "
        f"passages of at most {m['token_budget']} tokens",
        f"Contents:  {plural(t['theses'], 'thesis', 'theses')}: {format_count(t['passages'])} passages, "
        f"{format_count(t['sentences'])} sentences, {format_count(t['pages'])} pages",
    ]
    for r in theses:
        entry = m["theses"][r["doc"]]
        authors = "; ".join(json.loads(r["authors"]))
        who = " ".join(x for x in (authors, f"({r['year']})" if r["year"] else "") if x)
        label = " — ".join(x for x in (f"“{r['title']}”" if r["title"] else "", who) if x)
        langs = mix.get(r["id"], {})
        total = sum(langs.values()) or 1
        lines += [
            "",
            f"{r['doc']}" + (f"  {label}" if label else ""),
            f"    {format_count(entry['passages'])} passages, {format_count(entry['sentences'])} sentences, "
            f"{r['n_pages']} pages; passage languages "
            + (", ".join(f"{lang} {100 * n / total:.0f}%" for lang, n in langs.items()) or "-"),
        ]
    return "\n".join(lines)


def plural(n: int, one: str, many: str) -> str:
    """plural(1, "thesis", "theses") -> "1 thesis"."""
    return f"{format_count(n)} {one if n == 1 else many}"


def format_count(value: int) -> str:
    """1234567 -> "1 234 567" (Norwegian digit grouping)."""
    return f"{value:,}".replace(",", " ")
