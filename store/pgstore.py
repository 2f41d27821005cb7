"""The PostgreSQL store: snapshots as schemas in one database, read through the same API as the
embedded snapshot (`store.reader.IndexSnapshot`), dense search by pgvector HNSW.

Each published snapshot is a schema `snap_<name>` holding the tables of `store.schema` (same
columns; `end` is quoted), `passage_vectors` / `sentence_vectors` / `window_vectors` (pgvector, an HNSW index on the
passages) and `files`: the manifest, the per-row columns, the BM25 index and the int8 token
vectors of the snapshot (`store.columns`, `store.lexical`, `store.layout.TOKEN_VECTORS`) as bytes in
parts of at most `FILE_PART_BYTES`,
so that lexical scoring is the project's own BM25, identical to the embedded store's, and the
token vectors (143k rows on this corpus; read by range, never searched) are memory-mapped from
the local cache like the columns. `public.tesesok_live` names the live schema.

Publishing writes the new schema and switches `tesesok_live` to it in ONE transaction: a reader
sees the old or the new corpus whole, and a failed or killed publish leaves the live one as it
was (PostgreSQL rolls the transaction back). The schema before the live one is kept (readers that
opened it keep working until the next publish); older ones are dropped.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from store.ann import DenseIndexSpec
from store.columns import FOLDER as COLUMNS_FOLDER
from store.errors import IndexDamagedError, IndexMissingError, StoreError, import_optional
from store.layout import DATABASE, MANIFEST, PASSAGE_VECTORS, SENTENCE_VECTORS, TOKEN_VECTORS, WINDOW_VECTORS
from store.lexical import FOLDER as LEXICAL_FOLDER
from store.manifest import check_compatible
from store.columns import load_array
from store.reader import OpenSnapshot

LIVE_TABLE = "public.tesesok_live"
TABLES = ("theses", "pages", "sections", "passages", "sentences")
FILE_FOLDERS = (COLUMNS_FOLDER, LEXICAL_FOLDER)  # snapshot files kept as bytes in `files`
# pgvector builds HNSW far slower once the graph outgrows maintenance_work_mem (64 MB by default):
# give the build what the graph needs, ~2.0 KB per passage at m 32 (bench.scale: 203 MB at 100k),
# with room to spare, from 1 GB up to a cap that leaves the server's other memory alone.
HNSW_BYTES_PER_ROW = 3 * 1024
HNSW_BUILD_MEMORY_MB = (1024, 8192)
MATRIX_CHUNK_ROWS = 50_000  # vector rows read per query when a reader opens
# Snapshot files are kept in `files` as parts of at most this many bytes: one bytea value holds at
# most 1 GB (the token vectors pass that at ~8 000 passages), and publishing or opening a snapshot
# holds one part in memory, never a whole file.
FILE_PART_BYTES = 64 * 2**20
MAX_EF_SEARCH = 1000  # pgvector's limit for hnsw.ef_search
KEEP_PREVIOUS = 1  # schemas before the live one kept for readers still on them
_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}


def _psycopg() -> Any:
    return import_optional("psycopg", StoreError, "a postgresql:// store")


def connect(uri: str) -> Any:
    """An autocommit connection with pgvector types registered; StoreError if it cannot be made."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(uri, autocommit=True)
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        from pgvector.psycopg import register_vector

        register_vector(conn)
    except psycopg.Error as exc:
        raise StoreError(f"Cannot open the PostgreSQL store {_shown(uri)}: {str(exc).strip()}") from exc
    return conn


def _shown(uri: str) -> str:
    """`uri` without its password."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", uri)


def live_schema(conn: Any) -> str | None:
    """The schema readers are switched to, or None before the first publish."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {LIVE_TABLE} (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
                 "schema text NOT NULL, history text[] NOT NULL DEFAULT '{}')")
    row = conn.execute(f"SELECT schema FROM {LIVE_TABLE}").fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- publishing


def publish(snapshot: Path, uri: str) -> str:
    """Copy the embedded snapshot folder `snapshot` into a new schema and make it live; its name."""
    conn = connect(uri)
    schema = "snap_" + re.sub(r"[^a-z0-9_]", "_", snapshot.name.lower())
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    try:
        live = live_schema(conn)
        if live == schema:
            return schema  # already live (an update that changed nothing)
        with conn.transaction():
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # a leftover of an earlier attempt
            conn.execute(f"CREATE SCHEMA {schema}")
            _copy_tables(conn, schema, snapshot / DATABASE)
            dimension = manifest["dimension"]
            for table, name in (("passage_vectors", PASSAGE_VECTORS), ("sentence_vectors", SENTENCE_VECTORS),
                                ("window_vectors", WINDOW_VECTORS)):
                _copy_vectors(conn, f"{schema}.{table}", load_array(snapshot / name), dimension)
            spec = DenseIndexSpec.from_json(manifest.get("dense_index"))
            conn.execute(f"SET LOCAL maintenance_work_mem = '{hnsw_build_memory_mb(manifest)}MB'")
            conn.execute(f"CREATE INDEX ON {schema}.passage_vectors USING hnsw (embedding vector_ip_ops) "
                         f"WITH (m = {spec.m}, ef_construction = {spec.ef_construction})")
            _copy_files(conn, schema, snapshot, manifest)
            history = [s for s in _history(conn) + ([live] if live else []) if s != schema]
            for old in history[:-KEEP_PREVIOUS] if len(history) > KEEP_PREVIOUS else []:
                conn.execute(f"DROP SCHEMA IF EXISTS {old} CASCADE")
            kept = history[-KEEP_PREVIOUS:]
            conn.execute(f"INSERT INTO {LIVE_TABLE} (schema, history) VALUES (%s, %s) ON CONFLICT (one) "
                         f"DO UPDATE SET schema = EXCLUDED.schema, history = EXCLUDED.history", (schema, kept))
    except _psycopg().Error as exc:
        raise StoreError(f"Could not publish to {_shown(uri)} ({str(exc).strip()}); "
                         f"the live snapshot there is unchanged") from exc
    finally:
        conn.close()
    return schema


def hnsw_build_memory_mb(manifest: dict[str, Any]) -> int:
    """maintenance_work_mem, in MB, for building the HNSW index of a snapshot's passages."""
    low, high = HNSW_BUILD_MEMORY_MB
    return int(min(high, max(low, manifest["totals"]["passages"] * HNSW_BYTES_PER_ROW / 2**20)))


def _history(conn: Any) -> list[str]:
    row = conn.execute(f"SELECT history FROM {LIVE_TABLE}").fetchone()
    return list(row[0]) if row else []


def _copy_tables(conn: Any, schema: str, database: Path) -> None:
    """The SQLite tables of a snapshot, same columns, rows copied with COPY."""
    lite = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for table in TABLES:
            columns = lite.execute(f"PRAGMA table_info({table})").fetchall()
            names = [f'"{c[1]}"' for c in columns]
            ddl = ", ".join(f"{n} {_TYPES.get(c[2].upper(), 'text')}" for n, c in zip(names, columns))
            conn.execute(f"CREATE TABLE {schema}.{table} ({ddl})")
            with conn.cursor().copy(f"COPY {schema}.{table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT * FROM {table}"):
                    copy.write_row(row)
            key = "(thesis_id, physical)" if table == "pages" else "(id)"
            conn.execute(f"ALTER TABLE {schema}.{table} ADD PRIMARY KEY {key}")
            if table != "theses":
                conn.execute(f"CREATE INDEX ON {schema}.{table} (thesis_id)")
        conn.execute(f"CREATE UNIQUE INDEX ON {schema}.theses (doc)")
    finally:
        lite.close()


def _copy_vectors(conn: Any, table: str, matrix: np.ndarray, dimension: int) -> None:
    conn.execute(f"CREATE TABLE {table} (id bigint PRIMARY KEY, embedding vector({dimension}) NOT NULL)")
    with conn.cursor().copy(f"COPY {table} (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "vector"])
        for row, vector in enumerate(np.asarray(matrix, dtype=np.float32)):
            copy.write_row((row + 1, vector))


def _copy_files(conn: Any, schema: str, snapshot: Path, manifest: dict[str, Any]) -> None:
    """The manifest and the snapshot's files (`FILE_FOLDERS`, the token vectors) into `files`,
    each file as numbered parts of at most `FILE_PART_BYTES`."""
    conn.execute(f"CREATE TABLE {schema}.files (name text, part integer, data bytea NOT NULL, PRIMARY KEY (name, part))")
    insert = f"INSERT INTO {schema}.files (name, part, data) VALUES (%s, %s, %s)"
    conn.execute(insert, (MANIFEST, 0, json.dumps(manifest).encode()))
    paths = [snapshot / TOKEN_VECTORS] + [p for folder in FILE_FOLDERS
                                         for p in sorted((snapshot / folder).rglob("*")) if p.is_file()]
    for path in paths:
        for part, data in enumerate(_parts(path)):
            conn.execute(insert, (path.relative_to(snapshot).as_posix(), part, data))


def _parts(path: Path) -> Iterator[bytes]:
    """The file's bytes in parts of at most `FILE_PART_BYTES` (an empty file: one empty part)."""
    with path.open("rb") as f:
        data = f.read(FILE_PART_BYTES)
        yield data
        while len(data) == FILE_PART_BYTES and (data := f.read(FILE_PART_BYTES)):
            yield data


# --------------------------------------------------------------------------- reading


class Row(tuple):
    """A result row readable by position and by column name, like sqlite3.Row."""

    names: dict[str, int]

    def __new__(cls, names: dict[str, int], values: Any) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self.names[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(names, values)


_END = re.compile(r'(?<![\w"])end(?![\w"])')


def translate(sql: str) -> str:
    """An SQLite query of the query side in PostgreSQL: `?` placeholders, the `end` column quoted."""
    return _END.sub('"end"', sql.replace("?", "%s"))


class PgDenseIndex:
    """Nearest passages by pgvector: HNSW over all rows; exact over the allowed rows when filtered."""

    def __init__(self, snapshot: PgSnapshot, rows: int):
        self.snapshot, self.ntotal = snapshot, rows

    def nearest(self, vector: np.ndarray, k: int, allowed: np.ndarray | None,
                *, ef_search: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, inner products) of the `k` nearest passages, best first, as store.ann.search_dense."""
        from pgvector import Vector

        q = Vector(np.asarray(vector, dtype=np.float32))
        with self.snapshot.lock, self.snapshot.conn.transaction():
            conn = self.snapshot.conn
            if allowed is None:
                # pgvector returns at most ef_search rows and accepts at most 1000.
                conn.execute(f"SET LOCAL hnsw.ef_search = {min(MAX_EF_SEARCH, int(max(ef_search, k)))}")
                rows = conn.execute("SELECT id - 1, -(embedding <#> %s) FROM passage_vectors "
                                    "ORDER BY embedding <#> %s LIMIT %s", (q, q, k)).fetchall()
            else:  # a filter: HNSW would drop matches after the search, so scan the allowed rows
                ids = (np.flatnonzero(allowed) + 1).tolist()
                rows = conn.execute("SELECT id - 1, -(embedding <#> %s) AS s FROM passage_vectors "
                                    "WHERE id = ANY(%s) ORDER BY s DESC LIMIT %s", (q, ids, k)).fetchall()
        return (np.asarray([r[0] for r in rows], dtype=np.int64),
                np.asarray([r[1] for r in rows], dtype=np.float32))


class PgSnapshot(OpenSnapshot):
    """The live snapshot of a PostgreSQL store, with the API of store.reader.IndexSnapshot.

    `path` is a local cache folder holding the snapshot's files (columns, BM25) read from the
    database once; the vectors are read into memory; `query` runs on the database.
    """

    def __init__(self, uri: str, *, vectors: bool = True, cache: Path | None = None):
        self.uri = uri
        self.conn = connect(uri)
        self.conn.row_factory = _row_factory
        self.lock = threading.Lock()
        try:
            self.schema = live_schema(self.conn)
            if self.schema is None:
                raise IndexMissingError(f"No index in the PostgreSQL store {_shown(uri)}; "
                                        f"build one with: python -m indexer build --store {_shown(uri)}")
            self.conn.execute(f"SET search_path TO {self.schema}, public")
            (raw,) = self.query("SELECT data FROM files WHERE name = ?", (MANIFEST,))
            self.manifest = json.loads(bytes(raw[0]))
            check_compatible(_shown(uri), self.manifest)  # before its files: another schema may lay them out otherwise
            self.dense_spec = DenseIndexSpec.from_json(self.manifest.get("dense_index"))
            self.path = self._materialise(cache or Path(tempfile.gettempdir()) / "tesesok-pg")
            self.passage_index = self.passage_vectors = self.sentence_vectors = self.window_vectors = None
            self.token_vectors = None
            if vectors:
                self.passage_vectors = self._matrix("passage_vectors")
                self.sentence_vectors = self._matrix("sentence_vectors")
                self.window_vectors = self._matrix("window_vectors")
                self.token_vectors = load_array(self.path / TOKEN_VECTORS, random_access=True)
                self.passage_index = PgDenseIndex(self, len(self.passage_vectors))
        except BaseException:
            self.conn.close()
            raise

    @property
    def is_live(self) -> bool:
        with self.lock:
            return live_schema(self.conn) == self.schema

    def query(self, sql: str, params: tuple | dict = ()) -> list[Row]:
        """Run a read query of the query side (SQLite syntax, see `translate`)."""
        with self.lock:
            return self.conn.execute(translate(sql), params).fetchall()

    def _matrix(self, table: str) -> np.ndarray:
        """A vector table as one matrix in id order, read in chunks into a preallocated array (so
        that reading never needs twice the matrix's memory)."""
        with self.lock, self.conn.cursor(binary=True) as cur:
            (n,) = cur.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            out = np.empty((n, self.dimension), dtype=np.float32)
            done, last = 0, 0
            while done < n:
                rows = cur.execute(f"SELECT id, embedding FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                                   (last, MATRIX_CHUNK_ROWS)).fetchall()
                if not rows:
                    raise IndexDamagedError(f"{table} of {_shown(self.uri)} lost rows while being read")
                out[done:done + len(rows)] = [r[1].to_numpy() for r in rows]
                done, last = done + len(rows), rows[-1][0]
        return out

    def _materialise(self, cache: Path) -> Path:
        """The snapshot's files under `cache/<database>/<schema>/`, written once (atomically)."""
        digest = re.sub(r"\W", "_", f"{self.conn.info.host}_{self.conn.info.port}_{self.conn.info.dbname}")
        folder = cache / digest / self.schema
        if (folder / MANIFEST).is_file():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        for name, part in self.query("SELECT name, part FROM files ORDER BY name, part"):
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            (data,) = self.query("SELECT data FROM files WHERE name = ? AND part = ?", (name, part))
            with target.open("ab" if part else "wb") as f:
                f.write(data[0])
        try:
            os.rename(tmp, folder)
        except OSError:  # another process materialised it first
            shutil.rmtree(tmp, ignore_errors=True)
            if not (folder / MANIFEST).is_file():
                raise IndexDamagedError(f"Cannot write the cache of {_shown(self.uri)} in {folder}/")
        self._prune(folder.parent)
        return folder

    def _prune(self, database: Path) -> None:
        """Remove the cached files of snapshots whose schema the database has dropped (`publish`
        keeps `KEEP_PREVIOUS`), so that a store rebuilt often does not fill the disk."""
        # Folders first, schemas second: a folder another reader adds meanwhile is of a schema
        # that was live before it, so the schemas read afterwards hold it unless it was dropped.
        folders = [f for f in database.iterdir() if not f.name.startswith(".")]
        schemas = {row[0] for row in self.query("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, 'snap_')")}
        for folder in folders:
            if folder.name not in schemas:
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        self.conn.close()

