"""TREC run files, so that standard IR tools (trec_eval, ir_measures, ranx) score what `qa eval` does.

A run line is `QID Q0 DOCID RANK SCORE TAG`. DOCID names a passage by its corpus file and its
offsets in the thesis's clean text (`000_x.txt:1200-2100`), which stay the same across rebuilds of
an unchanged thesis. SCORE is derived from the rank (k for the first of k passages, down to 1):
tools re-sort by score, and the system's order (a pasted phrase's passage first) is not always
the order of its raw scores.

The qrels that match `qa eval` are written by `qa.evaluation.qrels`.
"""
from __future__ import annotations

import json
import re

RUN_TAG = "tesesok"
_SPACE = re.compile(r"\s")


def _no_space(text: str) -> str:
    """`text` with white space percent-encoded: TREC fields are separated by white space."""
    return _SPACE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def docid(doc: str, start: int, end: int) -> str:
    """The TREC document id of the passage `doc[start:end]`."""
    return f"{_no_space(doc)}:{start}-{end}"


def query_id(item_id: object, number: int) -> str:
    """The TREC query id of a question: its `id` (white space encoded), or `line-N` without one."""
    if item_id is None or item_id == "":
        return f"line-{number}"
    return _no_space(item_id if isinstance(item_id, str) else json.dumps(item_id, ensure_ascii=False))


def run_lines(result: dict, number: int, tag: str = RUN_TAG) -> list[str]:
    """The run lines of one `qa batch` output object (none for an error line)."""
    if "error" in result:
        return []
    qid, passages = query_id(result.get("id"), number), result["passages"]
    return [f"{qid} Q0 {docid(p['doc'], p['passage_start'], p['passage_end'])} {rank} {len(passages) + 1 - rank} {tag}"
            for rank, p in enumerate(passages, start=1)]
