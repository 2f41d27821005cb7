"""The model layer's one error: a model that cannot be loaded, said as a message, never a traceback."""


class ModelError(Exception):
    """The embedding model asked for cannot be found or loaded here; the message is shown as is."""
