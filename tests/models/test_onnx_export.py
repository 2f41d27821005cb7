"""ONNX variants: the fp32 graph starts from token embeddings kept beside it, and reproduces PyTorch fp32."""
from __future__ import annotations

import time

import numpy as np
import pytest

import models.onnx_export as onnx_export
from models.choice import MIN_QUERY_COSINE
from models.materialise import ensure_default_model
from models.precision import onnxruntime_available

pytestmark = pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime is not installed")

TEXTS = ["Hvordan påvirker rus sosiale relasjoner?", "Goffman describes front stage and back stage.",
         "Hva er recovery?", "Ettervern for unge rusavhengige etter døgnbehandling krever tett oppfølging."]


def test_the_fp32_graph_keeps_the_embedding_table_beside_it_and_reproduces_pytorch(tmp_path):
    import onnxruntime as ort

    from models.encoder import Encoder

    folder = ensure_default_model()
    target = onnx_export.ensure_onnx_model(folder, "fp32")
    graph, table = target / onnx_export.ONNX_FILE, target / onnx_export.EMBEDDINGS_FILE
    assert onnx_export._onnx_is_current(target, folder.resolve(), "fp32")
    assert graph.stat().st_size < 0.25 * table.stat().st_size  # the table (250 037 x 384) is most of the model
    started = time.perf_counter()
    session = ort.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
    print(f"\nfp32 graph opened in {time.perf_counter() - started:.2f} s")
    assert [i.name for i in session.get_inputs()] == ["inputs_embeds", "attention_mask"]
    ours, ref = Encoder(dtype="onnx-fp32", show_progress=False), Encoder(dtype="fp32", show_progress=False)
    for encode in ("encode_queries", "encode_passages"):  # one batch with padding, and texts alone
        batch, alone = getattr(ours, encode)(TEXTS), np.vstack([getattr(ours, encode)([t]) for t in TEXTS])
        expected = getattr(ref, encode)(TEXTS)
        assert np.sum(batch * expected, axis=1).min() >= MIN_QUERY_COSINE
        assert np.sum(alone * expected, axis=1).min() >= MIN_QUERY_COSINE
    copy = tmp_path / target.name  # without its table, a variant is not current (it is exported again)
    copy.mkdir()
    for name in (onnx_export.ONNX_FILE, onnx_export.ONNX_MARKER):
        (copy / name).symlink_to(target / name)
    assert not onnx_export._onnx_is_current(copy, folder.resolve(), "fp32")
    (copy / table.name).symlink_to(table)
    assert onnx_export._onnx_is_current(copy, folder.resolve(), "fp32")


def test_the_int8_graph_reads_token_ids():
    import onnxruntime as ort

    target = onnx_export.ensure_onnx_model(ensure_default_model(), "int8")
    session = ort.InferenceSession(str(target / onnx_export.ONNX_FILE), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input_ids", "attention_mask"]
    assert not (target / onnx_export.EMBEDDINGS_FILE).exists()
