"""Where the index is, and the engine that all sessions of the server share.

The index folder comes from the environment variable `TESESOK_INDEX` (default `index`, relative
to the project folder). The engine is `qa.load`'s: loaded once per process (it takes seconds,
the encoder), and loaded anew after `python -m indexer build` switches snapshots.
"""
from __future__ import annotations

import os
from pathlib import Path

import qa
from qa.engine import Engine

ENV_VAR = "TESESOK_INDEX"
DEFAULT_INDEX = "index"
PROJECT_DIR = Path(__file__).resolve().parent.parent


def index_dir() -> Path | str:
    """The index folder named by `TESESOK_INDEX`, made absolute against the project folder, or the
    database store it names (postgresql://… or pgserver:DIR) as given."""
    raw = os.environ.get(ENV_VAR, "").strip() or DEFAULT_INDEX
    if raw.startswith(("postgresql://", "postgres://", "pgserver:")):
        return raw
    path = Path(raw).expanduser()
    return (path if path.is_absolute() else PROJECT_DIR / path).resolve()


def get_engine(index: Path | str) -> Engine:
    """The shared engine for `index`, warmed up (`Engine.warm_up`; after the first call this costs
    nothing). Raises IndexMissingError / StoreError as `Engine` does."""
    engine = qa.load(index)
    engine.warm_up()
    return engine
