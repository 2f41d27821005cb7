"""The probe that chooses the encoder's backend (`models.choice`): the project's dev questions and
their candidates in an index, ranked by each variant's vectors. `python -m qa backends`.

Query side: every answerable dev question, encoded by the variant, ranks its `CANDIDATES` nearest
stored passages (found with fp32 queries; stored vectors as the index has them). Passage side: the
candidates of every `PASSAGE_EVERY`-th question, re-encoded by the variant, ranked by the fp32
question vectors (and by the variant's own). nDCG@10 against the questions' gold quotes.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from models.choice import VARIANTS, Probe, available_variants, describe, load_choice, measure, save_choice, table
from qa.engine import Engine
from qa.errors import QueryError
from qa.evaluation.evaluate import is_unanswerable, load_questions
from qa.evaluation.metrics import ranking_metrics

DEV_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "dev.jsonl"
CANDIDATES = 30  # stored passages per question re-ranked by a variant's query vector
# Passage side: the first PASSAGE_CANDIDATES candidates of every PASSAGE_EVERY-th question are
# re-encoded (~40 passages: with four variants the passages take most of the measurement).
PASSAGE_EVERY = 8
PASSAGE_CANDIDATES = 8


def _mean_ndcg(questions: list[dict], ranked: list[list[tuple[str, str]]]) -> float:
    return float(np.mean([ranking_metrics(r, q["gold"])["ndcg@10"] for q, r in zip(questions, ranked)]))


def build_probe(index: Path | str, reference_encoder, questions_file: Path = DEV_QUESTIONS) -> Probe:
    """The probe over the dev questions and the index's stored passages (`reference_encoder`: fp32)."""
    questions = [q for q in load_questions(questions_file) if not is_unanswerable(q)]
    engine = Engine(index, encoder=reference_encoder)
    try:
        stored = np.array(engine.passage_vectors, dtype=np.float32)  # a copy: the snapshot closes below
        reference = engine.encoder.encode_queries([q["question"] for q in questions])
        nearest = np.argsort(-(reference @ stored.T), axis=1)[:, :CANDIDATES]
        texts = {int(i): (engine.theses[int(engine.p_thesis[i])].doc,
                          engine.text(int(engine.p_thesis[i]), int(engine.p_start[i]), int(engine.p_end[i])))
                 for i in np.unique(nearest)}
    finally:
        engine.close()
    rows = range(0, len(questions), PASSAGE_EVERY)
    sampled = [q for i, q in enumerate(questions) if i % PASSAGE_EVERY == 0]
    passage_ids = sorted({int(i) for r in rows for i in nearest[r, :PASSAGE_CANDIDATES]})
    position = {pid: n for n, pid in enumerate(passage_ids)}

    def rank_queries(query_vectors: np.ndarray) -> float:
        ranked = []
        for q, cands in zip(query_vectors, nearest):
            order = cands[np.argsort(-(stored[cands] @ q), kind="stable")]
            ranked.append([texts[int(i)] for i in order[:10]])
        return _mean_ndcg(questions, ranked)

    def rank_passages(query_vectors: np.ndarray, passage_vectors: np.ndarray) -> float:
        ranked = []
        for r in rows:
            cands = [int(i) for i in nearest[r, :PASSAGE_CANDIDATES]]
            scores = passage_vectors[[position[c] for c in cands]] @ query_vectors[r]
            ranked.append([texts[cands[j]] for j in np.argsort(-scores, kind="stable")])
        return _mean_ndcg(sampled, ranked)

    return Probe([q["question"] for q in questions], [texts[i][1] for i in passage_ids], rank_queries,
                 rank_passages, notes={"questions": str(questions_file.name), "ranked_passage_questions": len(sampled),
                                       "candidates": CANDIDATES})


def choose(index: Path | str, variants: list[str] | None = None) -> dict:
    """Measure `variants` (default: every one available) on the dev-question probe of `index` and
    return the entry; it replaces the cached choice only when every available variant was measured,
    so that timing a few never hides a faster one."""
    from models.encoder import Encoder

    started = time.perf_counter()
    reference = Encoder(dtype="fp32", show_progress=False)
    load_s = time.perf_counter() - started
    probe = build_probe(index, reference)
    entry = measure(probe, variants, log=lambda line: print(line, file=sys.stderr, flush=True),
                    loaded={"fp32": reference})
    del reference
    entry["figures"]["fp32"]["load_s"] = round(load_s, 2)  # loaded here, before the probe
    entry["seconds"] = round(time.perf_counter() - started, 1)
    complete = variants is None or set(available_variants()) <= set(variants)
    if complete:
        save_choice(entry)
    print(f"tesesok: measuring the encoder backends ... done in {entry['seconds']}s"
          + ("" if complete else "; only some variants were measured, so the cached choice is unchanged"),
          file=sys.stderr, flush=True)
    return entry


def run(index: Path, *, if_needed: bool, variants: list[str] | None) -> int:
    """`python -m qa backends`: measure (unless cached for this CPU with `if_needed`) and print."""
    if variants is not None:
        unknown = [v for v in variants if v not in VARIANTS]
        if unknown:
            raise QueryError(f"unknown encoder variant {', '.join(map(repr, unknown))}; "
                             f"--variants takes a comma-separated list of: {', '.join(VARIANTS)}")
    entry = load_choice() if if_needed else None
    if entry is None:
        entry = choose(index, variants)
        print(table(entry))
        print()
    print(f"encoder: {describe(entry)}")
    return 0
