"""An index's own confidence calibration (`calibration.json` in the index folder, beside the
snapshots): thresholds per (model id, query precision), written by `python -m qa calibrate`.

It lives outside the snapshots so a rebuild with the same model keeps it; entries are keyed by
model, so an index rebuilt with another model simply has none for it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from store.errors import IndexDamagedError

CALIBRATION = "calibration.json"


def read_calibration(index_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """{(model id, dtype): thresholds as written}; empty when the index has no calibration."""
    path = Path(index_dir) / CALIBRATION
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
        out = {(str(e["model_id"]), str(e["dtype"])): e["thresholds"] for e in entries}
        for thresholds in out.values():
            for name in ("none_below", "high_from"):
                if not all(isinstance(v, (int, float)) for v in thresholds[name].values()):
                    raise ValueError(f"{name} must map languages to numbers")
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexDamagedError(f"{path} is unreadable ({exc}); delete it or run `python -m qa calibrate` again") from exc


def write_calibration(index_dir: Path, model_id: str, dtype: str, thresholds: dict[str, Any],
                      questions: int) -> Path:
    """Add (or replace) the entry for this model and precision, atomically; the file's path."""
    index_dir = Path(index_dir)
    entries = read_calibration(index_dir)
    entries[(model_id, dtype)] = thresholds
    body = {"entries": [{"model_id": m, "dtype": d, "thresholds": t} for (m, d), t in sorted(entries.items())],
            "questions": questions}
    path = index_dir / CALIBRATION
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
