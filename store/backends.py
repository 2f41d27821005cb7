"""Which store a front end reads and a build publishes to, from one `--store` value.

* a folder (the default `index`): the embedded snapshot store (FAISS + SQLite files);
* `postgresql://…` (or `postgres://…`): a PostgreSQL + pgvector database (store.pgstore);
* `pgserver:DIR`: the PostgreSQL bundled by the `pgserver` wheel, started with its data in DIR
  (store.pgserver) — one machine, no database to install.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from store.errors import PGSERVER_PREFIX, POSTGRESQL_PREFIXES, StoreError

T = TypeVar("T")
_servers: dict[Path, Any] = {}  # pgserver folders started by this process, kept running until it exits


@dataclass(frozen=True)
class StoreSpec:
    """A parsed `--store` value: `kind` is "embedded" (location: a folder) or "postgresql" (a URI)."""

    kind: str
    location: str
    given: str  # as the user wrote it, for messages

    @property
    def is_postgresql(self) -> bool:
        return self.kind == "postgresql"

    @property
    def key(self) -> str:
        """The same for every spelling of one store (engine caches are keyed by it)."""
        return self.location if self.is_postgresql else str(Path(self.location).resolve())


def parse_store(value: str | Path) -> StoreSpec:
    """The store named by `value`; StoreError for an empty or malformed value."""
    text = str(value).strip()
    if not text:
        raise StoreError("--store is empty; give a folder, postgresql://… or pgserver:DIR")
    if text.startswith(POSTGRESQL_PREFIXES):
        return StoreSpec("postgresql", text, text)
    if text.startswith(PGSERVER_PREFIX):
        folder = text.removeprefix(PGSERVER_PREFIX)
        if not folder:
            raise StoreError("pgserver: needs a folder for the server's data, e.g. pgserver:pgdata")
        return StoreSpec("postgresql", _pgserver_uri(Path(folder)), text)
    if "://" in text:
        raise StoreError(f"Unknown store {text!r}: give a folder, postgresql://… or pgserver:DIR")
    return StoreSpec("embedded", text, text)


def _pgserver_uri(folder: Path) -> str:
    from store.pgserver import PgServerError, start_pgserver

    key = folder.expanduser().resolve()
    if key not in _servers:
        try:
            _servers[key] = start_pgserver(key)
        except PgServerError as exc:
            raise StoreError(str(exc)) from exc
    return _servers[key].uri


def open_store(spec: StoreSpec, *, model_id: str | None = None, vectors: bool = True,
               then: Callable[[Any], T] | None = None) -> Any:
    """The live snapshot of `spec` (IndexSnapshot or PgSnapshot), or `then(snapshot)` if given."""
    if not spec.is_postgresql:
        from store.reader import open_index

        return open_index(Path(spec.location), model_id=model_id, vectors=vectors, then=then)
    from store.manifest import check_compatible
    from store.pgstore import PgSnapshot

    snapshot = PgSnapshot(spec.location, vectors=vectors)
    try:
        check_compatible(spec.given, snapshot.manifest, model_id)
        return snapshot if then is None else then(snapshot)
    except BaseException:
        snapshot.close()
        raise


def is_live(spec: StoreSpec, snapshot: Any) -> bool:
    """Whether `snapshot` (opened from `spec`) is still the store's live snapshot."""
    if spec.is_postgresql:
        return snapshot.is_live
    from store.layout import current_snapshot

    return current_snapshot(Path(spec.location), strict=False) == snapshot.path
