"""What the live snapshot holds, for people (`python -m indexer status`), and number formatting."""
from __future__ import annotations

import json
from pathlib import Path

from analysis.numbers import format_count
from models.choice import describe, load_choice
from store.errors import IndexDamagedError, rebuild_hint, shown
from store.health import check_snapshot
from store.reader import language_mix, open_index


def index_status(index_dir: Path) -> str:
    """What the live snapshot of `index_dir` holds, for people; IndexDamagedError if it is not
    what its build wrote (store.health)."""
    with open_index(index_dir, vectors=False) as snap:
        m = snap.manifest
        if problems := check_snapshot(snap.path, m):
            raise IndexDamagedError(f"Index in {shown(index_dir)} is damaged: " + "; ".join(problems[:5])
                                    + f". {rebuild_hint(index_dir, m.get('model_id'))}")
        theses = snap.query("SELECT id, doc, title, authors, year, n_pages FROM theses ORDER BY doc")
        mix = language_mix(snap)
    t = m["totals"]
    lines = [
        f"Index:     {shown(index_dir)} (snapshot {m['snapshot']})",
        f"Built:     {m['built_at']} in {m['build_seconds']:.1f} s",
        f"Model:     {m['model_id']}; dimension {m['dimension']}; {m['dtype']}",
        f"Encoder:   {describe(load_choice())}",
        f"Format:    schema {m['schema_version']}; parser {m['parser_version']}; "
        f"passages of at most {m['token_budget']} tokens",
        f"Contents:  {plural(t['theses'], 'thesis', 'theses')}: {format_count(t['passages'])} passages, "
        f"{format_count(t['sentences'])} sentences, {format_count(t['pages'])} pages; "
        f"{format_count(t['windows'])} windows of {_sizes(m)} consecutive sentences; "
        f"{format_count(t.get('tokens', 0))} token vectors (late interaction)",
    ]
    for r in theses:
        lines += ["", *_thesis_lines(r, m["theses"].get(r["doc"], {}), mix.get(r["id"], {}))]
    return "\n".join(lines)


def _sizes(manifest: dict) -> str:
    """The window sizes the build embedded, e.g. "2-3" ("?" in a manifest without them)."""
    sizes = manifest.get("build_params", {}).get("window_sizes") or ["?"]
    return f"{min(sizes)}-{max(sizes)}" if len(sizes) > 1 else str(sizes[0])


def _thesis_lines(row, entry: dict, langs: dict[str, int]) -> list[str]:
    authors = "; ".join(json.loads(row["authors"]))
    who = " ".join(x for x in (authors, f"({row['year']})" if row["year"] else "") if x)
    label = " — ".join(x for x in (f"“{row['title']}”" if row["title"] else "", who) if x)
    total = sum(langs.values()) or 1
    return [
        f"{row['doc']}" + (f"  {label}" if label else ""),
        f"    {format_count(entry.get('passages', 0))} passages, {format_count(entry.get('sentences', 0))} sentences, "
        f"{row['n_pages']} pages; passage languages "
        + (", ".join(f"{lang} {100 * n / total:.0f}%" for lang, n in langs.items()) or "-"),
    ]


def plural(n: int, one: str, many: str) -> str:
    """plural(1, "thesis", "theses") -> "1 thesis"."""
    return f"{format_count(n)} {one if n == 1 else many}"
