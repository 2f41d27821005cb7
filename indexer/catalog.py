"""corpus/catalog.toml: bibliographic metadata per thesis file.

One TOML table per corpus file name::

    ["000_56c92893e0805444.txt"]
    title = "…"
    authors = ["Etternavn, Fornavn"]
    year = 2019
    institution = "…"
    degree = "…"
    topic = "…"                  # what the thesis is about, e.g. its research question
    language = "no"
    evidence = "free text: where in the thesis the fields were found"
    keep_personal_data = false   # true: do not mask names/phones/e-mails in appendices

Every key is optional; an empty string (or a missing key) means unknown. `authors` is a list
even for one author (a bare string is refused: "Kari Nordmann" would be cited as a surname), and
`year` a number.
"""
from __future__ import annotations

import json
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer.errors import CatalogError, IndexerError
from indexer.names import catalog_key
from store.records import Suggestion, ThesisMeta

__all__ = ["CATALOG_NAME", "Suggestion", "ThesisMeta", "catalog_names", "format_suggestions", "load_catalog"]

CATALOG_NAME = "catalog.toml"
_MAX_DEPTH = 100  # nesting reported as too deep (tomllib itself gives up with a RecursionError)
_STRING_KEYS = ("title", "institution", "degree", "language", "topic")
_KNOWN_KEYS = frozenset((*_STRING_KEYS, "authors", "year", "keep_personal_data", "evidence"))


def check_corpus_folder(corpus_dir: Path) -> None:
    """Raise IndexerError unless `corpus_dir` is a folder (saying what it is instead)."""
    if corpus_dir.is_dir():
        return
    what = "is a file, not a folder" if corpus_dir.exists() else "does not exist"
    raise IndexerError(f"No corpus folder {corpus_dir}/: the path {what}; give the folder that holds the thesis files")


def load_catalog(path: Path) -> dict[str, ThesisMeta]:
    """Read the catalog at `path`; a missing file is an empty catalog.

    Raises CatalogError (naming the file and the line) when it is invalid.
    """
    path = Path(path)
    raw = _read(path)
    if raw is None:
        return {}
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends in "(at line N, column M)".
        raise CatalogError(f"{path}: TOML syntax error: {exc}") from exc
    except RecursionError:
        raise CatalogError(f"{path}, line {_deep_line(raw.decode('utf-8'))}: lists or tables nested more than "
                           f"{_MAX_DEPTH} deep; a catalog needs two levels") from None
    catalog: dict[str, ThesisMeta] = {}
    for doc, table in data.items():
        if not isinstance(table, dict):
            raise CatalogError(
                f'{_where(path, raw, None, doc)}: "{doc}" must be a table like ["{doc}"] with title, authors, year, …; '
                f"found {_type_name(table)}"
            )
        key = catalog_key(doc)  # file names are matched in NFC (see indexer.names)
        if key in catalog:
            raise CatalogError(f'{_where(path, raw, None, doc)}: "{doc}" describes the same file as an earlier table '
                               f"(the names differ only in how their accented letters are encoded)")
        catalog[key] = _meta(path, raw, doc, table)
    return catalog


def _read(path: Path) -> bytes | None:
    """The bytes of the catalog file, None if there is none; CatalogError unless it is a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):  # reading a FIFO would wait for a writer forever
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise CatalogError(f"{path} is {kind}; the catalog must be a TOML text file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc.strerror or exc}") from exc


def _deep_line(text: str) -> int:
    """The line where brackets (outside strings, roughly) first nest deeper than `_MAX_DEPTH`."""
    depth, line, quote = 0, 1, None
    for ch in text:
        if ch == "\n":
            line += 1
        elif quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                return line
        elif ch in "]}":
            depth -= 1
    return line


def _where(path: Path, raw: bytes, doc: str | None, key: str | None) -> str:
    """`path`, with ", line N" where the table `doc` (or its `key`; top level if `doc` is None) is written."""
    def name(value: str) -> str:
        return rf"""(?:"{re.escape(value)}"|'{re.escape(value)}'|{re.escape(value)})"""

    header = re.compile(rf"^\s*\[\s*{name(doc)}\s*\]") if doc is not None else None
    entry = re.compile(rf"^\s*{name(key)}\s*=") if key is not None else None
    inside = doc is None
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if line.lstrip().startswith("["):
            inside = bool(header and header.match(line))
            if inside and entry is None:
                return f"{path}, line {number}"
        elif inside and entry is not None and entry.match(line):
            return f"{path}, line {number}"
    return str(path)


def _meta(path: Path, raw: bytes, doc: str, table: dict[str, Any]) -> ThesisMeta:
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise CatalogError(
            f'{_where(path, raw, doc, unknown[0])}: unknown key(s) {", ".join(unknown)} in ["{doc}"]; '
            f'allowed: {", ".join(sorted(_KNOWN_KEYS))}'
        )

    def fail(key: str, expected: str) -> CatalogError:
        return CatalogError(
            f'{_where(path, raw, doc, key)}: ["{doc}"] {key} must be {expected}, not {_type_name(table[key])} {table[key]!r}'
        )

    strings: dict[str, str] = {}
    for key in _STRING_KEYS:
        value = table.get(key, "")
        if not isinstance(value, str):
            raise fail(key, "a string")
        strings[key] = value.strip()

    authors = table.get("authors", [])
    if authors == "":
        authors = []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        # a bare string is refused too: "Kari Nordmann" would be cited as a surname ("Kari Nordmann, 2021")
        raise fail("authors", 'a list of strings like ["Etternavn, Fornavn"]')

    year = table.get("year")
    if year == "":
        year = None
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999):
        raise fail("year", "a year like 2019 (four digits, or left out)")

    keep = table.get("keep_personal_data", False)
    if not isinstance(keep, bool):
        raise fail("keep_personal_data", "true or false")

    evidence = table.get("evidence", "")
    if not isinstance(evidence, (str, list)):
        raise fail("evidence", "free text")

    return ThesisMeta(
        authors=[a.strip() for a in authors if a.strip()],
        year=year,
        keep_personal_data=keep,
        **strings,
    )


def _type_name(value: Any) -> str:
    return {
        str: "a string", int: "a number", float: "a number", bool: "a boolean",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)


def format_suggestions(doc: str, suggestions: Iterable[Suggestion]) -> str:
    """A TOML table for `doc` holding `suggestions`, each under a comment with its source and evidence.

    The output parses as TOML, each value in the type `load_catalog` reads (`year = 2021`, `authors =
    ["Nordmann, Kari"]`); a user copies the lines they confirm into catalog.toml. A year that is not
    one is left out.
    """
    lines = [f"[{json.dumps(_printable(doc), ensure_ascii=False)}]"]
    for s in suggestions:
        value = _toml_value(s.field, _printable(s.value))
        if value is None:
            continue
        lines.append(f"# {s.field} ({_printable(s.source)}): {_printable(s.evidence)}")
        lines.append(f"{s.field} = {value}")
    return "\n".join(lines) + "\n"


def _toml_value(key: str, value: str) -> str | None:
    """`value` written as the catalog's `key` holds it: a year as a number, authors as a list (a
    Suggestion holds them in catalog form, separated by ";"), anything else as a string."""
    if key == "year":
        return value if re.fullmatch(r"\d{4}", value) else None
    if key == "authors":
        return json.dumps([a.strip() for a in value.split(";") if a.strip()], ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


# Words between a given name and a surname that belong to the surname ("van der Berg, Ole").
_PARTICLES = frozenset("af av da de del den der di du la le van von zu ten ter".split())
_NAME_SEPARATORS = re.compile(r";|\s+(?:og|and|und)\s+|\s*&\s*", re.IGNORECASE)


def catalog_names(text: str) -> list[str]:
    """The names in `text` as a file states its authors ("Kari Nordmann", "Kari Nordmann og Per
    Hansen", "Nordmann, Kari; Hansen, Per"), each in the catalog's form "Etternavn, Fornavn".

    Names are separated by "og", "and", "&", ";" or ","; a comma inside one name ("Nordmann, Kari")
    is told from one between names by the parts: between whole names every part has two words or more.
    """
    names: list[str] = []
    for piece in _NAME_SEPARATORS.split(_printable(text)):
        parts = [p.strip() for p in piece.split(",") if p.strip()]
        if len(parts) == 2 and not all(len(p.split()) >= 2 for p in parts):
            names.append(f"{parts[0]}, {parts[1]}")  # already "Etternavn, Fornavn"
        elif len(parts) > 2 and len(parts) % 2 == 0 and all(len(p.split()) == 1 for p in parts):
            names += [f"{a}, {b}" for a, b in zip(parts[::2], parts[1::2])]  # "Nordmann, Kari, Hansen, Per"
        else:
            names += [_surname_first(p) for p in parts]
    return names


def _surname_first(name: str) -> str:
    """ "Kari Nordmann" -> "Nordmann, Kari"; "Ole van der Berg" -> "van der Berg, Ole"; one word stays."""
    words = name.split()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return f"{' '.join(words[cut:])}, {' '.join(words[:cut])}" if cut > 0 else name


def _printable(text: str) -> str:
    """`text` on one line without control characters (TOML allows none in strings or comments)."""
    return " ".join("".join(c for c in text if not unicodedata.category(c).startswith("C") or c.isspace()).split())
