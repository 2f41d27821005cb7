"""ONNX variants of a sentence-transformers folder: the graph exported, fused and (int8) quantised.

The fp32 variant keeps the token-embedding table out of the graph (`EMBEDDINGS_FILE`, read
memory-mapped): the graph is 86 MB instead of 470 MB and a session opens in 0.17 s instead of
0.8 s (2 s from a cold page cache), as fast as the int8 graph, so fp32 queries cost no start-up
time (bench/README.md). Each variant lives beside the model folder, git-ignored, and is published
like it (`models.publish`).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from models.materialise import DEFAULT_MODEL_NAME, DEFAULT_MODELS_DIR
from models.publish import build_atomically, ensure_built, write_json

ONNX_FILE = "model.onnx"
EMBEDDINGS_FILE = "embeddings.npy"  # the fp32 variant's token-embedding table (vocabulary x hidden, float32)
ONNX_MARKER = ".onnx-exported.json"
# Bump when the exported graph or its quantisation changes, so existing variants are rebuilt.
ONNX_EXPORT_VERSION = 4  # 4: the `tokens` output
EMBEDDING_OUTPUT = "embedding"  # batch x hidden: mean-pooled, L2-normalised
TOKENS_OUTPUT = "tokens"  # batch x tokens x hidden: each token's last hidden state, L2-normalised
ONNX_VARIANTS = ("fp32", "int8")


def onnx_variant_dir(folder: Path | str, variant: str, models_dir: Path | str = DEFAULT_MODELS_DIR) -> Path:
    """Where the ONNX ``variant`` of the sentence-transformers folder ``folder`` lives.

    The default model's variant is ``models/multilingual-e5-small.onnx-int8``; other folders get
    a short hash of their resolved path in the name so two folders never share one.
    """
    folder = Path(folder).resolve()
    name = folder.name
    if folder != (Path(models_dir) / DEFAULT_MODEL_NAME).resolve():
        name += "-" + hashlib.sha256(str(folder).encode()).hexdigest()[:8]
    return Path(models_dir) / f"{name}.onnx-{variant}"


def _onnx_fingerprint(folder: Path, variant: str) -> dict:
    import onnxruntime

    weights = folder / "model.safetensors"
    st = weights.stat()
    return {"source": str(folder), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "variant": variant,
            "export_version": ONNX_EXPORT_VERSION, "onnxruntime": onnxruntime.__version__}


def _onnx_is_current(target: Path, folder: Path, variant: str) -> bool:
    try:
        marker = json.loads((target / ONNX_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = (ONNX_FILE, EMBEDDINGS_FILE) if variant == "fp32" else (ONNX_FILE,)
    return marker == _onnx_fingerprint(folder, variant) and all((target / name).is_file() for name in files)


def export_onnx(folder: Path, target: Path, variant: str = "int8") -> Path:
    """Export the transformer + mean pooling + L2 normalisation of ``folder`` to ``target/model.onnx``.

    int8 graph: ``input_ids``, ``attention_mask`` (int64, batch x tokens) -> ``embedding``
    (float32, batch x hidden, L2-normalised) and ``tokens`` (float32, batch x tokens x hidden:
    each token's last hidden state, L2-normalised; padding rows are meaningless); its MatMul and fused Attention weights are quantised
    dynamically (per output channel, signed int8 weights, uint8 activations: the AVX512-VNNI /
    AMX-INT8 kernels), and so is the token-embedding table (118 MB instead of 403 MB). fp32 graph:
    ``inputs_embeds`` (float32, batch x tokens x hidden: rows of ``target/embeddings.npy``) and
    ``attention_mask`` -> ``embedding`` and ``tokens``. ONNX Runtime's transformer optimiser fuses attention,
    LayerNorm and GELU in both. Written atomically, like :func:`models.materialise.materialise`.
    """
    if variant not in ONNX_VARIANTS:
        raise ValueError(f"ONNX variant must be one of {ONNX_VARIANTS}, not {variant!r}")
    folder = Path(folder)

    def write(tmp: Path) -> None:
        config = _export_graph(folder, tmp / "raw.onnx", tmp / EMBEDDINGS_FILE if variant == "fp32" else None)
        _fuse(tmp / "raw.onnx", tmp / "fused.onnx", config)
        if variant == "int8":
            _quantise(tmp / "fused.onnx", tmp / ONNX_FILE)
        else:
            os.replace(tmp / "fused.onnx", tmp / ONNX_FILE)
        write_json(tmp / ONNX_MARKER, _onnx_fingerprint(folder, variant))  # completion marker, last

    return build_atomically(Path(target), write)


def _export_graph(folder: Path, out: Path, table: Path | None = None):
    """Trace the pooled, normalised model of `folder` into the ONNX file `out`; returns its config.

    With `table`, the token-embedding table is saved there and the graph starts from its rows
    (``inputs_embeds``), with the positions the model would number from the token ids: padding
    sits at the end of a row, so they follow from the mask.
    """
    import numpy as np
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True, dtype=torch.float32,
                                      attn_implementation="eager").eval()
    words = model.get_input_embeddings().weight.detach()

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, tokens, attention_mask):
            if table is None:
                hidden = self.inner(input_ids=tokens, attention_mask=attention_mask).last_hidden_state
            else:
                positions = torch.cumsum(attention_mask, dim=1) * attention_mask + config.pad_token_id
                hidden = self.inner(inputs_embeds=tokens, attention_mask=attention_mask,
                                    position_ids=positions).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1), torch.nn.functional.normalize(hidden, dim=-1)

    ids = torch.tensor([[0, 1000, 2000, 3000, 2], [0, 1000, 2, 1, 1]], dtype=torch.long)
    mask = (ids != config.pad_token_id).long()
    tokens, name = (ids, "input_ids") if table is None else (words[ids], "inputs_embeds")
    if table is not None:
        np.save(table, words.numpy())
    with torch.inference_mode():
        torch.onnx.export(Pooled(model), (tokens, mask), str(out), dynamo=False, opset_version=17,
                          input_names=[name, "attention_mask"], output_names=[EMBEDDING_OUTPUT, TOKENS_OUTPUT],
                          dynamic_axes={name: {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"},
                                        EMBEDDING_OUTPUT: {0: "batch"}, TOKENS_OUTPUT: {0: "batch", 1: "tokens"}})
    return config


def _fuse(raw: Path, out: Path, config) -> None:
    """ONNX Runtime's transformer optimiser over `raw` (deleted afterwards) into `out`."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                   hidden_size=config.hidden_size, opt_level=0).save_model_to_file(str(out))
    raw.unlink()


def _quantise(fused: Path, out: Path) -> None:
    """Dynamic int8 quantisation of `fused` (deleted afterwards) into `out`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(fused, out, per_channel=True, reduce_range=False,
                     weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Attention", "Gather"],
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    fused.unlink()


def ensure_onnx_model(folder: Path | str, variant: str = "int8",
                      models_dir: Path | str = DEFAULT_MODELS_DIR) -> Path:
    """Return the ONNX ``variant`` folder of ``folder``, exporting it under ``models_dir`` the first time.

    Idempotent and safe across processes (same lock as :func:`ensure_default_model`); rebuilt
    when the source weights, the exporter or the onnxruntime version change.
    """
    folder = Path(folder).resolve()
    target = onnx_variant_dir(folder, variant, models_dir)

    def export() -> None:
        with _quiet_export():
            export_onnx(folder, target, variant)

    return ensure_built(Path(models_dir), target, lambda: _onnx_is_current(target, folder, variant), export,
                        f"exporting {folder.name} to ONNX ({variant})")


@contextlib.contextmanager
def _quiet_export() -> Iterator[None]:
    """Silence the exporter's and optimiser's warnings and progress chatter."""
    import logging
    import warnings

    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    loggers = [logging.getLogger(n) for n in ("onnxruntime", "transformers", "root")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
        if bar:
            hf_logging.enable_progress_bar()
