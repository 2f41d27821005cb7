"""Errors the query side reports to users as a message, never as a traceback.

`QueryError` is about the question; the index's own errors (missing, damaged, built with another
model) come from the store, the model's from models, and the one command-line error path
(`run_command`) from store.cli; they are re-exported here so that front ends need only `qa`.
"""
import json

from models.errors import ModelError
from store.cli import describe, run_command
from store.errors import IndexMismatchError, IndexMissingError, StoreError

__all__ = ["IndexMismatchError", "IndexMissingError", "ModelError", "QueryError", "StoreError", "describe",
           "run_command", "shown_value"]


class QueryError(Exception):
    """A question or filter that cannot be answered as given (empty, unknown thesis, …)."""


def shown_value(value: object) -> str:
    """A value a user gave, as JSON writes it (true, null, "5"): requests and batch lines are JSON."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
