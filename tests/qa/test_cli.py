"""`python -m qa ask|eval`: output for people and programs, clear errors."""
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ask_prints_answer_and_numbered_sources(built_index):
    result = run_qa("ask", "Hva skiller legemidlene Subuxone og Subutex?", "--index", str(built_index), "--k", "3")
    assert result.returncode == 0, result.stderr
    # A `high` or `low` answer is preceded by its marker line with the score (qa.render); the answer comes next.
    marker, answer = result.stdout.split("\n", 1)
    assert re.fullmatch(r"\((Godt belegg|Usikkert svar): .+; poengsum \d\.\d{3}\)", marker), marker
    assert answer.startswith("Svar: ") and "\nKilder:\n[1] " in answer and "[3] " in answer
    assert "s. " in result.stdout


def test_ask_says_why_a_question_without_search_words_gets_no_answer(built_index):
    result = run_qa("ask", "hva er det", "--index", str(built_index))
    assert result.returncode == 0, result.stderr
    reason, answer = result.stdout.split("\n", 2)[:2]
    assert reason == "(Spørsmålet har ingen søkeord, bare småord eller tall)" and answer.startswith("Svar: Fant ikke")


def test_ask_json_is_a_batch_line(built_index):
    result = run_qa("ask", "What is street capital?", "--json", "--index", str(built_index))
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert set(line) >= {"question", "answer", "abstained", "passages"} and len(line["passages"]) == 5


def test_ask_empty_question_and_missing_index(built_index, tmp_path):
    empty = run_qa("ask", "   ", "--index", str(built_index))
    assert empty.returncode == 2 and "error: the question is empty" in empty.stderr and "Traceback" not in empty.stderr
    missing = run_qa("ask", "rus", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2 and "python -m indexer build" in missing.stderr


def test_unknown_filter_from_the_command_line(built_index):
    result = run_qa("ask", "rus", "--part", "middle", "--index", str(built_index))
    assert result.returncode == 2 and "unknown part filter 'middle'" in result.stderr


def test_calibrate_dry_run_prints_thresholds_and_writes_nothing(built_index):
    before = sorted(p.name for p in built_index.rglob("*"))
    result = run_qa("calibrate", "eval/dev.jsonl", "--dry-run", "--index", str(built_index))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "no: none below " in result.stdout and "en: none below " in result.stdout
    assert "written to" not in result.stdout and sorted(p.name for p in built_index.rglob("*")) == before


def test_impossible_folds_fail_before_the_model_loads(tmp_path):
    """No index is needed to learn that the folds cannot be made (the index named does not exist)."""
    missing = str(tmp_path / "none")
    one = run_qa("eval", "eval/dev.jsonl", "--by-set", "--index", missing)
    assert one.returncode == 2 and "--by-set needs at least two question sets" in one.stderr
    too_many = run_qa("eval", "eval/dev.jsonl", "--cv", "37", "--index", missing)
    assert too_many.returncode == 2 and "--cv needs between 2 and 36 folds, got 37" in too_many.stderr
    assert "Traceback" not in one.stderr + too_many.stderr
    both = run_qa("eval", "eval/dev.jsonl", "eval/fresh.jsonl", "--by-set", "--cv", "5", "--index", missing)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
    repeats = run_qa("eval", "eval/dev.jsonl", "--repeats", "0", "--index", missing)
    assert repeats.returncode == 2 and "--repeats applies to --cv N only" in repeats.stderr


def test_backends_refuses_unknown_variants_and_keeps_the_choice_when_timing_a_subset(built_index):
    """A misspelt variant is an error; timing fewer variants than this installation has never replaces
    the cached choice (it could lack the fastest one)."""
    from models.choice import choice_path

    path = choice_path()
    before = path.read_bytes() if path.exists() else None
    bogus = run_qa("backends", "--variants", "fp32,bogus", "--index", str(built_index))
    assert bogus.returncode == 2 and "unknown encoder variant 'bogus'" in bogus.stderr
    assert "fp32, bf16, onnx-fp32, int8" in bogus.stderr and "Traceback" not in bogus.stderr
    subset = run_qa("backends", "--variants", "fp32", "--index", str(built_index))
    assert subset.returncode == 0, subset.stderr
    assert "the cached choice is unchanged" in subset.stderr and "fp32" in subset.stdout
    assert (path.read_bytes() if path.exists() else None) == before
