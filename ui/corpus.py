"""Read-only look-ups in the open index for the page: the corpus table and a passage's surroundings.

Only plain SQL over the snapshot's tables and the engine's loaded metadata; no retrieval.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from qa.engine import Engine, ThesisInfo
from qa.search import Hit


@dataclass(frozen=True)
class ThesisRow:
    """One thesis of the index with its counts; `languages` maps passage language -> passages."""

    thesis: ThesisInfo
    pages: int
    passages: int
    sentences: int
    languages: dict[str, int]


@dataclass(frozen=True)
class IndexInfo:
    """What the index was built with, and its totals."""

    folder: str
    model_id: str
    built_at: str
    dtype: str
    theses: int
    pages: int
    passages: int
    sentences: int


@dataclass(frozen=True)
class Surroundings:
    """The text just before and just after a hit, from the neighbouring passages of its thesis.

    `*_section` is the neighbour's section label when it lies in another section than the hit,
    else "". Texts are exact slices of the thesis's clean text; "" at the start or end.
    """

    before: str
    after: str
    before_section: str = ""
    after_section: str = ""


def _counts(engine: Engine, table: str) -> dict[int, int]:
    rows = engine.snapshot.query(f"SELECT thesis_id, COUNT(*) AS n FROM {table} GROUP BY thesis_id")
    return {r["thesis_id"]: r["n"] for r in rows}


def thesis_rows(engine: Engine) -> list[ThesisRow]:
    """Every thesis in the index, in corpus-file order, with page, passage and sentence counts."""
    passages, sentences = _counts(engine, "passages"), _counts(engine, "sentences")
    pages = {r["id"]: r["n_pages"] for r in engine.snapshot.query("SELECT id, n_pages FROM theses")}
    mix: dict[int, dict[str, int]] = defaultdict(dict)
    for r in engine.snapshot.query("SELECT thesis_id, language, COUNT(*) AS n FROM passages "
                                   "GROUP BY thesis_id, language ORDER BY n DESC, language"):
        mix[r["thesis_id"]][r["language"]] = r["n"]
    return [
        ThesisRow(t, pages.get(t.id, 0), passages.get(t.id, 0), sentences.get(t.id, 0), dict(mix[t.id]))
        for t in sorted(engine.theses.values(), key=lambda t: t.doc)
    ]


def index_info(engine: Engine) -> IndexInfo:
    """The index's folder, model, build time (UTC, minutes) and totals."""
    manifest = engine.snapshot.manifest
    rows = thesis_rows(engine)
    return IndexInfo(
        folder=str(engine.index_dir), model_id=str(manifest.get("model_id", "")),
        built_at=format_time(str(manifest.get("built_at", ""))), dtype=str(manifest.get("dtype", "")),
        theses=len(rows), pages=sum(r.pages for r in rows), passages=sum(r.passages for r in rows),
        sentences=sum(r.sentences for r in rows),
    )


def format_time(iso: str) -> str:
    """An ISO time stamp as "2025-11-22 00:48 UTC"; unparsable input is returned unchanged."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = moment.tzname() or ""
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {zone}" if zone else "")


def passage_languages(engine: Engine) -> list[str]:
    """The passage languages present in the index, most frequent first."""
    rows = engine.snapshot.query("SELECT language, COUNT(*) AS n FROM passages GROUP BY language "
                                 "ORDER BY n DESC, language")
    return [r["language"] for r in rows]


def surroundings(engine: Engine, hit: Hit) -> Surroundings:
    """The text of the passages right before and right after `hit` (which may span merged passages)."""
    ids = (hit.passage_id, *hit.merged)
    marks = ",".join("?" * len(ids))
    idx = [r["idx"] for r in engine.snapshot.query(f"SELECT idx FROM passages WHERE id IN ({marks})", ids)]
    if not idx:
        return Surroundings("", "")
    rows = engine.snapshot.query("SELECT idx, start, end, section_id FROM passages "
                                 "WHERE thesis_id = ? AND idx IN (?, ?)",
                                 (hit.thesis_id, min(idx) - 1, max(idx) + 1))
    neighbour = {r["idx"]: r for r in rows}
    prev, nxt = neighbour.get(min(idx) - 1), neighbour.get(max(idx) + 1)
    before = after = before_section = after_section = ""
    if prev is not None and prev["start"] < hit.start:
        before = engine.text(hit.thesis_id, prev["start"], min(prev["end"], hit.start))
        before_section = _other_section(engine, prev["section_id"], hit.section_id)
    if nxt is not None and nxt["end"] > hit.end:
        after = engine.text(hit.thesis_id, max(nxt["start"], hit.end), nxt["end"])
        after_section = _other_section(engine, nxt["section_id"], hit.section_id)
    return Surroundings(before, after, before_section, after_section)


def _other_section(engine: Engine, section_id: int, hit_section: int) -> str:
    if section_id == hit_section:
        return ""
    section = engine.section(section_id)
    return section.label if section else ""
