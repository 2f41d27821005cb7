"""Quality and speed of the PostgreSQL store beside the embedded one, on one index and one machine.

    .venv/bin/python -m bench.store_quality [--index index] [--store pgserver:DIR | postgresql://…]
                                            [--gold eval/dev.jsonl] [--rounds 3]

Publishes the live snapshot of `--index` to the store (a fresh bundled server in a temporary
folder unless `--store`), then for the shipped parameters and for the same with the exhaustive
shortcut off (so that candidates come from the dense index: exact FAISS on this corpus size for
the embedded store, pgvector HNSW on PostgreSQL) prints, per store: nDCG@10 and recall@10 of
`qa.ask` on the gold questions, and `qa.search` p50/p95 latency; then recall@10 and recall@POOL
of pgvector's HNSW candidates against exact search for the gold questions' query vectors.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa.engine import Engine
from qa.evaluation.evaluate import evaluate, load_questions
from qa.evaluation.predict import shipped
from qa.params import DEFAULT, Params
from qa.search import search
from store.backends import parse_store
from store.layout import current_snapshot
from store.pgstore import MAX_EF_SEARCH, publish


def _quality(engine: Engine, questions: list[dict]) -> tuple[float, float]:
    overall = evaluate(questions, shipped(engine, 10))["overall"]
    return overall["ndcg@10"], overall["recall@10"]


def _latency(engine: Engine, questions: list[dict], rounds: int) -> tuple[float, float]:
    """p50 and p95 of `qa.search` in ms (query vectors cached: the store's part, not the encoder's)."""
    for q in questions:
        search(engine, q["question"], 10)
    times = []
    for _ in range(rounds):
        for q in questions:
            began = time.perf_counter()
            search(engine, q["question"], 10)
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


def _ann_recall(engine: Engine, questions: list[dict], params: Params) -> dict[int, float]:
    """Mean share of the exact top-k passages that pgvector's HNSW search returns, per k."""
    matrix = np.asarray(engine.snapshot.passage_vectors, dtype=np.float32)
    out = {}
    for k in (10, params.pool):
        shares = []
        for q in questions:
            vector = engine.encode_query(q["question"])
            exact = set(np.argsort(-(matrix @ vector))[:k].tolist())
            found, _ = engine.snapshot.passage_index.nearest(vector, k, None, ef_search=params.ef_search)
            shares.append(len(exact & set(found.tolist())) / len(exact))
        out[k] = statistics.mean(shares)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--store", default=None, help="default: pgserver in a temporary folder")
    parser.add_argument("--gold", type=Path, default=Path("eval/dev.jsonl"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpu = subprocess.run("lscpu | grep 'Model name'", shell=True, capture_output=True, text=True).stdout.strip()
    print(f"CPU: {cpu or 'unknown'}")
    spec = parse_store(args.store or f"pgserver:{tempfile.mkdtemp(prefix='tesesok-pg-')}/data")
    began = time.perf_counter()
    schema = publish(current_snapshot(args.index), spec.location)
    print(f"published {args.index}/ to {spec.given} as {schema} in {time.perf_counter() - began:.1f} s")
    questions = load_questions(args.gold)
    embedded = Engine(args.index)
    for label, params in (("shipped", DEFAULT), ("dense index on", replace(DEFAULT, exhaustive_up_to=0))):
        engines = {"embedded": Engine(args.index, encoder=embedded.encoder, params=params),
                   "postgresql": Engine(spec, encoder=embedded.encoder, params=params)}
        figures = {}
        for name, engine in engines.items():
            ndcg, recall = _quality(engine, questions)
            p50, p95 = _latency(engine, questions, args.rounds)
            figures[name] = ndcg
            print(f"{label:15} {name:10} nDCG@10 {ndcg:.4f}  recall@10 {recall:.4f}  "
                  f"search p50 {p50:.1f} ms  p95 {p95:.1f} ms  ({len(questions)} questions)")
        print(f"{label:15} nDCG@10 postgresql - embedded: {figures['postgresql'] - figures['embedded']:+.4f}")
    recall = _ann_recall(engines["postgresql"], questions, DEFAULT)
    print("pgvector HNSW vs exact: " + ", ".join(f"recall@{k} {v:.4f}" for k, v in recall.items())
          + f" (m {engines['postgresql'].snapshot.dense_spec.m}, ef_search {min(DEFAULT.ef_search, MAX_EF_SEARCH)}, "
            f"{len(engines['postgresql'].passage_ids)} passages)")


if __name__ == "__main__":
    main()
