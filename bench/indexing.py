"""Indexing benchmark: encoder throughput per precision, query latency, whole-corpus build time, peak memory.

    .venv/bin/python -m bench.indexing                  # everything, on corpus/
    .venv/bin/python -m bench.indexing --no-build --index index   # encoder figures only, texts of index/
    .venv/bin/python -m bench.indexing --executor ray --dtypes bf16  # also build on a local Ray cluster

With `--executor ray`, the corpus is also built with `indexer build --executor ray` (a local Ray
cluster, one worker per core, each loading the model once) at the first precision, and compared
with the local build of that precision: wall time, the driver's peak memory, and the cosine of
every passage and sentence vector against the local build's.

Prints a table of figures (no pass/fail). Each precision is measured in its own child process
(thread settings and loaded models are per process); each build runs as a child process into a
temporary folder (never the user's index/), and its peak memory is that child's ru_maxrss.
The machine is usually shared: the load average is printed with the figures; compare rows
measured in the same run, and use --repeat to take medians over more runs.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from models.choice import cpu_model, describe, load_choice

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "eval" / "dev.jsonl"


def available_dtypes() -> list[str]:
    from models.choice import available_variants

    return available_variants()


def corpus_texts(index: Path) -> tuple[list[str], list[str]]:
    """Passage and sentence texts of the live snapshot of ``index``."""
    current = (index / "CURRENT").read_text().strip() if (index / "CURRENT").exists() else ""
    candidates = [index / "snapshots" / current / "passages.sqlite"] if current else []
    candidates += [Path(p) for p in sorted(glob.glob(str(index / "snapshots" / "*" / "passages.sqlite")))]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise SystemExit(f"No passages.sqlite under {index}/snapshots/: build an index first")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        passages = [r[0] for r in db.execute("SELECT text FROM passages ORDER BY id")]
        sentences = [r[0] for r in db.execute("SELECT text FROM sentences ORDER BY id")]
    finally:
        db.close()
    return passages, sentences


def questions() -> list[str]:
    with DEV.open(encoding="utf-8") as fh:
        return [json.loads(line)["question"] for line in fh if line.strip()]


# --------------------------------------------------------------------------- child: one precision


def measure_encoder(dtype: str, index: Path, repeat: int, out: Path) -> None:
    """Runs in a child process: throughput, query latency and vectors for one precision."""
    from models.encoder import Encoder

    passages, sentences = corpus_texts(index)
    qs = questions()
    t0 = time.perf_counter()
    encoder = Encoder(dtype=dtype, show_progress=False)
    load_s = time.perf_counter() - t0
    encoder.encode_queries(qs[:2])  # warm-up (lazy init, first allocations)
    encoder.encode_passages(passages[:8])
    p_rates, s_rates = [], []
    vectors = None
    for _ in range(repeat):
        encoder._token_cache.clear()  # count tokenisation, as a fresh build would
        t = time.perf_counter()
        vectors = encoder.encode_passages(passages)
        p_rates.append(len(passages) / (time.perf_counter() - t))
        encoder._token_cache.clear()
        t = time.perf_counter()
        encoder.encode_passages(sentences)
        s_rates.append(len(sentences) / (time.perf_counter() - t))
    latencies = []
    for _ in range(repeat):
        for q in qs:
            encoder._token_cache.clear()
            t = time.perf_counter()
            encoder.encode_queries([q])
            latencies.append(1000 * (time.perf_counter() - t))
    np.save(out.with_suffix(".npy"), vectors)
    out.write_text(json.dumps({
        "dtype": encoder.dtype, "load_s": load_s,
        "passages_per_s": statistics.median(p_rates), "sentences_per_s": statistics.median(s_rates),
        "query_p50_ms": float(np.percentile(latencies, 50)), "query_p90_ms": float(np.percentile(latencies, 90)),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "n_passages": len(passages), "n_sentences": len(sentences), "n_queries": len(qs),
    }))


# --------------------------------------------------------------------------- parent


def _env(dtype: str | None = None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM=os.environ.get("TOKENIZERS_PARALLELISM", "false"))
    if dtype is not None:
        env["TESESOK_ENCODER_DTYPE"] = dtype  # what "auto" means in the child
    return env


def run_build(corpus: Path, index: Path, dtype: str | None, executor: str = "local") -> dict:
    """``python -m indexer build`` in a child process: wall time, peak RSS, its own summary."""
    cmd = [sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index),
           "--executor", executor]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=_env(dtype), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({' '.join(cmd)}):\n{stdout}")
    summary = next((line for line in stdout.splitlines() if line.startswith("Indexed")), stdout.strip())
    return {"build_s": seconds, "build_maxrss_mb": usage.ru_maxrss / 1024, "summary": summary}


def live_vectors(index: Path) -> tuple[np.ndarray, np.ndarray]:
    """The passage and sentence vectors of the live snapshot of ``index``."""
    from store.layout import PASSAGE_VECTORS, SENTENCE_VECTORS, current_snapshot

    snapshot = current_snapshot(index)
    return np.load(snapshot / PASSAGE_VECTORS), np.load(snapshot / SENTENCE_VECTORS)


def compare_executor(corpus: Path, local: Path, other: Path, dtype: str, executor: str) -> dict:
    """Build ``corpus`` into ``other`` with ``executor``; cosines of its vectors against ``local``'s."""
    row = run_build(corpus, other, dtype, executor)
    cosines = [np.sum(a * b, axis=1) for a, b in zip(live_vectors(local), live_vectors(other))]
    row["cos_passages_min"], row["cos_sentences_min"] = (float(c.min()) for c in cosines)
    row["vectors"] = sum(len(c) for c in cosines)
    return row


def print_executors(dtype: str, local: dict, others: dict[str, dict]) -> None:
    print(f"\nExecutors, whole-corpus build at {dtype} (driver peak RSS; Ray workers are separate processes)\n")
    print("| executor | build s | ratio to local | driver peak RSS MB | min cosine vs local: passages / sentences |")
    print("|---|---|---|---|---|")
    print(f"| local | {local['build_s']:.1f} | 1.00 | {local['build_maxrss_mb']:.0f} | – |")
    for name, r in others.items():
        print(f"| {name} | {r['build_s']:.1f} | {r['build_s'] / local['build_s']:.2f} | {r['build_maxrss_mb']:.0f} | "
              f"{r['cos_passages_min']:.5f} / {r['cos_sentences_min']:.5f} ({r['vectors']} vectors) |")
        print(f"\n{name} build: {r['summary']}")


def run_encoder(dtype: str, index: Path, repeat: int, tmp: Path) -> dict:
    out = tmp / f"enc-{dtype}.json"
    cmd = [sys.executable, "-m", "bench.indexing", "--child", dtype, "--index", str(index),
           "--repeat", str(repeat), "--out", str(out)]
    subprocess.run(cmd, cwd=REPO, env=_env(), check=True, stderr=subprocess.DEVNULL)
    return json.loads(out.read_text())


def fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.indexing", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus", help="corpus folder to build (default: corpus/)")
    ap.add_argument("--index", type=Path, default=None,
                    help="existing index whose passages/sentences are encoded (default: the first temporary build)")
    ap.add_argument("--dtypes", default=None, help="comma-separated precisions (default: all this machine supports)")
    ap.add_argument("--repeat", type=int, default=3, help="encoding runs per precision; the median is shown")
    ap.add_argument("--no-build", action="store_true", help="skip the whole-corpus builds")
    ap.add_argument("--executor", choices=("ray",), action="append", default=[],
                    help="also build with this executor at the first precision and compare with the local build")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        measure_encoder(args.child, args.index, args.repeat, args.out)
        return 0

    dtypes = args.dtypes.split(",") if args.dtypes else available_dtypes()
    load_before = os.getloadavg()
    rows: dict[str, dict] = {d: {} for d in dtypes}
    with tempfile.TemporaryDirectory(prefix="tesesok-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if not args.no_build:
            for dtype in dtypes:
                print(f"building {args.corpus} with {dtype} ...", file=sys.stderr, flush=True)
                rows[dtype].update(run_build(args.corpus, tmp / f"index-{dtype}", dtype))
        others = {name: compare_executor(args.corpus, tmp / f"index-{dtypes[0]}", tmp / f"index-{name}",
                                         dtypes[0], name) for name in args.executor if not args.no_build}
        index = args.index or (tmp / f"index-{dtypes[0]}" if not args.no_build else REPO / "index")
        for dtype in dtypes:
            print(f"encoding with {dtype} ...", file=sys.stderr, flush=True)
            rows[dtype].update(run_encoder(dtype, index, args.repeat, tmp))
        ref = tmp / "enc-fp32.npy"
        for dtype in dtypes:
            if ref.exists():
                cos = np.sum(np.load(tmp / f"enc-{dtype}.npy") * np.load(ref), axis=1)
                rows[dtype]["cos_min"], rows[dtype]["cos_mean"] = float(cos.min()), float(cos.mean())

    first = rows[dtypes[0]]
    print(f"\nEncoder benchmark — {first['n_passages']} passages, {first['n_sentences']} sentences, "
          f"{first['n_queries']} single queries; {cpu_model()}, {os.cpu_count()} CPUs; median of {args.repeat} runs")
    print(f"encoder choice (models.choice): {describe(load_choice())}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}\n")
    head = ("dtype", "passages/s", "sentences/s", "query p50 ms", "query p90 ms", "cos vs fp32 min/mean",
            "build s", "build peak RSS MB", "encoder RSS MB")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for dtype, r in rows.items():
        cos = f"{r['cos_min']:.4f} / {r['cos_mean']:.4f}" if "cos_min" in r else "–"
        print(f"| {dtype} | {r['passages_per_s']:.1f} | {r['sentences_per_s']:.1f} | {r['query_p50_ms']:.1f} | "
              f"{r['query_p90_ms']:.1f} | {cos} | {fmt(r.get('build_s'), '.1f')} | "
              f"{fmt(r.get('build_maxrss_mb'), '.0f')} | {r['maxrss_mb']:.0f} |")
    for dtype, r in rows.items():
        if "summary" in r:
            print(f"\n{dtype} build: {r['summary']}")
    if others:
        print_executors(dtypes[0], rows[dtypes[0]], others)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
