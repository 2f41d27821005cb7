"""Corpus file names: which files are theses, how a name matches its catalog key, how it is shown.

A name is a thesis file when it ends in `.txt`, `.pdf` or `.docx` in any case (`002_THESIS.TXT`). Catalog keys and
file names are compared in Unicode NFC, so a file name written decomposed (NFD, as macOS file
systems and some archive tools do: `a` + U+030A) matches the key `å` typed in the catalog.
Names holding control characters (a newline) or invisible format characters (a right-to-left
override that makes `evil\u202etxt.exe` look like `evilexe.txt`) would spoof listings and logs:
they are refused, and shown with those characters escaped.
"""
from __future__ import annotations

import unicodedata

_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))


def is_thesis_name(name: str) -> bool:
    """Whether `name` ends in the suffix of a format Tesesøk reads (`.txt`, `.pdf`, `.docx`), in any case."""
    from indexer.formats import SUFFIXES

    suffix = next((s for s in SUFFIXES if name.lower().endswith(s)), "")
    return bool(suffix) and len(name) > len(suffix)


def catalog_key(name: str) -> str:
    """The form of a file name or catalog key that the two are matched in (NFC)."""
    return unicodedata.normalize("NFC", name)


def shown_name(name: str) -> str:
    """`name` with control and invisible format characters written as escapes (`\\n`, `\\u202e`)."""
    return "".join(_escape(ch) if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in name)


def name_problem(name: str) -> str | None:
    """Why the file `name` is refused, or None when its name is fine."""
    if any(unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in name):
        return (f"{shown_name(name)}: the file name holds control or invisible characters (shown escaped); "
                f"refused, rename the file")
    return None


def _escape(ch: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or f"\\u{ord(ch):04x}"
