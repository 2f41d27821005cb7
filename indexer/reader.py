"""Read a thesis file into text: decode, reject what is not text, normalise line ends."""
from __future__ import annotations

import codecs
from pathlib import Path

from indexer.errors import ThesisReadError

# Share of control characters (other than tab/newline/CR/form feed) above which bytes are binary.
_MAX_CONTROL_SHARE = 0.01


def decode_thesis(data: bytes, name: str = "file") -> tuple[str, list[str]]:
    """Decode thesis bytes into text with `\\n` line ends; return (text, warnings).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; other bytes that are
    valid Latin-1 text are decoded as Latin-1 with a warning. Empty and binary input raise
    ThesisReadError.
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
    return text, warnings


def read_thesis(path: Path) -> tuple[str, bytes, list[str]]:
    """Read and decode `path`; return (text, raw bytes, warnings)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ThesisReadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ThesisReadError(f"{path}: is a folder, not a thesis file") from None
    except PermissionError:
        raise ThesisReadError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ThesisReadError(f"{path}: cannot be read ({exc.strerror})") from None
    text, warnings = decode_thesis(data, path.name)
    return text, data, warnings
