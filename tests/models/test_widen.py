"""models.widen: the scaled int8 x float32 product of the late-interaction scores, against NumPy.

Real token vectors of the real model (the session-wide `encoder` fixture, tests/conftest.py),
quantised to int8 codes and scales the way the index stores them (`store.int8`).
"""
from __future__ import annotations

import numpy as np
import pytest

from models import widen
from models.precision import onnxruntime_available
from store.int8 import dequantise, quantise

PASSAGES = [
    "Informantene beskriver hvordan sosial støtte fra familie og venner var avgjørende i bedringsprosessen.",
    "Ettervern etter døgnbehandling handler om oppfølging, bolig og meningsfull aktivitet.",
]
QUESTION = "What role did family support play in recovery from addiction?"


@pytest.fixture(scope="module")
def vectors(encoder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, passages = encoder.encode_tokens(PASSAGES, "passage")
    _, (query,) = encoder.encode_tokens([QUESTION], "query")
    codes, scales = quantise(np.concatenate([p.vectors for p in passages]))
    return codes, scales, query.vectors.T


def numpy_product(codes: np.ndarray, scales: np.ndarray, single: np.ndarray) -> np.ndarray:
    return dequantise(codes, scales) @ single


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_graph_is_the_cast_and_matmul_it_claims():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Cast", ["codes"], ["wide"], to=TensorProto.FLOAT),
             helper.make_node("MatMul", ["wide", "single"], ["raw"]),
             helper.make_node("Mul", ["raw", "scales"], ["product"])]
    graph = helper.make_graph(
        nodes, "widened_product",
        [helper.make_tensor_value_info("codes", TensorProto.INT8, ["n", "d"]),
         helper.make_tensor_value_info("scales", TensorProto.FLOAT, ["n", 1]),
         helper.make_tensor_value_info("single", TensorProto.FLOAT, ["d", "m"])],
        [helper.make_tensor_value_info("product", TensorProto.FLOAT, ["n", "m"])])
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    assert onnx.load_from_string(widen.GRAPH) == built
    onnx.checker.check_model(built)


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_onnxruntime_product_matches_numpy(vectors):
    codes, scales, single = vectors
    reference = numpy_product(codes, scales, single)
    product = widen.widened_product(codes, scales, single)
    assert product.dtype == np.float32 and product.shape == reference.shape == (len(codes), single.shape[1])
    np.testing.assert_allclose(product, reference, atol=1e-5)
    assert reference.max() > 0.5  # real, related vectors: the comparison is not over zeros


def assert_numpy_fallback(codes: np.ndarray, scales: np.ndarray, single: np.ndarray) -> None:
    """With the session decided anew (under the caller's patch), the product is NumPy's."""
    widen._session.cache_clear()
    try:
        assert widen._session() is None
        np.testing.assert_allclose(widen.widened_product(codes, scales, single), numpy_product(codes, scales, single),
                                   atol=1e-6)
    finally:
        widen._session.cache_clear()


def test_numpy_fallback_without_onnxruntime(vectors, monkeypatch):
    monkeypatch.setattr(widen, "onnxruntime_available", lambda: False)
    assert_numpy_fallback(*vectors)


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_numpy_fallback_when_onnxruntime_cannot_run_the_graph(vectors, monkeypatch):
    import onnxruntime

    def refuse(*args, **kwargs):
        raise RuntimeError("Unsupported model IR version")

    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)
    assert_numpy_fallback(*vectors)


def test_empty_sides(vectors):
    codes, scales, single = vectors
    assert widen.widened_product(codes[:0], scales[:0], single).shape == (0, single.shape[1])
    assert widen.widened_product(codes, scales, single[:, :0]).shape == (len(codes), 0)
