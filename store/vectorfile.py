"""Embedding matrices on disk: appended thesis by thesis, sealed as one .npy file.

A build of a large corpus holds more sentence vectors than it should keep in memory, so rows go
straight to a raw file and are copied into the final .npy (memory-mapped by readers) at the end.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

FOLDER = "vectors"
_CHUNK_ROWS = 65_536


class VectorFile:
    """Rows of a fixed width (float32 unless `dtype` says otherwise), written to `path` (.npy) by `seal()`."""

    def __init__(self, path: Path, dimension: int, dtype: type = np.float32):
        self.path = path
        self.dimension = dimension
        self.dtype = dtype
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw_path = path.with_name(path.name + ".raw")
        self._raw = open(self._raw_path, "wb")

    def append(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=self.dtype)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected rows of {self.dimension} values, got shape {vectors.shape}")
        self._raw.write(vectors.tobytes())
        self.rows += len(vectors)

    def seal(self) -> None:
        """Write the .npy file and delete the raw one."""
        self._raw.close()
        if not self.rows:  # numpy cannot map an empty array
            np.save(self.path, np.zeros((0, self.dimension), dtype=self.dtype))
        else:
            shape = (self.rows, self.dimension)
            out = np.lib.format.open_memmap(self.path, mode="w+", dtype=self.dtype, shape=shape)
            raw = np.memmap(self._raw_path, dtype=self.dtype, mode="r", shape=shape)
            for first in range(0, self.rows, _CHUNK_ROWS):
                out[first:first + _CHUNK_ROWS] = raw[first:first + _CHUNK_ROWS]
            out.flush()
            del out, raw
        self._raw_path.unlink()

    def close(self) -> None:
        self._raw.close()
