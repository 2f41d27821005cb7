"""The PostgreSQL server bundled by the `pgserver` wheel (PostgreSQL 16 with pgvector), for
`--store pgserver:DIR` on a single machine and for the tests.

The server keeps its data in DIR and listens on a Unix socket there only (no TCP port). Several
processes may open the same DIR: the first starts the server, the last one to exit stops it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PgServerError(Exception):
    """The bundled server could not be started; the message says why."""


@dataclass
class PgServer:
    """A running bundled server: connect with `uri`; `stop()` when done (or let the process exit)."""

    folder: Path
    uri: str
    _handle: Any

    def stop(self) -> None:
        self._handle.cleanup()


def start_pgserver(folder: Path | str) -> PgServer:
    """Start (or attach to) the bundled PostgreSQL server whose data lives in `folder`.

    `folder` is created if its parent exists. The pgvector extension is enabled in the default
    database.
    """
    folder = Path(folder).expanduser().resolve()
    try:
        import pgserver
        import psycopg
    except ImportError as exc:
        raise PgServerError(f"pgserver:{folder} needs the pgserver and psycopg packages: "
                            f"pip install -r requirements.txt ({exc.name} is missing)") from exc
    if not folder.parent.is_dir():
        raise PgServerError(f"Cannot put a PostgreSQL server in {folder}/: {folder.parent}/ does not exist")
    if folder.exists() and not folder.is_dir():
        raise PgServerError(f"Cannot put a PostgreSQL server in {folder}: it is a file")
    try:
        handle = pgserver.get_server(folder, cleanup_mode="stop")
        uri = handle.get_uri()
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except Exception as exc:  # pgserver raises bare CalledProcessError, AssertionError, OSError, ...
        log = folder / "log"
        hint = f"; see {log}" if log.is_file() else ""
        raise PgServerError(f"Could not start the PostgreSQL server in {folder}/ ({exc}){hint}") from exc
    return PgServer(folder, uri, handle)
