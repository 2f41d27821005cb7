"""Columns of the passage, sentence, window and token tables as .npy files, memory-mapped by the query side.

The query side needs a few numbers per passage and sentence (thesis, offsets, page, the rows of
a passage's sentences, ...) for every query. Reading them from SQLite would cost seconds at
start-up on a large index; the build writes them once as arrays instead:
`columns/<table>.<column>.npy`, row i = SQLite id i + 1.
"""
from __future__ import annotations

from collections import defaultdict
import mmap
from pathlib import Path

import numpy as np

FOLDER = "columns"
SCHEMA: dict[str, dict[str, str]] = {
    "passages": {"thesis": "int64", "section": "int64", "start": "int64", "end": "int64",
                 "page_start": "int64", "page_end": "int64",
                 "sentence_lo": "int64", "sentence_hi": "int64",  # its sentences are rows lo..hi-1
                 "part": "U16", "language": "U8",
                 "token_lo": "int64", "token_hi": "int64"},  # its token vectors are rows lo..hi-1
    "sentences": {"thesis": "int64", "start": "int64", "end": "int64", "page": "int64",
                  "typicality": "float32"},  # indexer.typicality
    # Windows (indexer.windows): sentence rows first..last, inclusive, in (first, last) order.
    "windows": {"thesis": "int64", "first": "int64", "last": "int64"},
    # The passages' kept tokens (models.encoder.Encoder.encode_tokens): the token id of each row of
    # vectors/tokens.npy, passage by passage, and the scale of its int8 codes (store.int8).
    "tokens": {"id": "int32", "scale": "float32"},
}


class ColumnWriter:
    """Collects columns thesis by thesis; `write` stores them."""

    def __init__(self) -> None:
        self._chunks: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)

    def append(self, table: str, **columns: list) -> None:
        """Add rows to `table`; every column of its schema must be given, all of one length."""
        schema = SCHEMA[table]
        if set(columns) != set(schema):
            raise ValueError(f"{table} columns must be {sorted(schema)}, not {sorted(columns)}")
        for name, values in columns.items():
            self._chunks[table, name].append(np.asarray(values, dtype=schema[name]))

    def write(self, folder: Path) -> dict[str, int]:
        """Write every column into `folder`; returns the row count per table."""
        folder.mkdir(parents=True, exist_ok=True)
        rows = {}
        for table, schema in SCHEMA.items():
            for name, dtype in schema.items():
                chunks = self._chunks.get((table, name), [])
                column = np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)
                np.save(folder / f"{table}.{name}.npy", column.astype(dtype, copy=False))
                rows[table] = len(column)
        return rows


def load_columns(folder: Path, table: str) -> dict[str, np.ndarray]:
    """The columns of `table`, memory-mapped (read-only)."""
    return {name: load_array(folder / f"{table}.{name}.npy") for name in SCHEMA[table]}


def load_array(path: Path, *, random_access: bool = False) -> np.ndarray:
    """An .npy file memory-mapped read-only (numpy cannot map an empty array: that one is read).

    Returned as a plain ndarray view of the map: indexing an `np.memmap` goes through a Python
    `__getitem__` that cost a search ~2 ms in per-hit lookups. `random_access` (vector files,
    read a few scattered rows per query) turns off the kernel's read-ahead: without it every row
    touched pulled in ~128 KB around it, and at 1M passages a search process's file-backed memory
    grew by ~50 MB a query.
    """
    try:
        mapped = np.load(path, mmap_mode="r")
    except ValueError:
        return np.load(path)
    if random_access and hasattr(mmap, "MADV_RANDOM"):
        mapped._mmap.madvise(mmap.MADV_RANDOM)
    return np.asarray(mapped)
