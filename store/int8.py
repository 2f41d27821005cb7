"""Token vectors as int8 codes with one float32 scale per row: half the bytes of float16.

A row v is stored as codes round(v / s) with s = max |v_i| / 127, so its largest component maps to
±127 and code × scale gives v back to within s / 2 a component. Late-interaction scores computed
from them (`models.widen`) ranked and answered the 122 project questions exactly as float16
rows did (eval/README.md, phase 19). Quantising a row decoded from its codes gives the same codes
back (and its scale to float32 rounding), so a thesis whose rows are copied from an older snapshot
into a new one keeps them.
"""
from __future__ import annotations

import numpy as np

LEVELS = 127


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 codes, float32 scales) of the rows of `vectors`; an all-zero row gets scale 0."""
    vectors = np.asarray(vectors, dtype=np.float32)
    scales = np.abs(vectors).max(axis=1, initial=0.0) / LEVELS
    safe = np.where(scales > 0, scales, 1.0)[:, None]
    return np.rint(vectors / safe).clip(-LEVELS, LEVELS).astype(np.int8), scales.astype(np.float32)


def dequantise(codes: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """The float32 rows that `codes` and `scales` stand for."""
    return np.asarray(codes, dtype=np.float32) * np.asarray(scales, dtype=np.float32)[:, None]
