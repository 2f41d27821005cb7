"""The corpus as front ends list it: theses with their counts, what the index was built with, the
passage languages, and the text around a hit. Read-only look-ups (store.reader); no retrieval.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analysis.numbers import format_count
from models.choice import VARIANTS, describe, label, load_choice
from qa.engine import Engine, ThesisInfo
from qa.search import Hit
from store import reader

__all__ = ["IndexInfo", "Surroundings", "ThesisRow", "TocEntry", "format_count", "format_time", "index_info",
           "passage_languages", "section_span", "section_text", "surroundings", "table_of_contents", "thesis_rows"]

TocEntry = reader.TocEntry


@dataclass(frozen=True)
class ThesisRow:
    """One thesis of the index with its counts; `languages` maps passage language -> passages."""

    thesis: ThesisInfo
    pages: int
    passages: int
    sentences: int
    languages: dict[str, int]
    sections: int = 0


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
    query_encoder: str = ""  # backend and precision the engine encodes queries with
    encoder_choice: str = ""  # what was measured on this CPU (models.choice), for people


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


def thesis_rows(engine: Engine) -> list[ThesisRow]:
    """Every thesis in the index, in corpus-file order, with page, section, passage and sentence counts."""
    snapshot = engine.snapshot
    passages, sentences = reader.per_thesis_counts(snapshot, "passages"), reader.per_thesis_counts(snapshot, "sentences")
    pages, mix = reader.page_counts(snapshot), reader.language_mix(snapshot)
    sections = reader.per_thesis_counts(snapshot, "sections")
    return [
        ThesisRow(t, pages.get(t.id, 0), passages.get(t.id, 0), sentences.get(t.id, 0), dict(mix.get(t.id, {})),
                  sections.get(t.id, 0))
        for t in sorted(engine.theses.values(), key=lambda t: t.doc)
    ]


def index_info(engine: Engine) -> IndexInfo:
    """The index's folder, model, build time (UTC, minutes), totals and encoders."""
    manifest = engine.snapshot.manifest
    rows = thesis_rows(engine)
    return IndexInfo(
        folder=str(engine.index_dir), model_id=str(manifest.get("model_id", "")),
        built_at=format_time(str(manifest.get("built_at", ""))), dtype=str(manifest.get("dtype", "")),
        theses=len(rows), pages=sum(r.pages for r in rows), passages=sum(r.passages for r in rows),
        sentences=sum(r.sentences for r in rows), query_encoder=query_encoder(engine),
        encoder_choice=describe(load_choice()),
    )


def query_encoder(engine: Engine) -> str:
    """The engine's query encoder as people read it, e.g. "ONNX Runtime fp32"."""
    variant = getattr(engine.encoder, "variant", None)
    return label(variant) if variant in VARIANTS else str(engine.encoder.dtype)


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
    return reader.passage_languages(engine.snapshot)


def surroundings(engine: Engine, hit: Hit) -> Surroundings:
    """The text of the passages right before and right after `hit` (which may span merged passages)."""
    prev, nxt = reader.neighbours(engine.snapshot, hit.thesis_id, (hit.passage_id, *hit.merged))
    before = after = before_section = after_section = ""
    if prev is not None and prev.start < hit.start:
        before = engine.text(hit.thesis_id, prev.start, min(prev.end, hit.start))
        before_section = _other_section(engine, prev.section_id, hit.section_id)
    if nxt is not None and nxt.end > hit.end:
        after = engine.text(hit.thesis_id, max(nxt.start, hit.end), nxt.end)
        after_section = _other_section(engine, nxt.section_id, hit.section_id)
    return Surroundings(before, after, before_section, after_section)


def _other_section(engine: Engine, section_id: int, hit_section: int) -> str:
    if section_id == hit_section:
        return ""
    section = engine.section(section_id)
    return section.label if section else ""


def table_of_contents(engine: Engine, thesis_id: int) -> list[TocEntry]:
    """The sections of a thesis in text order with the page each starts on (title page and
    unnamed front matter included, as the build found them)."""
    return reader.table_of_contents(engine.snapshot, thesis_id)


def section_span(toc: list[TocEntry], i: int) -> tuple[int, int]:
    """Where section `i` of `toc` starts and ends with its subsections: up to the next heading of
    the same or a higher level."""
    entry = toc[i]
    later = (e.start for e in toc[i + 1:] if e.level <= entry.level)
    return entry.start, next(later, max(e.end for e in toc[i:]))


def section_text(engine: Engine, thesis_id: int, toc: list[TocEntry], i: int) -> str:
    """The full clean text of section `i` of `toc` with its subsections, an exact slice of the thesis text."""
    return engine.text(thesis_id, *section_span(toc, i))
