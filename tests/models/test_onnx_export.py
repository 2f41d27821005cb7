"""ONNX variants: int8 is quantised from a current fp32 export instead of exporting again."""
from __future__ import annotations

import time

import numpy as np
import pytest

import models.onnx_export as onnx_export
from models.materialise import ensure_default_model
from models.precision import onnxruntime_available

pytestmark = pytest.mark.skipif(not onnxruntime_available(), reason="onnxruntime is not installed")


def test_int8_is_quantised_from_the_current_fp32_export(tmp_path, monkeypatch):
    from models.backends import OnnxBackend, pad_batch
    from models.encoder import Encoder

    folder = ensure_default_model()
    fp32_dir = onnx_export.ensure_onnx_model(folder, "fp32")  # the fused fp32 graph (exported once)
    (tmp_path / onnx_export.onnx_variant_dir(folder, "fp32", tmp_path).name).symlink_to(fp32_dir)

    def no_export(*args, **kwargs):
        raise AssertionError("the graph was exported again")

    monkeypatch.setattr(onnx_export, "_export_graph", no_export)
    started = time.perf_counter()
    int8_dir = onnx_export.ensure_onnx_model(folder, "int8", models_dir=tmp_path)
    print(f"\nint8 quantised from the fp32 export in {time.perf_counter() - started:.1f} s")
    assert int8_dir.parent == tmp_path and (fp32_dir / onnx_export.ONNX_FILE).is_file()  # input kept
    assert onnx_export._onnx_is_current(int8_dir, folder.resolve(), "int8")
    reference = Encoder(dtype="onnx-fp32", show_progress=False)
    texts = ["passage: Hvordan påvirker rus sosiale relasjoner?", "passage: Goffman describes front stage."]
    ids, mask = pad_batch(reference._token_ids(texts), reference._tokenizer.pad_token_id or 0)
    ours = OnnxBackend(int8_dir / onnx_export.ONNX_FILE, 1)(ids, mask, 1)
    cos = np.sum(ours * reference.encode_passages([t.removeprefix("passage: ") for t in texts]), axis=1)
    assert cos.min() >= 0.98
    assert (int8_dir / onnx_export.ONNX_FILE).stat().st_size < 0.5 * (fp32_dir / onnx_export.ONNX_FILE).stat().st_size
