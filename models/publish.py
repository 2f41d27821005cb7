"""Writing a generated model folder: built aside, published atomically, once across processes.

Both the sentence-transformers folder (`models.materialise`) and its ONNX variants
(`models.onnx`) are made the same way: under an exclusive lock on the models folder, checked
again once the lock is held (another process may have made it meanwhile), written into a
temporary folder beside the target and renamed into place only when complete.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def write_json(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp)` on a fresh folder beside `target`, then make it `target` (replacing any
    old one) atomically; on failure the folder is removed and `target` is untouched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        write(tmp)
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def ensure_built(models_dir: Path, target: Path, is_current: Callable[[], bool], build: Callable[[], object],
                 doing: str) -> Path:
    """`target`, built with `build()` unless `is_current()`; safe across processes.

    `doing` names the work in the one progress line printed on stderr ("exporting … to ONNX").
    """
    if is_current():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with _locked(models_dir):
        if is_current():  # another process won the race
            return target
        for stale in models_dir.glob(f".{target.name}.*-*"):  # leftovers of a crash
            shutil.rmtree(stale, ignore_errors=True)
        t0 = time.perf_counter()
        print(f"tesesok: {doing} into {target} ...", end="", file=sys.stderr, flush=True)
        try:
            build()
        except BaseException:
            print(" failed", file=sys.stderr, flush=True)
            raise
        print(f" done in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return target


def _publish(tmp: Path, target: Path) -> None:
    """Move the finished folder ``tmp`` to ``target``, replacing any previous one atomically."""
    os.chmod(tmp, 0o755)
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.replace(target, old / "x")
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(old / "x", target)  # put the previous folder back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Exclusive lock on ``directory`` so concurrent processes materialise only once."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
