"""`qa batch --format trec` and the qrels of `qa eval --qrels`: a standard tool (ir_measures, which runs
trec_eval's code) computes the same figures as `qa eval` on the real index and the dev set."""
from __future__ import annotations

import io

import ir_measures
import pytest
from ir_measures import P, R, RR, nDCG

from qa.batch import run_batch
from qa.evaluation.evaluate import evaluate, load_questions
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
    judged = list(qrels(engine, dev_questions, K))
    (folder / "qrels.txt").write_text("".join(f"{line}\n" for line in judged), encoding="utf-8")
    measures = [nDCG @ 10, RR @ 10, R @ 1, R @ 5, R @ 10, P @ 1, P @ 5, P @ 10]
    theirs: dict[str, dict[str, float]] = {}
    for m in ir_measures.iter_calc(measures, ir_measures.read_trec_qrels(str(folder / "qrels.txt")),
                                   ir_measures.read_trec_run(str(folder / "run.txt"))):
        theirs.setdefault(m.query_id, {})[str(m.measure)] = m.value
    ours = evaluate(dev_questions, shipped(engine, K))
    relevant = {qid: sum(line.split()[0] == qid for line in judged) for qid in theirs}
    return ours, theirs, relevant


def test_the_run_file_has_every_question_ranked(scored, dev_questions):
    _, theirs, _ = scored
    answerable = {q["id"] for q in dev_questions if q.get("gold")}
    assert set(theirs) == answerable and len(answerable) > 20


def test_trec_figures_equal_qa_eval(scored, dev_questions):
    """Equal on every question but those where one passage is the first hit of two gold quotes:
    qa eval credits both quotes there (nDCG capped at 1), a TREC document counts once."""
    ours, theirs, relevant = scored
    gold = {q["id"]: len(q["gold"]) for q in dev_questions}
    rows = [r for r in ours["per_question"] if not r["unanswerable"]]
    shared = [r for r in rows if relevant[r["id"]] < gold[r["id"]]]
    assert len(shared) <= len(rows) // 3, [r["id"] for r in shared]  # 8 of 33 on the dev set
    for row in shared:
        assert theirs[row["id"]]["nDCG@10"] <= row["metrics"]["ndcg@10"] + 1e-9
    rows = [r for r in rows if r not in shared]
    for row in rows:
        mine, tool = row["metrics"], theirs[row["id"]]
        assert tool["nDCG@10"] == pytest.approx(mine["ndcg@10"], abs=1e-9), row["id"]
        assert tool["RR@10"] == pytest.approx(mine["mrr@10"], abs=1e-9), row["id"]
        for k in (1, 5, 10):  # qa eval's recall@k divides by min(gold quotes, k)
            expected = tool[f"R@{k}"] if gold[row["id"]] <= k else tool[f"P@{k}"]
            assert expected == pytest.approx(mine[f"recall@{k}"], abs=1e-9), (row["id"], k)
    mean = sum(theirs[r["id"]]["nDCG@10"] for r in rows) / len(rows)
    assert mean == pytest.approx(sum(r["metrics"]["ndcg@10"] for r in rows) / len(rows)) and 0.3 < mean < 1


def test_cli_batch_trec_and_eval_qrels(tiny_built, tmp_path, monkeypatch, encoder, capsys):
    """`qa batch --format trec` and `qa eval --qrels` on the command line (tiny index)."""
    from tests.robustness.test_bad_queries import run_main

    index = str(tiny_built[1])
    code, _, err = run_main(["batch", str(GOLD), "--format", "trec", "--k", "3", "--out", str(tmp_path / "run.txt"),
                             "--index", index], monkeypatch, encoder, capsys)
    run = (tmp_path / "run.txt").read_text("utf-8").splitlines()
    assert code == 0 and "36 answered, 0 with errors" in err and len(run) == 36 * 3
    assert run[0].startswith("q001 Q0 ") and run[0].endswith(" 1 3 tesesok")
    code, out, _ = run_main(["eval", str(GOLD), "--k", "3", "--qrels", str(tmp_path / "qrels.txt"), "--index", index],
                            monkeypatch, encoder, capsys)
    judged = (tmp_path / "qrels.txt").read_text("utf-8").splitlines()
    assert code == 0 and "nDCG@10" in out and judged and all(len(line.split()) == 4 for line in judged)
    assert {line.split()[0] for line in judged} == {q["id"] for q in load_questions(GOLD) if q["gold"]}
