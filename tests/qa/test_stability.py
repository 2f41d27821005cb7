"""The same answer however it is asked for: the first k hits do not depend on k (issue 16, point 5),
and the fp32, bf16 and int8 query encoders give the same confidence level and first source
(point 4), over every project question set."""
from __future__ import annotations

from pathlib import Path

import pytest

from models.precision import bf16_is_fast, int8_is_fast, onnxruntime_available
from qa.answer import ask
from qa.search import search

REPO = Path(__file__).resolve().parents[2]
PROJECT_SETS = ("dev.jsonl", "unanswerable.jsonl", "heldout.jsonl")  # never sealed.jsonl


@pytest.fixture(scope="module")
def project_questions() -> list[dict]:
    from qa.evaluation.evaluate import load_questions

    return [q for name in PROJECT_SETS for q in load_questions(REPO / "eval" / name)]


def test_the_first_k_hits_do_not_depend_on_k(engine, project_questions):
    for q in project_questions:
        longest = search(engine, q["question"], k=15)
        for k in (1, 3, 5, 10):
            assert [(h.passage_id, h.start, h.end) for h in search(engine, q["question"], k=k)] == \
                   [(h.passage_id, h.start, h.end) for h in longest[:k]], (q["id"], k)


def _backends() -> list[str]:
    """The query precisions this CPU runs (fp32 always; bf16 and int8 where they are native)."""
    out = ["fp32"]
    if bf16_is_fast():
        out.append("bf16")
    if int8_is_fast() and onnxruntime_available():
        out.append("int8")
    return out


def _outcomes(engine, questions) -> dict[str, tuple[str, str, int]]:
    out = {}
    for q in questions:
        answer = ask(engine, q["question"], k=10)
        first = answer.sources[0].hit if answer.sources else None
        out[q["id"]] = (answer.confidence.level, first and first.doc, first and first.passage_id)
    return out


@pytest.mark.xfail(strict=True, reason=(
    "measured on the 92 project questions: against fp32, bf16 queries change no level but the first source "
    "of hu07 (top two hits 0.0005 apart); int8 changes the first source of 6 (q022, q045, q066, q069, u013, "
    "h021; top-two gaps 0.0007-0.015) and the level of hu05 (its 3rd and 4th passages, 0.0016 apart, swap, "
    "and only one holds a duration); eval/README.md, phase 8"))
def test_every_query_precision_gives_the_same_confidence_and_first_source(built_index, project_questions):
    from models.encoder import Encoder
    from qa.engine import Engine

    backends = _backends()
    if len(backends) < 2:
        pytest.skip(f"this CPU runs only {backends}")
    outcomes = {}
    for dtype in backends:
        engine = Engine(built_index, encoder=Encoder(dtype=dtype, show_progress=False, for_queries=True))
        assert engine.encoder.dtype == dtype
        assert engine.params.confidence_thresholds(engine.encoder.model_id, dtype) is not None
        outcomes[dtype] = _outcomes(engine, project_questions)
        engine.close()
    reference = outcomes[backends[0]]
    for dtype in backends[1:]:
        differ = {qid: (reference[qid], outcomes[dtype][qid]) for qid in reference if reference[qid] != outcomes[dtype][qid]}
        assert not differ, f"{backends[0]} vs {dtype}: {differ}"
