"""A snapshot's manifest (`manifest.json`): what it was built from and with, and whether we can read it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from store.errors import IndexDamagedError, IndexMismatchError, rebuild_hint, shown
from store.layout import MANIFEST

SCHEMA_VERSION = 10  # 5: pages.label, the label printed on each page; 6: theses.topic and theses.derived; 7: windows;
# 8: token vectors (vectors/tokens.npy, columns/tokens.id, passages.token_lo/token_hi); 9: a PostgreSQL
# store keeps the snapshot's files in parts (`files.part`, store.pgstore.FILE_PART_BYTES); 10: token vectors
# as int8 codes with a scale per row (columns/tokens.scale, store.int8)


def read_manifest(snapshot: Path) -> dict[str, Any]:
    """The manifest of a snapshot folder."""
    try:
        return json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexDamagedError(f"{snapshot / MANIFEST} is unreadable ({exc}); rebuild the index") from exc


def write_manifest(snapshot: Path, manifest: dict[str, Any]) -> None:
    (snapshot / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check_compatible(index_dir: Path, manifest: dict[str, Any], model_id: str | None = None) -> None:
    """Raise IndexMismatchError (with the rebuild hint) unless this program can read the snapshot.

    It must have this schema version and, when `model_id` is given, have been built with that model.
    """
    schema, built_with = manifest.get("schema_version"), manifest.get("model_id")
    if schema != SCHEMA_VERSION or (model_id is not None and built_with != model_id):
        needs = f"model {model_id} (schema {SCHEMA_VERSION})" if model_id else f"schema {SCHEMA_VERSION}"
        raise IndexMismatchError(
            f"Index in {shown(index_dir)} was built with model {built_with} (schema {schema}); "
            f"this program needs {needs}. {rebuild_hint(index_dir, model_id)}"
        )
