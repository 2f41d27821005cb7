"""store.int8: token vectors as int8 codes with a scale per row, on the real model's token vectors."""
from __future__ import annotations

import numpy as np

from store.int8 import LEVELS, dequantise, quantise

TEXTS = ["Ettervern etter døgnbehandling handler om oppfølging, bolig og meningsfull aktivitet.",
         "Recovery capital: the resources a person can draw on to start and sustain recovery."]


def token_vectors(encoder) -> np.ndarray:
    _, tokens = encoder.encode_tokens(TEXTS, "passage")
    return np.concatenate([t.vectors for t in tokens])


def test_codes_stand_for_the_rows_within_half_a_step(encoder):
    vectors = token_vectors(encoder)
    codes, scales = quantise(vectors)
    assert codes.dtype == np.int8 and scales.dtype == np.float32 and codes.shape == vectors.shape
    assert np.all(np.abs(codes.astype(np.int16)).max(axis=1) == LEVELS)  # every row uses the full range
    error = np.abs(dequantise(codes, scales) - vectors)
    assert np.all(error <= scales[:, None] / 2 + 1e-7)
    cosines = np.sum(dequantise(codes, scales) * vectors, axis=1) / np.linalg.norm(dequantise(codes, scales), axis=1)
    assert cosines.min() > 0.9995


def test_quantising_decoded_rows_gives_the_same_codes(encoder):
    codes, scales = quantise(token_vectors(encoder))
    again, rescaled = quantise(dequantise(codes, scales))
    assert np.array_equal(again, codes)
    np.testing.assert_allclose(rescaled, scales, rtol=1e-6)


def test_zero_and_empty_rows():
    codes, scales = quantise(np.zeros((2, 4), dtype=np.float32))
    assert not codes.any() and not scales.any()
    codes, scales = quantise(np.zeros((0, 4), dtype=np.float32))
    assert codes.shape == (0, 4) and scales.shape == (0,)
    assert dequantise(codes, scales).shape == (0, 4)
