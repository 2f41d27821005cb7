"""Errors the indexer reports to users as a message, never as a traceback.

Errors about the index on disk (missing, damaged, built with another model, locked) are the
store's (`store.errors`).
"""


class IndexerError(Exception):
    """Base class: its message is shown to the user as is."""


class ThesisReadError(IndexerError):
    """A thesis file cannot be read or holds no usable text."""


class CatalogError(IndexerError):
    """corpus/catalog.toml is invalid."""
