"""`qa batch --format trec` and the qrels of `qa eval --qrels`: a standard tool (ir_measures, which runs
trec_eval's code) computes the same figures as `qa eval` on the real index and the dev set."""
from __future__ import annotations

import io

import ir_measures
import pytest
from ir_measures import P, R, RR, nDCG

from qa.batch import run_batch
from qa.evaluation.evaluate import evaluate
from qa.evaluation.predict import shipped
from qa.evaluation.qrels import qrels
from tests.qa.conftest import REPO

GOLD = REPO / "eval" / "dev.jsonl"
K = 10


@pytest.fixture(scope="module")
def scored(engine, dev_questions, tmp_path_factory):
    """(qa eval's per-question rows, ir_measures' per-question figures) from one run file and its qrels."""
    folder = tmp_path_factory.mktemp("trec")
    run = io.StringIO()
    with GOLD.open("rb") as source:
        run_batch(engine, source, run, K, progress=False, fmt="trec")
    (folder / "run.txt").write_text(run.getvalue(), encoding="utf-8")
    (folder / "qrels.txt").write_text("".join(f"{line}\n" for line in qrels(engine, dev_questions, K)), encoding="utf-8")
    measures = [nDCG @ 10, RR @ 10, R @ 1, R @ 5, R @ 10, P @ 1, P @ 5, P @ 10]
    theirs: dict[str, dict[str, float]] = {}
    for m in ir_measures.iter_calc(measures, ir_measures.read_trec_qrels(str(folder / "qrels.txt")),
                                   ir_measures.read_trec_run(str(folder / "run.txt"))):
        theirs.setdefault(m.query_id, {})[str(m.measure)] = m.value
    ours = evaluate(dev_questions, shipped(engine, K))
    return ours, theirs


def test_the_run_file_has_every_question_ranked(scored, dev_questions):
    _, theirs = scored
    answerable = {q["id"] for q in dev_questions if q.get("gold")}
    assert set(theirs) == answerable and len(answerable) > 20


def test_trec_figures_equal_qa_eval(scored, dev_questions):
    ours, theirs = scored
    gold = {q["id"]: len(q["gold"]) for q in dev_questions}
    rows = [r for r in ours["per_question"] if not r["unanswerable"]]
    for row in rows:
        mine, tool = row["metrics"], theirs[row["id"]]
        assert tool["nDCG@10"] == pytest.approx(mine["ndcg@10"], abs=1e-9), row["id"]
        assert tool["RR@10"] == pytest.approx(mine["mrr@10"], abs=1e-9), row["id"]
        for k in (1, 5, 10):  # qa eval's recall@k divides by min(gold quotes, k)
            expected = tool[f"R@{k}"] if gold[row["id"]] <= k else tool[f"P@{k}"]
            assert expected == pytest.approx(mine[f"recall@{k}"], abs=1e-9), (row["id"], k)
    mean = sum(theirs[r["id"]]["nDCG@10"] for r in rows) / len(rows)
    assert mean == pytest.approx(ours["overall"]["ndcg@10"]) and 0.3 < mean < 1
