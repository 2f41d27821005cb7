"""Errors the query side reports to users as a message, never as a traceback."""
from indexer.errors import IndexerError


class QueryError(IndexerError):
    """A question or filter that cannot be answered as given (empty, unknown thesis, …)."""
