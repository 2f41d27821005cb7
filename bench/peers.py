"""Peer benchmark: Tesesøk against txtai on the same model folder, passages and questions.

    make bench-peers          # = .venv-peers/bin/python -m bench.peers --index index
    .venv-peers/bin/python -m bench.peers --index index --passages 200 --rounds 1 --cold 1   # small run

txtai is not a product dependency: it lives in the benchmark's own venv (`.venv-peers`, made by
`make bench-peers`), which also holds this project's requirements, so one process imports both
and the calls alternate (system order rotates per question), so that a change of machine load
hits both alike. txtai gets the e5 prefixes through its `instructions` option
(`{"query": "query: ", "data": "passage: "}`); without it txtai reads the model's prompts but
only maps a "document" prompt to its "data" category, so passages would go in unprefixed. The
vector check below shows the two embed the same texts alike. Cold start and peak memory run in
new processes. Prints figures and ratios; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.indexing import corpus_texts
from bench.query import _COLD, PEAK_MB, missing_index, percentile, questions
from models.choice import cpu_model

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "multilingual-e5-small"
INSTRUCTIONS = {"query": "query: ", "data": "passage: "}  # txtai's categories: "data" is indexing

# txtai in a fresh interpreter: import, load the saved dense index, answer one question (and the rest).
_TXTAI_COLD = PEAK_MB + """
import json, sys, time
began = time.perf_counter()
from txtai import Embeddings
imported = time.perf_counter()
embeddings = Embeddings()
embeddings.load(sys.argv[1])
opened = time.perf_counter()
embeddings.search(sys.argv[2], 10)
answered = time.perf_counter()
for question in json.loads(sys.argv[3]):
    embeddings.search(question, 10)
print(json.dumps({"import": imported - began, "open": opened - imported, "first": answered - opened,
                  "peak_mb": peak_mb()}))
"""


def all_cores() -> None:
    """PyTorch back on every core: txtai's default, which Tesesøk's encoder may have changed."""
    import torch

    if torch.get_num_threads() != os.cpu_count():
        torch.set_num_threads(os.cpu_count() or 1)


def txtai_embeddings(hybrid: bool, models: dict):
    """A txtai index over the model folder with the e5 prefixes; `models` shares the loaded model."""
    from txtai import Embeddings

    config = {"path": str(MODEL), "instructions": INSTRUCTIONS}
    if hybrid:
        config["hybrid"] = True
    return Embeddings(config, models=models)


def vector_check(encoder, txtai, engine, passages: list[str], qs: list[str]) -> dict[str, float]:
    """Mean / min cosine between txtai's and Tesesøk's vectors of the same texts (same prefixes: ~1)."""
    import numpy as np

    all_cores()
    ours_p = encoder.encode_passages(passages)
    theirs_p = np.asarray(txtai.batchtransform(passages, category="data"))
    ours_q = np.stack([engine.encode_query(q) for q in qs])
    theirs_q = np.asarray(txtai.batchtransform(qs, category="query"))
    cos_p = np.sum(ours_p * theirs_p, axis=1)
    cos_q = np.sum(ours_q * theirs_q, axis=1)
    return {"passage_min": float(cos_p.min()), "passage_mean": float(cos_p.mean()),
            "query_min": float(cos_q.min()), "query_mean": float(cos_q.mean())}


def encoding_rounds(encoder, txtai, passages: list[str], rounds: int) -> dict[str, list[float]]:
    """Passages/s per round: Tesesøk's build encoder and txtai's `index` (its encoding + FAISS), alternating."""
    rates: dict[str, list[float]] = {"Tesesøk encode_passages": [], "txtai index (dense)": []}
    for r in range(rounds):
        calls = [("Tesesøk encode_passages", lambda: encoder.encode_passages(passages)),
                 ("txtai index (dense)", lambda: txtai.index(passages))]
        for name, call in calls[r % 2:] + calls[:r % 2]:
            encoder._token_cache.clear()  # tokenise again, as a fresh build does
            all_cores()
            began = time.perf_counter()
            call()
            rates[name].append(len(passages) / (time.perf_counter() - began))
    return rates


def search_rounds(systems: list[tuple[str, Callable[[str], object], Callable[[], None]]], qs: list[str],
                  rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call of each system, alternating per question; one untimed warm-up round."""
    times: dict[str, list[float]] = {name: [] for name, _, _ in systems}
    for r in range(rounds + 1):
        for i, question in enumerate(qs):
            shift = (r + i) % len(systems)
            for name, call, reset in systems[shift:] + systems[:shift]:
                reset()
                began = time.perf_counter()
                call(question)
                if r:
                    times[name].append(1000 * (time.perf_counter() - began))
    return times


def cold_sample(script: str, target: str, qs: list[str], full: bool) -> dict[str, float]:
    """One new process: import, open, first answer (and, with `full`, every question for peak memory)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script, target, qs[0], json.dumps(qs if full else [])],
                            env=env, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"cold-start process failed:\n{result.stderr[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["total"] = time.perf_counter() - began
    return figures


def cold_rounds(index: Path, txtai_dir: Path, qs: list[str], samples: int) -> dict[str, dict]:
    """Median cold start per system over `samples` alternating runs, and the peak memory of a full pass."""
    scripts = {"Tesesøk (qa.ask)": (_COLD, str(index)), "txtai (dense search)": (_TXTAI_COLD, str(txtai_dir))}
    out: dict[str, dict] = {name: {"samples": []} for name in scripts}
    for name, (script, target) in scripts.items():
        out[name]["peak_mb"] = cold_sample(script, target, qs, full=True)["peak_mb"]
    for s in range(samples):
        for name in (list(scripts) if s % 2 == 0 else list(scripts)[::-1]):
            script, target = scripts[name]
            out[name]["samples"].append(cold_sample(script, target, qs, full=False))
    return out


def summary(values: list[float]) -> tuple[float, float]:
    return percentile(values, 50), percentile(values, 95)


def ratio(ours: float, theirs: float, target: float | None = None) -> str:
    """How many times ours beats theirs (a time: theirs / ours), with the issue's target if any."""
    text = f"{theirs / ours:.2f}x" if ours > 0 else "–"
    return f"{text} (target >= {target}x)" if target else text


def print_report(context: dict, vectors: dict, rates: dict, times: dict, cold: dict) -> None:
    print(f"\nPeer benchmark — {context['cpu']}, {os.cpu_count()} CPUs, load average {context['load'][0]:.2f} "
          f"before, {os.getloadavg()[0]:.2f} after")
    print(f"txtai {context['txtai']}; Tesesøk passages {context['passage_dtype']}, queries {context['query_dtype']}; "
          f"{context['passages']} passages x {context['encode_rounds']} encodings, "
          f"{context['questions']} questions x {context['rounds']} rounds")
    print(f"encoder choice (models.choice): {context['choice']}\n")
    print(f"vectors, txtai vs Tesesøk: passages cos min {vectors['passage_min']:.4f} "
          f"mean {vectors['passage_mean']:.4f}; "
          f"queries min {vectors['query_min']:.4f} mean {vectors['query_mean']:.4f} "
          f"(txtai fp32 against Tesesøk {context['query_dtype']}; both prefixed alike when the passages match)\n")
    print("| encoding | passages/s (median) |\n|---|---|")
    for name, values in rates.items():
        print(f"| {name} | {statistics.median(values):.1f} |")
    print("\n| warm, one process, alternating | p50 ms | p95 ms |\n|---|---|---|")
    for name, values in times.items():
        p50, p95 = summary(values)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")
    print("\n| cold start (new process, median) | import s | open s | first answer s | total s "
          "| peak MB (all questions) |")
    print("|---|---|---|---|---|---|")
    for name, figures in cold.items():
        med = {key: statistics.median(s[key] for s in figures["samples"])
               for key in ("import", "open", "first", "total")}
        print(f"| {name} | {med['import']:.2f} | {med['open']:.2f} | {med['first']:.2f} | {med['total']:.2f} | "
              f"{figures['peak_mb']:.0f} |")
    dense, hybrid = (summary(times[k])[0] for k in ("txtai dense search", "txtai hybrid search"))
    search, ask = (summary(times[k])[0] for k in ("qa.search (k=10)", "qa.ask (k=5)"))
    ours_rate, their_rate = (statistics.median(v) for v in rates.values())
    cold_ours, cold_theirs = (statistics.median(s["total"] for s in c["samples"]) for c in cold.values())
    print("\nratios (Tesesøk faster by):")
    print(f"  qa.search vs txtai dense p50   {ratio(search, dense, 3)}")
    print(f"  qa.ask vs txtai dense p50      {ratio(ask, dense, 2.5)}")
    print(f"  qa.search vs txtai hybrid p50  {ratio(search, hybrid)}")
    print(f"  passage encoding               {ratio(1 / ours_rate, 1 / their_rate, 2)}")
    print(f"  cold start to first answer     {ratio(cold_ours, cold_theirs)} (target: Tesesøk <= 1.5 s)")
    print(f"  peak memory                    {ratio(*(c['peak_mb'] for c in cold.values()))}")


def run(args: argparse.Namespace) -> int:
    from importlib.metadata import version

    from analysis.language import detect_language
    from models.choice import describe, load_choice
    from models.encoder import Encoder
    from qa.answer import ask
    from qa.engine import Engine
    from qa.search import search

    passages = corpus_texts(args.index)[0][: args.passages or None]
    qs = questions()[: args.questions or None]
    context = {"cpu": cpu_model(), "load": os.getloadavg(), "txtai": version("txtai"), "passages": len(passages),
               "questions": len(qs), "rounds": args.rounds, "encode_rounds": args.encode_rounds}
    print(f"loading both ({len(passages)} passages, {len(qs)} questions) ...", file=sys.stderr, flush=True)
    encoder = Encoder(dtype="auto", show_progress=False)  # what `indexer build` uses
    engine = Engine(args.index)
    models: dict = {}
    dense, hybrid = txtai_embeddings(False, models), txtai_embeddings(True, models)
    context.update(passage_dtype=encoder.variant, query_dtype=engine.encoder.variant, choice=describe(load_choice()))
    vectors = vector_check(encoder, dense, engine, passages[:64], qs)
    print("encoding ...", file=sys.stderr, flush=True)
    rates = encoding_rounds(encoder, dense, passages, args.encode_rounds)
    all_cores()
    hybrid.index(passages)

    def reset_ours() -> None:  # every timed call encodes its question and detects its language
        engine.query_vectors.clear()
        detect_language.cache_clear()
    systems = [("txtai dense search", lambda q: dense.search(q, 10), all_cores),
               ("txtai hybrid search", lambda q: hybrid.search(q, 10), all_cores),
               ("qa.search (k=10)", lambda q: search(engine, q, 10), reset_ours),
               ("qa.ask (k=5)", lambda q: ask(engine, q, 5), reset_ours)]
    print("searching ...", file=sys.stderr, flush=True)
    times = search_rounds(systems, qs, args.rounds)
    with tempfile.TemporaryDirectory(prefix="tesesok-peers-") as tmp:
        dense.save(str(Path(tmp) / "txtai-dense"))
        print("cold starts ...", file=sys.stderr, flush=True)
        cold = cold_rounds(args.index, Path(tmp) / "txtai-dense", qs, args.cold)
    print_report(context, vectors, rates, times, cold)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the questions (default 5)")
    parser.add_argument("--encode-rounds", type=int, default=3,
                        help="timed encodings of the passages per system (default 3)")
    parser.add_argument("--cold", type=int, default=3, help="cold-start samples per system (default 3)")
    parser.add_argument("--passages", type=int, default=0, help="use only the first N passages (default: all)")
    parser.add_argument("--questions", type=int, default=0, help="use only the first N questions (default: all)")
    args = parser.parse_args(argv)
    if missing_index(args.index):
        return 2
    if min(args.rounds, args.encode_rounds, args.cold) < 1 or min(args.passages, args.questions) < 0:
        print("error: --rounds, --encode-rounds and --cold must be at least 1; --passages and --questions "
              "not negative", file=sys.stderr)
        return 2
    try:
        import txtai  # noqa: F401
    except ImportError:
        print("error: txtai is not installed here; run `make bench-peers` (it makes .venv-peers)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
