"""The e5 prompts (prefixes): what the model expects before a query and before a passage.

Written into the materialised model's ``config_sentence_transformers.json``; the encoder and the
token counter read them back from the model folder (so another model brings its own) through
`read_prompts` and pick one with `prompt_for`.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

PROMPTS = MappingProxyType({"query": "query: ", "passage": "passage: "})
# Names sentence-transformers models use for the document-side prompt.
_PASSAGE_NAMES = ("passage", "document", "corpus")


def read_prompts(folder: Path) -> dict[str, str]:
    """The non-empty prompts of the sentence-transformers folder `folder` ({} if it has none)."""
    try:
        config = json.loads((Path(folder) / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: text for name, text in (config.get("prompts") or {}).items() if text}


def prompt_for(prompts: Mapping[str, str], kind: str) -> str | None:
    """The prompt for `kind` ("query" or "passage") among `prompts`, None if there is none."""
    names = _PASSAGE_NAMES if kind == "passage" else (kind,)
    return next((prompts[n] for n in names if n in prompts), None)
