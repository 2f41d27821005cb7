"""Query benchmark: warm `qa.search` / `qa.ask` latency, cold start, and serving memory.

    .venv/bin/python -m bench.query [--index index] [--rounds 5]

Warm latencies are measured in-process over every question of eval/dev.jsonl and
eval/unanswerable.jsonl (each question once per round, after one warm-up round), with the
query-embedding cache emptied before every call so that each call encodes its question.
Cold start runs a new process per sample: from process start to the first answer printed.
Peak memory is the resident-set high-water mark of such a process after it answered every
question. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION_FILES = (ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "unanswerable.jsonl")

# Peak resident memory of the process running it. Not ru_maxrss: that counts from before exec,
# so a child forked from a large parent reports the parent's size; VmHWM starts again at exec.
PEAK_MB = """
def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
"""

# Run in a fresh interpreter: import, open the index, answer one question (and optionally all).
_COLD = PEAK_MB + """
import json, sys, time
began = time.perf_counter()
import qa
from qa.answer import ask
imported = time.perf_counter()
engine = qa.Engine(sys.argv[1])
opened = time.perf_counter()
ask(engine, sys.argv[2])
answered = time.perf_counter()
for question in json.loads(sys.argv[3]):
    ask(engine, question)
print(json.dumps({"import": imported - began, "open": opened - imported, "first": answered - opened,
                  "peak_mb": peak_mb()}))
"""


def questions() -> list[str]:
    """Every question of the project's question sets, in file order."""
    out = []
    for path in QUESTION_FILES:
        with open(path, encoding="utf-8") as handle:
            out += [json.loads(line)["question"] for line in handle if line.strip()]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_calls(call, items: list[str], rounds: int, reset) -> list[float]:
    """Milliseconds per call of `call(item)`, over `rounds` rounds of `items`; `reset()` before each."""
    for item in items:  # warm-up round
        reset()
        call(item)
    out = []
    for _ in range(rounds):
        for item in items:
            reset()
            began = time.perf_counter()
            call(item)
            out.append(1000 * (time.perf_counter() - began))
    return out


def warm(index: Path, rounds: int) -> list[tuple[str, list[float]]]:
    from qa.answer import ask
    from qa.engine import Engine
    from qa.search import search

    from analysis.language import detect_language

    engine = Engine(index)
    items = questions()

    def reset() -> None:  # every timed call pays for encoding and language detection
        engine.query_vectors.clear()
        detect_language.cache_clear()
    encode = time_calls(engine.encode_query, items, rounds, reset)
    return [
        ("query encoding", encode),
        ("qa.search (k=10)", time_calls(lambda q: search(engine, q, 10), items, rounds, reset)),
        ("qa.ask (k=5)", time_calls(lambda q: ask(engine, q, 5), items, rounds, reset)),
    ]


def cold(index: Path, samples: int) -> list[dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    items = questions()
    out = []
    for i in range(samples):
        rest = json.dumps(items if i == 0 else [])  # the first sample also measures serving memory
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", _COLD, str(index), items[0], rest], env=env,
                                capture_output=True, text=True, cwd=ROOT, check=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        if i:
            figures["total"] = time.perf_counter() - began  # the full-pass run is not a cold-start sample
            out.append(figures)
        else:
            peak = figures["peak_mb"]
    for figures in out:
        figures["serving_peak_mb"] = peak
    return out


def missing_index(index: Path) -> bool:
    """True, after saying so on stderr, if `index` holds no index."""
    if (index / "CURRENT").is_file():
        return False
    print(f"error: no index in {index}/ (build one: python -m indexer build)", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the questions (default 5)")
    parser.add_argument("--cold", type=int, default=3, help="cold-start samples (default 3)")
    args = parser.parse_args(argv)
    if missing_index(args.index):
        return 2
    from models.choice import cpu_model, describe, load_choice

    print(f"Index {args.index}/, {len(questions())} questions x {args.rounds} rounds, "
          f"load average {os.getloadavg()[0]:.2f}; {cpu_model()}")
    print(f"encoder choice (models.choice): {describe(load_choice())}")
    print(f"{'warm, in-process':<22}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    for name, values in warm(args.index, args.rounds):
        print(f"{name:<22}{percentile(values, 50):>9.1f}{percentile(values, 95):>9.1f}{statistics.fmean(values):>9.1f}")
    samples = cold(args.index, args.cold + 1)
    print(f"\ncold start (new process, median of {len(samples)}):")
    for key, label in (("import", "import qa"), ("open", "open index + load model"),
                       ("first", "first answer"), ("total", "process start to first answer")):
        print(f"  {label:<32}{statistics.median(s[key] for s in samples):>7.2f} s")
    print(f"  {'peak memory after all questions':<32}{samples[0]['serving_peak_mb']:>7.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
