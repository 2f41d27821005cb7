"""The encoder's backends and batching: PyTorch (sentence-transformers modules) or ONNX Runtime.

Texts are tokenised once, sorted by length and cut into batches under a padded-token budget
(`plan_batches`); each batch is padded to its own longest text (`pad_batch`) and run by a
backend that returns L2-normalised mean-pooled vectors (and, asked with `with_tokens`, each
token's L2-normalised contextual vector as well: the late-interaction evidence of `qa.search`).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from models.onnx_export import EMBEDDING_OUTPUT, EMBEDDINGS_FILE, TOKENS_OUTPUT
from models.unigram import UnigramTokenizer

TOKEN_BUDGET = 8192  # padded tokens per batch (batch rows x longest row)


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
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


class TorchBackend:
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
        return self.with_tokens(input_ids, mask, threads, tokens=False)[0]

    def with_tokens(self, input_ids: np.ndarray, mask: np.ndarray, threads: int,
                    tokens: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Pooled vectors (batch x hidden) and normalised token vectors (batch x tokens x hidden,
        padding rows included; None unless `tokens`)."""
        torch = self._torch
        self._set_threads(threads)
        features = {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask)}
        with torch.inference_mode():
            out = self.st.forward(features)
            emb = torch.nn.functional.normalize(out["sentence_embedding"].float(), dim=1)
            words = torch.nn.functional.normalize(out["token_embeddings"].float(), dim=-1) if tokens else None
        return emb.numpy(), None if words is None else words.numpy()


class OnnxBackend:
    """ONNX Runtime session over the exported graph (ids, mask -> normalised mean-pooled vectors).

    A graph that starts from token embeddings (the fp32 export, `models.onnx_export`) gets them
    from the table beside it, memory-mapped: only the rows a text uses are read.
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
        self._input = self._session.get_inputs()[0].name
        self._table = np.load(path.parent / EMBEDDINGS_FILE, mmap_mode="r") if self._input == "inputs_embeds" else None

    def __call__(self, input_ids: np.ndarray, mask: np.ndarray, threads: int) -> np.ndarray:
        return self.with_tokens(input_ids, mask, threads, tokens=False)[0]

    def with_tokens(self, input_ids: np.ndarray, mask: np.ndarray, threads: int,
                    tokens: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Like `TorchBackend.with_tokens`: the graph's ``embedding`` and (if `tokens`) ``tokens`` outputs."""
        inputs = input_ids if self._table is None else np.asarray(self._table[input_ids], dtype=np.float32)
        names = [EMBEDDING_OUTPUT, TOKENS_OUTPUT] if tokens else [EMBEDDING_OUTPUT]
        out = self._session.run(names, {self._input: inputs, "attention_mask": mask})
        return np.asarray(out[0], dtype=np.float32), np.asarray(out[1], dtype=np.float32) if tokens else None


class JsonTokenizer:
    """The model's ``tokenizer.json``, behind the small part of the transformers tokenizer interface
    the encoder uses. The ONNX path needs no transformers (and so no torch) import: a query process
    starts seconds sooner and uses less memory. For queries it runs `models.unigram` (the same ids
    as the `tokenizers` library, 77 MB and 0.44 s to load against 288 MB and 0.67 s); for passages
    the library, 17 times faster on long texts (the corpus's passages and sentences: 0.25 s
    against 4.3 s).
    """

    def __init__(self, path: Path, config: dict, for_queries: bool = False) -> None:
        unigram = _query_tokenizer(path) if for_queries else None
        if unigram is not None:
            self._batch = lambda texts, special: [unigram.encode(text, special) for text in texts]
            token_to_id = unigram.token_to_id
        else:
            from tokenizers import Tokenizer

            library = Tokenizer.from_file(str(path))
            library.no_truncation()
            library.no_padding()
            self._batch = lambda texts, special: [
                e.ids for e in library.encode_batch(texts, add_special_tokens=special)]
            token_to_id = library.token_to_id
        pad = config.get("pad_token")
        pad = pad.get("content") if isinstance(pad, dict) else pad
        self.pad_token_id = token_to_id(pad) if pad else None
        self.model_max_length = int(config.get("model_max_length") or 512)

    def __call__(self, texts: list[str], add_special_tokens: bool = True, **_: object) -> dict[str, list[list[int]]]:
        return {"input_ids": self._batch(texts, add_special_tokens)}


def _query_tokenizer(path: Path) -> UnigramTokenizer | None:
    """`models.unigram` over `path`, or None (the library then reads it) for a file of another layout."""
    try:
        return UnigramTokenizer(path)
    except ValueError:
        return None
