"""The one error path of every command line (`python -m indexer`, `python -m qa`).

Errors with a message for people (the store's, the model's, and those a command names) print
as `error: <message>`; so do the errors a bad input can still raise from deep inside a library
(a file that cannot be opened, a value out of range, nesting too deep): exit code 2, never a
traceback. Ctrl-C exits 130 and a closed output pipe (`| head`) exits 0 quietly.
"""
from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable

from models.errors import ModelError
from store.errors import StoreError

USAGE_ERROR = 2
INTERRUPTED = 130
# Raised by bad input, not by a bug we could name: shown as a message all the same.
_INPUT_ERRORS = (OSError, ValueError, RecursionError, OverflowError, sqlite3.Error, EOFError)


def run_command(run: Callable[[], int], *, errors: tuple[type[BaseException], ...] = (),
                interrupted: str = "interrupted") -> int:
    """`run()`'s exit code, or 2 with `error: …` on standard error if it raised one of the errors above."""
    try:
        return run()
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        return INTERRUPTED
    except (StoreError, ModelError, *errors) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except _INPUT_ERRORS as exc:
        print(f"error: {describe(exc)}", file=sys.stderr)
    return USAGE_ERROR


def describe(exc: BaseException) -> str:
    """A one-line message for an error that carries no message written for people."""
    if isinstance(exc, OSError) and exc.strerror:
        where = " → ".join(str(name) for name in (exc.filename, exc.filename2) if name)
        return f"{where}: {exc.strerror}" if where else exc.strerror
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read"
    if isinstance(exc, OverflowError):
        return f"a number in the input is out of range ({exc})"
    return str(exc) or type(exc).__name__
