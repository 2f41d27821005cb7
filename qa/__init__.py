"""Query side of Tesesøk: load an index once, then `search` passages and `ask` questions.

    import qa
    answer = qa.ask("Hva er recovery?")          # uses index/ in the working folder
    hits = qa.search("sosialt nettverk", k=5, filters=qa.Filters.of(languages=["no"]))
"""
from __future__ import annotations

from pathlib import Path

from qa.answer import Answer, ask as _ask
from qa.engine import Engine, load
from qa.errors import QueryError
from qa.filters import Filters
from qa.search import Hit, search as _search

__all__ = ["Answer", "Engine", "Filters", "Hit", "QueryError", "ask", "load", "search"]


def search(query: str, k: int = 10, filters: Filters | None = None, *, index_dir: Path | str = "index") -> list[Hit]:
    """The `k` best passages for `query` (see qa.search.search)."""
    return _search(load(index_dir), query, k, filters)


def ask(question: str, k: int = 5, filters: Filters | None = None, *, index_dir: Path | str = "index") -> Answer:
    """An extractive, cited answer to `question` (see qa.answer.ask)."""
    return _ask(load(index_dir), question, k, filters)
