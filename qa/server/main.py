"""`python -m qa serve`: check the settings, then run uvicorn (one process, one shared engine)."""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from qa.server.settings import Settings
from store.backends import StoreSpec, parse_store
from store.errors import StoreError, rebuild_hint, shown


def serve(index_dir: Path | str, host: str, port: int) -> int:
    """Serve the API over `index_dir` (a folder or a --store value) until interrupted; 2 with a
    message when the settings are refused."""
    try:
        spec = parse_store(index_dir)  # a malformed --store fails now, not in the background loader
        settings = Settings.from_env(index_dir, host)
    except (ValueError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    problem = (settings.problem() or (None if 0 < port < 65536 else f"--port must be 1-65535, got {port}")
               or _missing_folder(spec) or _port_taken(host, port))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    import uvicorn

    from qa.server.app import create_app

    where = "a PostgreSQL store" if "://" in str(index_dir) else f"index {index_dir}"  # no password printed
    print(f"Tesesøk API on http://{host}:{port} (docs: /docs), {where}", file=sys.stderr)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)
    return 0


def _missing_folder(spec: StoreSpec) -> str | None:
    """Why an index folder cannot be served: it does not exist (one that exists but holds no index
    yet is served, and answers 503 until a build lands in it)."""
    if spec.kind != "embedded" or Path(spec.location).is_dir():
        return None
    return f"No index in {shown(spec.location)}. {rebuild_hint(spec.location)}"


def _port_taken(host: str, port: int) -> str | None:
    """Why uvicorn could not listen on host:port, found before the server says it is up."""
    try:
        with socket.create_server((host, port)):
            return None
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc}"
