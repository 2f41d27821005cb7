"""Where the index is, and the one `Engine` per server process that all sessions share.

The index folder comes from the environment variable `TESESOK_INDEX` (default `index`, relative
to the project folder). Loading takes seconds (the encoder), so the engine is cached with
`st.cache_resource`, keyed by the folder and its live snapshot: after `python -m indexer build`
switches snapshots, the next page load picks up the new index. Tests hand in an engine they have
already loaded with `preload`.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from store.snapshot import current_snapshot
from qa.engine import Engine

ENV_VAR = "TESESOK_INDEX"
DEFAULT_INDEX = "index"
PROJECT_DIR = Path(__file__).resolve().parent.parent

_preloaded: dict[Path, Engine] = {}


def index_dir() -> Path:
    """The index folder named by `TESESOK_INDEX`, made absolute against the project folder."""
    raw = os.environ.get(ENV_VAR, "").strip() or DEFAULT_INDEX
    path = Path(raw).expanduser()
    return (path if path.is_absolute() else PROJECT_DIR / path).resolve()


def preload(index: Path | str, engine: Engine) -> None:
    """Use `engine` for `index` from now on instead of loading it (for tests)."""
    _preloaded[Path(index).resolve()] = engine


def forget_preloaded() -> None:
    """Undo every `preload`."""
    _preloaded.clear()


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(index: str, snapshot: str) -> Engine:
    """Load the engine for `index`; `snapshot` only keys the cache (a new build, a new engine)."""
    return Engine(Path(index))


def get_engine(index: Path) -> Engine:
    """The shared engine for `index`. Raises IndexMissingError / IndexerError as `Engine` does."""
    index = index.resolve()
    if index in _preloaded:
        return _preloaded[index]
    snapshot = current_snapshot(index)
    return _load(str(index), snapshot.name if snapshot else "")
