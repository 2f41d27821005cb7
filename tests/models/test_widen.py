"""models.widen: the float16 x float32 product of the late-interaction scores, against NumPy.

Real token vectors of the real model (the session-wide `encoder` fixture, tests/conftest.py),
stored as float16 the way the index stores them.
"""
from __future__ import annotations

import numpy as np
import pytest

from models import widen
from models.precision import onnxruntime_available

PASSAGES = [
    "Informantene beskriver hvordan sosial støtte fra familie og venner var avgjørende i bedringsprosessen.",
    "Ettervern etter døgnbehandling handler om oppfølging, bolig og meningsfull aktivitet.",
]
QUESTION = "What role did family support play in recovery from addiction?"


@pytest.fixture(scope="module")
def vectors(encoder) -> tuple[np.ndarray, np.ndarray]:
    _, passages = encoder.encode_tokens(PASSAGES, "passage")
    _, (query,) = encoder.encode_tokens([QUESTION], "query")
    half = np.concatenate([p.vectors for p in passages]).astype(np.float16)
    return half, query.vectors.T


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_graph_is_the_cast_and_matmul_it_claims():
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Cast", ["half"], ["wide"], to=TensorProto.FLOAT),
             helper.make_node("MatMul", ["wide", "single"], ["product"])]
    graph = helper.make_graph(
        nodes, "widened_product",
        [helper.make_tensor_value_info("half", TensorProto.FLOAT16, ["n", "d"]),
         helper.make_tensor_value_info("single", TensorProto.FLOAT, ["d", "m"])],
        [helper.make_tensor_value_info("product", TensorProto.FLOAT, ["n", "m"])])
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    assert onnx.load_from_string(widen.GRAPH) == built
    onnx.checker.check_model(built)


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_onnxruntime_product_matches_numpy(vectors):
    half, single = vectors
    reference = half.astype(np.float32) @ single
    product = widen.widened_product(half, single)
    assert product.dtype == np.float32 and product.shape == reference.shape == (len(half), single.shape[1])
    np.testing.assert_allclose(product, reference, atol=1e-5)
    assert reference.max() > 0.5  # real, related vectors: the comparison is not over zeros


def test_numpy_fallback_without_onnxruntime(vectors, monkeypatch):
    half, single = vectors
    monkeypatch.setattr(widen, "onnxruntime_available", lambda: False)
    widen._session.cache_clear()
    try:
        np.testing.assert_array_equal(widen.widened_product(half, single), half.astype(np.float32) @ single)
    finally:
        widen._session.cache_clear()


@pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime cannot run here")
def test_numpy_fallback_when_onnxruntime_cannot_run_the_graph(vectors, monkeypatch):
    import onnxruntime

    def refuse(*args, **kwargs):
        raise RuntimeError("Unsupported model IR version")

    half, single = vectors
    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)
    widen._session.cache_clear()
    try:
        np.testing.assert_array_equal(widen.widened_product(half, single), half.astype(np.float32) @ single)
    finally:
        widen._session.cache_clear()


def test_empty_sides(vectors):
    half, single = vectors
    assert widen.widened_product(half[:0], single).shape == (0, single.shape[1])
    assert widen.widened_product(half, single[:, :0]).shape == (len(half), 0)
