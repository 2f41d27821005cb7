"""Test helpers for the two store backends: a fresh PostgreSQL database on the session's server,
and a store of either backend fed by real builds (`Store`)."""
from __future__ import annotations

import uuid
from pathlib import Path

import psycopg

from indexer.build import build_index
from qa.engine import Engine
from store.layout import current_snapshot
from store.pgstore import publish
from tests.conftest import writable_copy

BACKENDS = ("embedded", "postgresql")


def new_database(pg_uri: str) -> str:
    """The URI of a fresh, empty database on the session's server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_uri, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base, _, query = pg_uri.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


class Store:
    """One store of a backend and the build that feeds it (the embedded store is its own build folder).

    Starts as a copy of a built tiny corpus (`tiny`: corpus and index folders), already live in
    the store. `value` is what `--store`, `Engine` and `qa.load` take.
    """

    def __init__(self, kind: str, root: Path, pg_uri: str, encoder, tiny: tuple[Path, Path]):
        self.kind, self.encoder = kind, encoder
        self.corpus, self.staging = writable_copy(*tiny, root)
        self.value = str(self.staging) if kind == "embedded" else new_database(pg_uri)
        if kind == "postgresql":
            publish(current_snapshot(self.staging), self.value)

    def build(self, corpus: Path):
        report = build_index(corpus, self.staging, encoder=self.encoder, progress=False)
        assert report.exit_code == 0, report.summary()
        if self.kind == "postgresql":
            publish(report.snapshot, self.value)
        return report

    def build_command(self) -> list[str]:
        """The `python -m` arguments of the same build as a command line."""
        args = ["indexer", "build", "--corpus", str(self.corpus), "--index", str(self.staging)]
        return args + (["--store", self.value] if self.kind == "postgresql" else [])

    def engine(self) -> Engine:
        return Engine(self.value, encoder=self.encoder)
