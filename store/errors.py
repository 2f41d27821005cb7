"""The store's errors, shown to users as a message (never a traceback), and the one rebuild hint."""
from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType


class StoreError(Exception):
    """Base class: the index on disk cannot be used as asked; the message is shown as is."""


class IndexMissingError(StoreError):
    """There is no index where one was expected."""


class IndexMismatchError(StoreError):
    """The index on disk was built with another model or schema version."""


class IndexDamagedError(StoreError):
    """The index on disk cannot be read."""


class IndexBusyError(StoreError):
    """Another build holds the index's lock."""


# What names a database store rather than an index folder (`store.backends.parse_store`).
POSTGRESQL_PREFIXES = ("postgresql://", "postgres://")
PGSERVER_PREFIX = "pgserver:"
DATABASE_PREFIXES = (*POSTGRESQL_PREFIXES, PGSERVER_PREFIX)


def shown(index_dir: Path | str) -> str:
    """`index_dir` as messages show it: with a trailing slash."""
    return f"{str(index_dir).rstrip('/')}/"


def build_command(index_dir: Path | str, model_id: str | None = None) -> str:
    """The command line that (re)builds `index_dir` (for `model_id`, if not the default)."""
    from models.materialise import DEFAULT_MODEL_ID

    command = "python -m indexer build"
    if str(index_dir).startswith(DATABASE_PREFIXES):
        command += f" --store {str(index_dir).rstrip('/')}"
    elif Path(index_dir) != Path("index"):
        command += f" --index {index_dir}"
    if model_id and model_id != DEFAULT_MODEL_ID:
        command += f" --model {model_id}"
    return command


def rebuild_hint(index_dir: Path | str, model_id: str | None = None) -> str:
    """"Run: python -m indexer build …", the ending of every message about an unusable index."""
    return f"Run: {build_command(index_dir, model_id)}"


def import_optional(name: str, error: type[Exception], needed_by: str) -> ModuleType:
    """The module `name` (imported only by the paths that use it), or `error` saying that
    `needed_by` needs it and how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise error(f"{needed_by} needs the {name} package: pip install -r requirements.txt") from exc
