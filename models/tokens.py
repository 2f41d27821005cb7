"""Count e5 tokens the way the model sees a passage, without loading the model's weights.

The prompt is the model folder's passage prompt (`models.prompts`), the one `Encoder`
adds, so `indexer inspect` and `indexer build` count alike.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

TokenCounter = Callable[[str], int]


@lru_cache(maxsize=4)
def passage_token_counter(model: str | None = None) -> TokenCounter:
    """A function giving the number of tokens (prompt and special tokens included) of a passage."""
    from transformers import AutoTokenizer

    from models.materialise import ensure_default_model
    from models.prompts import prompt_for, read_prompts

    folder = str(ensure_default_model()) if model is None else model
    tokenizer = AutoTokenizer.from_pretrained(folder)
    prompt = (prompt_for(read_prompts(Path(folder)), "passage") if Path(folder).is_dir() else None) or ""

    def count(text: str) -> int:
        return len(tokenizer(prompt + text, add_special_tokens=True, truncation=False)["input_ids"])

    return count
