"""`qa batch`: the output contract, order, and bad lines marked instead of stopping the run."""
import json
import subprocess
import sys
from pathlib import Path

from qa.batch import answer_lines

REPO = Path(__file__).resolve().parents[2]
PASSAGE_KEYS = {"doc", "thesis", "section", "part", "language", "page", "start", "end", "score", "text", "quote", "citation"}

LINES = [
    b"\xef\xbb\xbf" + json.dumps({"id": "a", "question": "Hva er gatekapital?", "lang": "no"}).encode(),  # a BOM
    b'{"id": "broken", "question": ',
    json.dumps({"id": 7, "question": "Why is loneliness a risk after treatment?"}).encode(),
    b"",
    json.dumps({"id": "no-question"}).encode(),
    b'{"id": "latin1", "question": "Hva er tilh\xf8righet?"}',
    json.dumps({"id": "empty", "question": "   "}).encode(),
    json.dumps({"id": "filtered", "question": "recovery", "filters": {"theses": ["002_70b37341d0292a91.txt"]}}).encode(),
    json.dumps({"id": "bad-filter", "question": "recovery", "filters": {"theses": ["x.txt"]}}).encode(),
    json.dumps({"id": "k2", "question": "Hva er gatekapital?", "k": 2}).encode(),
    json.dumps({"id": "k0", "question": "Hva er gatekapital?", "k": 0}).encode(),
]


def check_contract(line: dict) -> None:
    assert set(line) >= {"id", "question", "answer", "abstained", "passages"}
    assert isinstance(line["answer"], str) and line["answer"] and isinstance(line["abstained"], bool)
    assert line["passages"], "passages are listed even when abstaining"
    scores = [p["score"] for p in line["passages"]]
    assert scores == sorted(scores, reverse=True)
    for p in line["passages"]:
        assert set(p) >= PASSAGE_KEYS
        assert p["doc"].endswith(".txt") and isinstance(p["page"], int) and p["start"] < p["end"]
        assert set(p["citation"]) >= {"apa", "norwegian"}
        if p["quote"]:
            assert p["quote"] in p["text"]


def test_every_line_gets_an_answer_or_an_error_in_order(engine):
    out = list(answer_lines(engine, LINES, k=5))
    assert [o["id"] for o in out] == ["a", None, 7, "no-question", "latin1", "empty", "filtered", "bad-filter",
                                      "k2", "k0"]
    good = [o for o in out if "error" not in o]
    assert [o["id"] for o in good] == ["a", 7, "filtered", "k2"]
    assert len(good[0]["passages"]) == 5 and len(good[3]["passages"]) == 2  # a line's own "k" wins
    for line in good:
        check_contract(line)
    errors = {o["id"]: o["error"] for o in out if "error" in o}
    assert "not valid JSON" in errors[None] and "line 2" in errors[None]
    assert 'missing "question"' in errors["no-question"]
    assert "not valid UTF-8" in errors["latin1"]
    assert "empty" in errors["empty"]
    assert "unknown thesis filter" in errors["bad-filter"]
    assert "k must be a whole number of at least 1, got 0" in errors["k0"]
    assert {p["doc"] for p in out[6]["passages"]} == {"002_70b37341d0292a91.txt"}


def test_cli_writes_one_line_per_input_line(built_index, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([LINES[0], LINES[1], LINES[2]]) + b"\n")
    target = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "qa", "batch", str(source), "--out", str(target), "--k", "3", "--index", str(built_index)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "2 answered, 1 with errors" in result.stderr
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, 7]
    check_contract(lines[0])
    assert len(lines[0]["passages"]) == 3


def test_cli_reports_the_lines_a_trec_run_leaves_out(built_index, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join([LINES[0], LINES[1]]) + b"\n")
    target = tmp_path / "run.txt"
    result = subprocess.run(
        [sys.executable, "-m", "qa", "batch", str(source), "--format", "trec", "--out", str(target), "--k", "3",
         "--index", str(built_index)], cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "error: line 2: not valid JSON" in result.stderr and "1 answered, 1 with errors" in result.stderr
    assert [line.split()[0] for line in target.read_text(encoding="utf-8").splitlines()] == ["a"] * 3


def test_cli_reads_standard_input_for_a_dash(built_index):
    result = subprocess.run([sys.executable, "-m", "qa", "batch", "-", "--k", "2", "--index", str(built_index)],
                            cwd=REPO, input=LINES[0] + b"\n" + LINES[1] + b"\n", capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [line.get("id") for line in lines] == ["a", None] and len(lines[0]["passages"]) == 2
