"""`qa batch --format trec`, `qa eval --write-qrels` and `qa eval --qrels`: a standard tool (ir_measures,
which runs trec_eval's code) and `qa eval` reading the same qrels agree on every answerable dev question
of the real index; the gold-based figures of `qa eval` equal the TREC ones where TREC can express them."""
from __future__ import annotations

import io

import ir_measures
import pytest
from ir_measures import P, R, RR, nDCG

from qa.batch import run_batch
from qa.evaluation.evaluate import evaluate, load_questions
from qa.evaluation.predict import shipped
from qa.evaluation.qrels import qrels, read_qrels, trec_scores
from tests.qa.conftest import REPO

GOLD = REPO / "eval" / "dev.jsonl"
K = 10
MEASURES = [nDCG @ 10, RR @ 10, R @ 1, R @ 5, R @ 10, P @ 1, P @ 5, P @ 10]


def tool_figures(qrels_path, run_path) -> dict[str, dict[str, float]]:
    """ir_measures' per-question figures of a run file against a qrels file."""
    theirs: dict[str, dict[str, float]] = {}
    for m in ir_measures.iter_calc(MEASURES, ir_measures.read_trec_qrels(str(qrels_path)),
                                   ir_measures.read_trec_run(str(run_path))):
        theirs.setdefault(m.query_id, {})[str(m.measure)] = m.value
    return theirs


@pytest.fixture(scope="module")
def trec_files(engine, dev_questions, tmp_path_factory):
    """(run file of `qa batch --format trec`, qrels written from the dev set's gold quotes)."""
    folder = tmp_path_factory.mktemp("trec")
    run = io.StringIO()
    with GOLD.open("rb") as source:
        run_batch(engine, source, run, K, progress=False, fmt="trec")
    (folder / "run.txt").write_text(run.getvalue(), encoding="utf-8")
    (folder / "qrels.txt").write_text("".join(f"{line}\n" for line in qrels(engine, dev_questions, K)), encoding="utf-8")
    return folder / "run.txt", folder / "qrels.txt"


def test_qa_eval_reading_qrels_equals_the_tool_on_every_question(engine, dev_questions, trec_files):
    run_path, qrels_path = trec_files
    theirs = tool_figures(qrels_path, run_path)
    ours = trec_scores(engine, dev_questions, read_qrels(qrels_path), K)
    answerable = {q["id"] for q in dev_questions if q.get("gold")}
    assert set(ours) == set(theirs) == answerable and len(answerable) > 30
    for qid in sorted(answerable):
        assert ours[qid].keys() == theirs[qid].keys()
        for name, value in theirs[qid].items():
            assert ours[qid][name] == pytest.approx(value, abs=1e-9), (qid, name)
    assert 0.3 < sum(t["nDCG@10"] for t in theirs.values()) / len(theirs) < 1


def test_gold_figures_equal_trec_unless_one_passage_holds_two_quotes(engine, dev_questions, trec_files):
    """`qa eval` credits quotes, TREC documents: they differ only where one passage is the first hit
    of two gold quotes (one relevant document for two quotes), and there TREC's nDCG is not higher."""
    run_path, qrels_path = trec_files
    theirs, judged = tool_figures(qrels_path, run_path), read_qrels(qrels_path)
    gold = {q["id"]: len(q["gold"]) for q in dev_questions}
    rows = [r for r in evaluate(dev_questions, shipped(engine, K))["per_question"] if not r["unanswerable"]]
    shared = [r for r in rows if len(judged[r["id"]]) < gold[r["id"]]]
    assert len(shared) <= len(rows) // 3, [r["id"] for r in shared]  # 8 of 33 on the dev set
    for row in rows:
        mine, tool = row["metrics"], theirs[row["id"]]
        if row in shared:
            assert tool["nDCG@10"] <= mine["ndcg@10"] + 1e-9, row["id"]
            continue
        assert tool["nDCG@10"] == pytest.approx(mine["ndcg@10"], abs=1e-9), row["id"]
        assert tool["RR@10"] == pytest.approx(mine["mrr@10"], abs=1e-9), row["id"]
        for k in (1, 5, 10):  # qa eval's recall@k divides by min(gold quotes, k)
            expected = tool[f"R@{k}"] if gold[row["id"]] <= k else tool[f"P@{k}"]
            assert expected == pytest.approx(mine[f"recall@{k}"], abs=1e-9), (row["id"], k)


def test_cli_batch_trec_and_eval_qrels(tiny_built, tmp_path, monkeypatch, encoder, capsys):
    """`qa batch --format trec`, then `qa eval --write-qrels` and `--qrels` on the command line (tiny index)."""
    from tests.robustness.test_bad_queries import run_main

    index, qrels_path = str(tiny_built[1]), tmp_path / "qrels.txt"
    code, _, err = run_main(["batch", str(GOLD), "--format", "trec", "--k", "3", "--out", str(tmp_path / "run.txt"),
                             "--index", index], monkeypatch, encoder, capsys)
    run = (tmp_path / "run.txt").read_text("utf-8").splitlines()
    assert code == 0 and "36 answered, 0 with errors" in err and len(run) == 36 * 3
    assert run[0].startswith("q001 Q0 ") and run[0].endswith(" 1 3 tesesok")
    code, out, err = run_main(["eval", str(GOLD), "--k", "3", "--write-qrels", str(qrels_path), "--index", index],
                              monkeypatch, encoder, capsys)
    judged = qrels_path.read_text("utf-8").splitlines()
    assert code == 0 and "nDCG@10" in out and "TREC figures" not in out
    assert "name a file the index does not hold" in err  # the tiny index holds part of the corpus: told, not refused
    assert judged and all(len(line.split()) == 4 for line in judged)
    assert {line.split()[0] for line in judged} == {q["id"] for q in load_questions(GOLD) if q["gold"]}
    code, out, _ = run_main(["eval", str(GOLD), "--k", "3", "--qrels", str(qrels_path), "--index", index],
                            monkeypatch, encoder, capsys)
    answerable = sum(1 for q in load_questions(GOLD) if q["gold"])
    assert code == 0 and f"TREC figures ({qrels_path}, {answerable} questions judged): nDCG@10 " in out
    theirs = tool_figures(qrels_path, tmp_path / "run.txt")
    mean = sum(t["nDCG@10"] for t in theirs.values()) / len(theirs)
    assert f"nDCG@10 {mean:.3f} " in out


def test_a_trec_run_names_each_question_once(tiny_built, tmp_path, monkeypatch, encoder, capsys):
    """Two lines with one id would rank one TREC query twice: the second gets an error (JSON lines keep both)."""
    from tests.robustness.test_bad_queries import run_main

    source = tmp_path / "q.jsonl"
    source.write_text('{"id": "a", "question": "Hva er rus?"}\n{"id": "a", "question": "Hva er nettverk?"}\n'
                      '{"id": "b", "question": "Hva er recovery?"}\n', encoding="utf-8")
    for fmt in ("trec", "jsonl"):
        code, _, err = run_main(["batch", str(source), "--format", fmt, "--k", "2", "--out", str(tmp_path / fmt),
                                 "--index", str(tiny_built[1])], monkeypatch, encoder, capsys)
        assert code == 0 and ("2 answered, 1 with errors" if fmt == "trec" else "3 answered, 0 with errors") in err
    assert [line.split()[0] for line in (tmp_path / "trec").read_text("utf-8").splitlines()] == ["a", "a", "b", "b"]


@pytest.mark.parametrize("text, message", [
    ("q1 0 doc\n", "line 1: a qrels line is 'QID ITER DOCID RELEVANCE', got 'q1 0 doc'"),
    ("\n\n", "no judgements"),
    (b"\xff\n", "cannot read the qrels"),
])
def test_cli_refuses_bad_qrels(tmp_path, monkeypatch, capsys, text, message):
    from tests.robustness.test_bad_queries import run_main

    path = tmp_path / "qrels.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, _, err = run_main(["eval", str(GOLD), "--qrels", str(path), "--index", str(tmp_path / "none")],
                            monkeypatch, None, capsys)
    assert code == 2 and message in err and "Traceback" not in err
