"""Count e5 tokens the way the model sees a passage, without loading the model's weights."""
from __future__ import annotations

from functools import lru_cache

from indexer.passages import TokenCounter

PASSAGE_PROMPT = "passage: "


@lru_cache(maxsize=4)
def passage_token_counter(model: str | None = None) -> TokenCounter:
    """A function giving the number of tokens (prompt and special tokens included) of a passage."""
    from transformers import AutoTokenizer

    from models.materialise import ensure_default_model

    tokenizer = AutoTokenizer.from_pretrained(str(ensure_default_model()) if model is None else model)

    def count(text: str) -> int:
        return len(tokenizer(PASSAGE_PROMPT + text, add_special_tokens=True, truncation=False)["input_ids"])

    return count
