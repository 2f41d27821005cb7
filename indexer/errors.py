"""Errors the indexer reports to users as a message, never as a traceback."""


class IndexerError(Exception):
    """Base class: its message is shown to the user as is."""


class ThesisReadError(IndexerError):
    """A thesis file cannot be read or holds no usable text."""


class CatalogError(IndexerError):
    """corpus/catalog.toml is invalid."""


class IndexMismatchError(IndexerError):
    """The index on disk was built with another model or schema version."""


class IndexMissingError(IndexerError):
    """There is no index where one was expected."""
