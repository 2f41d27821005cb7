"""Which backend and precision the encoder runs, chosen by measuring them on this machine.

Each available variant (PyTorch fp32 and bf16, ONNX Runtime fp32 with graph optimisation, ONNX
Runtime int8) is timed on a fixed small probe of queries and passages and checked against PyTorch
fp32: cosine >= `MIN_QUERY_COSINE` for every query (`MIN_PASSAGE_COSINE` for passages) and, where the
probe can rank (the dev questions and their candidates in the index), nDCG@10 within
`MAX_NDCG_DROP` of fp32's. The fastest faithful
variant is chosen for queries and, separately, for passages. The choice and its figures are cached
in ``models/backend-choice.json`` keyed by CPU (model name + a hash of its feature flags), so it is
measured again on another CPU, or when the rules no longer pick what it holds; ``models.precision.resolve_dtype``
reads it for ``"auto"``.
The probe is built and the measurement run by `qa.evaluation.backends` (`python -m qa backends`).
"""
from __future__ import annotations

import gc
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from models.materialise import DEFAULT_MODEL_ID, DEFAULT_MODELS_DIR
from models.precision import cpu_flags, onnxruntime_available

CHOICE_FILE = "backend-choice.json"
CHOICE_DIR = DEFAULT_MODELS_DIR
# Query vectors decide which passage comes first and whether an answer is refused, and the project
# questions hold near-ties closer than any rounding: bf16 queries (cosine 0.99996) changed one first
# source, int8 ones (0.993) up to ten and a confidence level (eval/README.md, phases 8-16). So the
# query encoder must reproduce fp32 (ONNX Runtime fp32: 0.9999996), and a question gets the same
# answer on every machine, whatever its CPU runs fastest (issue 16, point 4).
MIN_QUERY_COSINE = 0.99999
# Passage vectors are written once and serve every query, on every machine that opens the index, and
# the confidence thresholds were chosen on bf16 ones: they must round, not approximate. int8's (cosine
# 0.993) cost answer hits on the 122 project questions (0.468 → 0.442 in-sample, AMD EPYC, 2026-12-04)
# for a build 19% faster (64 against 54 passages/s); bf16 (0.99997) holds every figure.
MIN_PASSAGE_COSINE = 0.999
MAX_NDCG_DROP = 0.01  # nDCG@10 of the probe questions, against PyTorch fp32
# Backend x precision: what each variant name (an Encoder ``dtype``) runs.
VARIANTS = {"fp32": ("PyTorch", "fp32"), "bf16": ("PyTorch", "bf16"),
            "onnx-fp32": ("ONNX Runtime", "fp32"), "int8": ("ONNX Runtime", "int8")}
REFERENCE = "fp32"
PASSAGE_CHUNK = 8  # passages per timed call; the variants take turns chunk by chunk
WARM_UP_CHUNKS = 2  # untimed passage calls per variant first
# Pause after each timed passage call: ONNX Runtime's threads spin for a while after a call, and a
# PyTorch call started meanwhile ran 3x slower (0.7 s → 2.0 s for 8 passages, AMD EPYC, 2 cores), so
# interleaving made PyTorch look slower than it builds an index alone.
SETTLE_S = 0.1

Ranker = Callable[[np.ndarray, np.ndarray], float]


@dataclass
class Probe:
    """The texts a measurement encodes, and how to rank with their vectors.

    ``rank_queries(query_vectors)``: nDCG@10 of the probe questions (rows of ``queries``) over
    their stored candidates; ``rank_passages(query_vectors, passage_vectors)``: nDCG@10 of the
    questions whose candidates are ``passages``, ranked by these vectors. None: no ranking check.
    """

    queries: list[str]
    passages: list[str]
    rank_queries: Callable[[np.ndarray], float] | None = None
    rank_passages: Ranker | None = None
    notes: dict = field(default_factory=dict)


def cpu_model(cpuinfo: str = "/proc/cpuinfo") -> str:
    """The CPU's model name ("unknown CPU" if it cannot be read)."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return "unknown CPU"


def cpu_key() -> str:
    """This CPU as a cache key: its model name and a short hash of its feature flags."""
    flags = hashlib.sha256(" ".join(sorted(cpu_flags())).encode()).hexdigest()[:12]
    return f"{cpu_model()} | flags {flags}"


def available_variants() -> list[str]:
    """The variants this installation can run, the reference first."""
    return [v for v in VARIANTS if VARIANTS[v][0] == "PyTorch" or onnxruntime_available()]


def _rotated(names: list[str], i: int) -> list[str]:
    """`names` starting at the i-th (mod len): each variant goes first as often as the others."""
    i %= len(names)
    return names[i:] + names[:i]


def _timed_rounds(encoders: dict, probe: Probe) -> dict[str, dict]:
    """Query p50 (each query alone, as a search encodes it) and passages/s of every encoder, the
    variants interleaved query by query and chunk by chunk, so that the load of a shared machine
    weighs on all of them alike."""
    names = list(encoders)
    for encoder in encoders.values():  # warm-up, untimed: no variant's first-call set-up is measured
        encoder.encode_queries(probe.queries[:1])
        for _ in range(WARM_UP_CHUNKS):
            encoder.encode_passages(probe.passages[:PASSAGE_CHUNK])
    times: dict[str, list[float]] = {v: [] for v in names}
    queries = {v: np.empty((len(probe.queries), encoders[v].dimension), np.float32) for v in names}
    for i, text in enumerate(probe.queries):
        for v in _rotated(names, i):
            t = time.perf_counter()
            queries[v][i] = encoders[v].encode_queries([text])[0]
            times[v].append(1000 * (time.perf_counter() - t))
    seconds = dict.fromkeys(names, 0.0)
    passages = {v: np.empty((len(probe.passages), encoders[v].dimension), np.float32) for v in names}
    for j, lo in enumerate(range(0, len(probe.passages), PASSAGE_CHUNK)):
        chunk = probe.passages[lo:lo + PASSAGE_CHUNK]
        for v in _rotated(names, j):
            t = time.perf_counter()
            passages[v][lo:lo + len(chunk)] = encoders[v].encode_passages(chunk)
            seconds[v] += time.perf_counter() - t
            time.sleep(SETTLE_S)
    return {v: {"query_p50_ms": round(statistics.median(times[v]), 2),
                "passages_per_s": round(len(probe.passages) / seconds[v], 1), "_q": queries[v], "_p": passages[v]}
            for v in names}


def _checked(row: dict, probe: Probe, ref: dict) -> dict:
    """`row` with its cosines to the fp32 row `ref` and its nDCG@10 on the probe (vectors dropped)."""
    queries, passages = row.pop("_q"), row.pop("_p")
    row["query_cos_min"] = round(float((queries * ref["_q"]).sum(1).min()), 5)
    row["passage_cos_min"] = round(float((passages * ref["_p"]).sum(1).min()), 5)
    if probe.rank_queries is not None:
        row["ndcg_queries"] = round(probe.rank_queries(queries), 4)
    if probe.rank_passages is not None:
        row["ndcg_passages"] = round(probe.rank_passages(ref["_q"], passages), 4)
        row["ndcg_both"] = round(probe.rank_passages(queries, passages), 4)
    return row


def faithful(row: dict, reference: dict, side: str) -> bool:
    """Whether a measured variant is faithful to fp32 for `side` ("query" or "passage")."""
    if row[f"{side}_cos_min"] < (MIN_QUERY_COSINE if side == "query" else MIN_PASSAGE_COSINE):
        return False
    keys = ("ndcg_queries", "ndcg_both") if side == "query" else ("ndcg_passages", "ndcg_both")
    return all(reference[k] - row[k] <= MAX_NDCG_DROP + 1e-9 for k in keys if k in row and k in reference)


def pick(figures: dict[str, dict]) -> dict[str, str]:
    """The fastest faithful variant for queries (lowest p50) and for passages (most per second)."""
    ref = figures[REFERENCE]
    query = min((v for v in figures if faithful(figures[v], ref, "query")), key=lambda v: figures[v]["query_p50_ms"])
    passage = max((v for v in figures if faithful(figures[v], ref, "passage")),
                  key=lambda v: figures[v]["passages_per_s"])
    return {"query": query, "passage": passage}


def _load(variants: list[str], log: Callable[[str], None], loaded: dict) -> tuple[dict, dict]:
    """Every variant that loads here (those in `loaded` are), with its load time in seconds."""
    from models.encoder import Encoder

    encoders, load_s = dict(loaded), dict.fromkeys(loaded, 0.0)
    for variant in variants:
        if variant in encoders:
            continue
        log(f"loading {variant} ...")
        t = time.perf_counter()
        try:
            encoders[variant] = Encoder(dtype=variant, show_progress=False)
        except (OSError, RuntimeError, ImportError, ValueError) as exc:  # a backend that cannot run here
            if variant == REFERENCE:
                raise
            log(f"{variant} cannot run here: {exc}")
            continue
        load_s[variant] = round(time.perf_counter() - t, 2)
    return encoders, load_s


def measure(probe: Probe, variants: list[str] | None = None, log: Callable[[str], None] = lambda _: None,
            loaded: dict | None = None) -> dict:
    """Measure every variant on `probe` against fp32 (the reference) and choose; the cache entry.
    `loaded`: encoders already loaded, by variant."""
    started = time.perf_counter()
    variants = [REFERENCE] + [v for v in (variants or available_variants()) if v != REFERENCE]
    encoders, load_s = _load(variants, log, loaded or {})
    log(f"timing {', '.join(encoders)} on {len(probe.queries)} queries and {len(probe.passages)} passages ...")
    rows = _timed_rounds(encoders, probe)
    del encoders
    gc.collect()
    ref = rows[REFERENCE]
    figures = {v: {"backend": VARIANTS[v][0], "precision": VARIANTS[v][1], "load_s": load_s[v],
                   **_checked(dict(rows[v]), probe, ref)} for v in rows}
    for row in figures.values():
        row["faithful"] = {side: faithful(row, figures[REFERENCE], side) for side in ("query", "passage")}
    from importlib.metadata import version

    versions = {name: version(name) for name in ("torch", "onnxruntime") if name != "onnxruntime" or onnxruntime_available()}
    return {"cpu": cpu_model(), "key": cpu_key(), "model_id": DEFAULT_MODEL_ID, **pick(figures),
            "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1), "versions": versions,
            "probe": {"queries": len(probe.queries), "passages": len(probe.passages), **probe.notes},
            "figures": figures}


def choice_path(models_dir: Path | str | None = None) -> Path:
    """The cache file (in `models_dir`, default `CHOICE_DIR`)."""
    return Path(CHOICE_DIR if models_dir is None else models_dir) / CHOICE_FILE


def load_choice(models_dir: Path | str | None = None) -> dict | None:
    """This CPU's cached choice for the default model, or None (never measured, unreadable, or made
    under other rules: what `pick` chooses from its figures today is not what it holds)."""
    try:
        entries = json.loads(choice_path(models_dir).read_text(encoding="utf-8"))
        entry = entries[cpu_key()]
        ok = (isinstance(entry, dict) and entry.get("model_id") == DEFAULT_MODEL_ID
              and {entry.get("query"), entry.get("passage")} <= set(VARIANTS)
              and pick(entry["figures"]) == {"query": entry["query"], "passage": entry["passage"]})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return entry if ok else None


def save_choice(entry: dict, models_dir: Path | str | None = None) -> Path:
    """Store `entry` as this CPU's choice (other CPUs' entries are kept), atomically."""
    path = choice_path(models_dir)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        entries = entries if isinstance(entries, dict) else {}
    except (OSError, ValueError):
        entries = {}
    entries[entry["key"]] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def describe(entry: dict | None) -> str:
    """One line for people: the chosen variants with their figures, or why there is no choice."""
    if entry is None:
        return "not measured on this CPU yet (`python -m qa backends`); chosen by CPU flags"
    q, p = entry["figures"][entry["query"]], entry["figures"][entry["passage"]]
    ref = entry["figures"][REFERENCE]
    return (f"queries {label(entry['query'])} ({q['query_p50_ms']:.1f} ms/query, fp32 {ref['query_p50_ms']:.1f}); "
            f"passages {label(entry['passage'])} ({p['passages_per_s']:.1f}/s, fp32 {ref['passages_per_s']:.1f}); "
            f"measured {entry['measured_at'][:16].replace('T', ' ')} UTC on {entry['cpu']}")


def label(variant: str) -> str:
    """"int8" -> "ONNX Runtime int8"."""
    backend, precision = VARIANTS[variant]
    return f"{backend} {precision}"


def table(entry: dict) -> str:
    """The measured figures as a Markdown table."""
    lines = ["| variant | load s | query p50 ms | passages/s | cos min q/p | nDCG@10 q/p/both | faithful q/p |",
             "|---|---|---|---|---|---|---|"]
    for variant, r in entry["figures"].items():
        ndcg = "/".join(f"{r[k]:.3f}" if k in r else "-" for k in ("ndcg_queries", "ndcg_passages", "ndcg_both"))
        ok = "/".join("yes" if r["faithful"][s] else "no" for s in ("query", "passage"))
        lines.append(f"| {label(variant)} | {r['load_s']:.1f} | {r['query_p50_ms']:.1f} | {r['passages_per_s']:.1f} | "
                     f"{r['query_cos_min']:.5f}/{r['passage_cos_min']:.5f} | {ndcg} | {ok} |")
    return "\n".join(lines)
