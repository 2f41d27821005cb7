"""Read a thesis file into text: decode, reject what is not text, normalise line ends."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from analysis.numbers import format_count
from indexer.errors import ThesisReadError

# Share of control characters (other than tab/newline/CR/form feed) above which bytes are binary.
_MAX_CONTROL_SHARE = 0.01
# Largest thesis file read. The parser is pure Python (about 3 s per MB here) and embedding runs
# at tens of passages per second on a CPU, so a bigger file would stall a build for hours. The
# longest thesis in the corpus is 0.2 MB; a 500-page thesis dump is about 1.5 MB.
MAX_BYTES = 5 * 1024 * 1024
# Longest run of characters without white space accepted. PDF dumps wrap lines at about 100
# characters and the longest word in the corpus has 46; a longer run is a blob (encoded data, a
# leader line of dots), not running text, and would make the cleaner's regular expressions slow.
MAX_WORD_CHARS = 1000
_LONG_WORD = re.compile(r"(?<!\S)\S{%d}" % (MAX_WORD_CHARS + 1))  # only tries at a run's start: linear
_SPACE = re.compile(r"\s")


def decode_thesis(data: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Decode thesis bytes into text with `\\n` line ends; return (text, warnings).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; other bytes that are
    valid Latin-1 text are decoded as Latin-1 with a warning. Empty and binary input, and text
    with a "word" longer than MAX_WORD_CHARS, raise ThesisReadError.
    """
    warnings: list[str] = []
    if not data.strip():
        raise ThesisReadError(f"{name}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ThesisReadError(f"{name}: broken UTF-16 text ({exc.reason})") from None
    elif b"\x00" in data:
        raise ThesisReadError(f"{name}: binary file (contains NUL bytes), not a text dump of a thesis")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            warnings.append(f"{name}: not valid UTF-8; decoded as Latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f") + text.count("\ufffd")
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ThesisReadError(f"{name}: binary file ({controls} control characters), not a text dump of a thesis")
    if not any(ch.isalpha() for ch in text):
        raise ThesisReadError(f"{name}: the file holds no text")
    long_word = _LONG_WORD.search(text)
    if long_word:
        start = long_word.start()
        space = _SPACE.search(text, start)
        run = (space.start() if space else len(text)) - start
        line = text.count("\n", 0, start) + 1
        raise ThesisReadError(f"{name}: line {line} holds {format_count(run)} characters without a space "
                              f"(at most {format_count(MAX_WORD_CHARS)}); that is not running text")
    return text, warnings


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the thesis file at `path`; ThesisReadError if it cannot be read or exceeds `limit`."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ThesisReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ThesisReadError(f"{path}: is a folder, not a thesis file") from None
    except PermissionError:
        raise ThesisReadError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ThesisReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        try:
            size = f"{Path(path).stat().st_size / 2**20:.1f} MB"
        except OSError:
            size = "more than that"
        kind = "a thesis text dump" if limit == MAX_BYTES else "a thesis file"
        raise ThesisReadError(f"{path}: too large for {kind} ({size}; at most "
                              f"{limit // 2**20} MB); check that it is one thesis")
    return data


def read_thesis(path: Path) -> tuple[str, bytes, list[str]]:
    """Read and decode `path`; return (text, raw bytes, warnings)."""
    data = read_bytes(path)
    text, warnings = decode_thesis(data, path.name)
    return text, data, warnings


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, lies in the folder `root` (already resolved)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False
