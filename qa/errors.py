"""Errors the query side reports to users as a message, never as a traceback.

`QueryError` is about the question; the index's own errors (missing, damaged, built with another
model) come from the store and are re-exported here so that front ends need only `qa`.
"""
from store.errors import IndexMismatchError, IndexMissingError, StoreError

__all__ = ["IndexMismatchError", "IndexMissingError", "QueryError", "StoreError"]


class QueryError(Exception):
    """A question or filter that cannot be answered as given (empty, unknown thesis, …)."""
