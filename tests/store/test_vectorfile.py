"""Vector files: rows appended in pieces come back whole, in order, from the sealed .npy."""
from __future__ import annotations

import numpy as np
import pytest

from store.columns import load_array
from store.vectorfile import VectorFile


def test_pieces_come_back_in_order(tmp_path):
    rng = np.random.default_rng(0)
    pieces = [rng.standard_normal((n, 8)).astype(np.float32) for n in (3, 0, 70_000, 1)]
    out = VectorFile(tmp_path / "v" / "x.npy", 8)
    for piece in pieces:
        out.append(piece)
    out.seal()
    stored = load_array(tmp_path / "v" / "x.npy")
    assert isinstance(stored.base, np.memmap) and stored.dtype == np.float32  # a view of the map, not a copy
    np.testing.assert_array_equal(stored, np.concatenate(pieces))
    assert [p.name for p in (tmp_path / "v").iterdir()] == ["x.npy"]  # the raw file is gone
    np.testing.assert_array_equal(load_array(tmp_path / "v" / "x.npy", random_access=True), stored)  # MADV_RANDOM


def test_empty_file(tmp_path):
    out = VectorFile(tmp_path / "x.npy", 4)
    out.seal()
    assert load_array(tmp_path / "x.npy").shape == (0, 4)


def test_wrong_width_is_refused(tmp_path):
    out = VectorFile(tmp_path / "x.npy", 4)
    with pytest.raises(ValueError, match="rows of 4 values"):
        out.append(np.zeros((2, 5), dtype=np.float32))
    out.close()
