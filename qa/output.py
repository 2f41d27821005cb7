"""Safe output files for `qa batch`: never the input itself, written whole or not at all."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


STDIN = "-"  # `qa batch -`: the questions come from standard input


def check_batch_paths(source: Path, out: Path | None) -> str | None:
    """What is wrong with reading `source` (`-`: standard input) and writing `out`, or None when
    both are usable.

    `out` may not be `source` under any name (the same path, a symbolic or a hard link): the
    input would be emptied before it is read.
    """
    piped = str(source) == STDIN
    if not piped and source.is_dir():
        return f"{source} is a folder, not a file of questions"
    if not piped and not source.exists():
        return f"no such file {source}"
    if out is None:
        return None
    if out.is_dir():
        return f"--out {out} is a folder; give a file name"
    if not out.parent.is_dir():
        return f"--out {out}: the folder {out.parent} does not exist"
    try:
        same = not piped and out.exists() and os.path.samefile(source, out)
    except OSError as exc:
        return f"--out {out}: {exc.strerror or exc}"
    if same:
        return f"--out {out} is the input file {source}; answering would overwrite the questions. Give another file"
    return None


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[IO[str]]:
    """A text file that replaces `path` only when the block ends without an exception.

    Written to a temporary file beside `path` and renamed over it at the end, so an interrupted
    run leaves the previous `path` (or none) instead of half an output.
    """
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
