"""Scale benchmark: build time, query latency, memory and ANN recall at 10k, 100k and 1M passages.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--workdir DIR] [--keep]

Synthetic corpora are made from the real index (`--source`, default index/): synthetic theses of
~200 passages, each passage 4-5 real sentences drawn at random; a sentence's vector is the real
stored vector plus Gaussian noise (renormalised), a passage's vector the normalised mean of its
sentence vectors plus noise. Theses are written through `store.snapshot.SnapshotWriter` exactly as
a build does (SQLite, vectors, columns, BM25, FAISS index chosen by `store.ann.choose_spec`).

For every size, three fresh processes (so that peak memory is per size and per stage):

  build    generate and write the snapshot: time per stage and peak RSS;
  vectors  the passage vectors alone: exact flat search against HNSW at several M and efSearch,
           build time, index bytes, single-query p50/p95 and recall@10 against exact search, both
           for k=10 and for the k=POOL candidate pool `qa.search` asks for;
  search   `qa.search.search(engine, q, 10)` over every question of eval/ (a warm-up round, then
           `--rounds` timed rounds, query-embedding and language caches emptied before each call),
           recall@10 of its hits against the same search with an exact flat index swapped in, BM25
           scoring alone, bytes per artefact on disk and the process's peak RSS.

With `--store postgresql`, each size's snapshot is also published to the bundled PostgreSQL and
searched there (`pgsearch`); its summary row gives the publish time as build time, the HNSW
index as "faiss MB" and the database's size as "disk MB".

Query vectors are the real encodings of the eval questions. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIMENSION = 384
EF_SEARCH = (16, 32, 64, 128, 256)
PASSAGES_PER_THESIS = (150, 250)  # uniform, mean 200
PASSAGES_PER_SECTION = 20
PAGE_CHARS = 3000


# --------------------------------------------------------------------------- helpers


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    return _status_mb("VmHWM")


def rss_mb() -> float:
    return _status_mb("VmRSS")


def anon_mb() -> float:
    """Resident memory of the process's own (anonymous) pages: RSS without mapped file pages."""
    return _status_mb("RssAnon")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def p50_p95(values: list[float]) -> tuple[float, float]:
    return percentile(values, 50), percentile(values, 95)


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def mb(n_bytes: float) -> float:
    return n_bytes / 2**20


def normalise(matrix: np.ndarray) -> np.ndarray:
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


# --------------------------------------------------------------------------- source data


def prepare_source(index_dir: Path, out: Path) -> dict:
    """Copy the real sentences (text, vector, language of their passage) of `index_dir` into `out`."""
    from store.layout import SENTENCE_VECTORS, current_snapshot

    snapshot = current_snapshot(index_dir)
    if snapshot is None:
        raise SystemExit(f"error: no index in {index_dir}/ (build one: python -m indexer build)")
    db = sqlite3.connect(f"{(snapshot / 'passages.sqlite').resolve().as_uri()}?mode=ro", uri=True)
    rows = db.execute("SELECT s.id, s.text, COALESCE(p.language, 'no') FROM sentences s "
                      "LEFT JOIN passages p ON p.id = s.passage_id ORDER BY s.id").fetchall()
    db.close()
    vectors = np.load(snapshot / SENTENCE_VECTORS)
    if len(vectors) != len(rows):
        raise SystemExit(f"error: {snapshot} has {len(rows)} sentences but {len(vectors)} vectors")
    keep = [i for i, (_, text, _) in enumerate(rows) if text.strip()]
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "sentence_vectors.npy", np.ascontiguousarray(vectors[keep], dtype=np.float32))
    (out / "sentences.json").write_text(json.dumps(
        {"text": [rows[i][1] for i in keep], "language": [rows[i][2] for i in keep]}, ensure_ascii=False))
    return {"snapshot": str(snapshot), "sentences": len(keep)}


def encode_questions(out: Path) -> int:
    """Encode every eval question once (as the engine would) into `out/queries.npy`."""
    from bench.query import questions
    from models.encoder import Encoder

    items = questions()
    vectors = Encoder(show_progress=False, for_queries=True).encode_queries(items)
    np.save(out / "queries.npy", np.ascontiguousarray(vectors, dtype=np.float32))
    return len(items)


# --------------------------------------------------------------------------- stage: build


class SyntheticCorpus:
    """Synthetic theses from the real sentences in `source` (see the module docstring)."""

    def __init__(self, source: Path, seed: int, sentence_noise: float, passage_noise: float, mix: str = "window"):
        data = json.loads((source / "sentences.json").read_text())
        self.texts: list[str] = data["text"]
        self.languages: list[str] = data["language"]
        self.vectors = np.load(source / "sentence_vectors.npy")
        self.rng = np.random.default_rng(seed)
        self.sentence_noise, self.passage_noise = sentence_noise, passage_noise
        self.mix = mix

    def thesis(self, number: int, n_passages: int):
        from store.records import ThesisMeta
        from store.records import Page, Passage, Section, Sentence, SourceMap, Thesis

        rng = self.rng
        counts = rng.integers(4, 6, size=n_passages)  # 4 or 5 sentences per passage
        if self.mix == "random":  # any 4-5 sentences of the corpus
            picks = rng.integers(0, len(self.texts), size=int(counts.sum()))
        else:  # 4-5 consecutive sentences from a random place: passages about one thing, as in a thesis
            starts = rng.integers(0, len(self.texts), size=n_passages)
            picks = (np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
                     + np.arange(int(counts.sum()))) % len(self.texts)
        pieces: list[str] = []
        pos = 0
        sections, sentences, passages = [], [], []
        s_index = 0
        for first in range(0, n_passages, PASSAGES_PER_SECTION):
            index = len(sections)
            heading = f"{index + 1} Kapittel {index + 1}"
            start = pos
            pieces += [heading, "\n\n"]
            pos += len(heading) + 2
            content_start = pos
            for p_index in range(first, min(first + PASSAGES_PER_SECTION, n_passages)):
                p_start, p_first = pos, s_index
                for j in range(int(counts[p_index])):
                    if j:
                        pieces.append(" ")
                        pos += 1
                    text = self.texts[picks[s_index]]
                    sentences.append(Sentence(index=s_index, start=pos, end=pos + len(text), text=text,
                                              section=index, page=pos // PAGE_CHARS + 1))
                    pieces.append(text)
                    pos += len(text)
                    s_index += 1
                p_text = " ".join(s.text for s in sentences[p_first:s_index])
                passages.append(Passage(
                    index=p_index, start=p_start, end=pos, text=p_text, section=index, part="body",
                    page_start=p_start // PAGE_CHARS + 1, page_end=(pos - 1) // PAGE_CHARS + 1,
                    first_sentence=p_first, last_sentence=s_index - 1, n_tokens=len(p_text) // 4,
                    language=self.languages[picks[p_first]]))
                pieces.append("\n\n")
                pos += 2
            sections.append(Section(index=index, number=str(index + 1), title=f"Kapittel {index + 1}",
                                    level=1, parent=None, part="body", start=start,
                                    content_start=content_start, end=pos))
        text = "".join(pieces)
        doc = f"syn_{number:06d}.txt"
        pages = [Page(start=i * PAGE_CHARS, physical=i + 1, number=i + 1)
                 for i in range((len(text) - 1) // PAGE_CHARS + 1)]
        thesis = Thesis(doc=doc, text=text, content_hash=hashlib.sha256(doc.encode()).hexdigest(),
                        source=SourceMap((0,), (0,), (len(text),)), pages=pages, sections=sections,
                        sentences=sentences, passages=passages)
        sentence_vectors = self.vectors[picks] + self.sentence_noise * rng.standard_normal(
            (len(picks), DIMENSION), dtype=np.float32)
        normalise(sentence_vectors)
        firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        passage_vectors = np.add.reduceat(sentence_vectors, firsts, axis=0) / counts[:, None].astype(np.float32)
        passage_vectors += self.passage_noise * rng.standard_normal(passage_vectors.shape, dtype=np.float32)
        normalise(passage_vectors)
        meta = ThesisMeta(title=f"Syntetisk oppgave {number}", authors=[f"Forfatter {number}"],
                          year=2000 + number % 25, institution="Syntetisk universitet", degree="master",
                          language="no")
        return thesis, meta, passage_vectors.astype(np.float32), sentence_vectors.astype(np.float32)


def stage_build(n: int, index_dir: Path, source: Path, seed: int, noise: float, mix: str) -> dict:
    """Write a synthetic snapshot of `n` passages into `index_dir`; seconds per stage and peak RSS."""
    from indexer.build import dense_index, lexical_index
    from indexer.params import DEFAULT_BUILD
    from indexer.thesis import DEFAULT_TOKEN_BUDGET, PARSER_VERSION
    from indexer.typicality import thesis_typicality
    from models.materialise import DEFAULT_MODEL_ID
    from store.layout import MANIFEST, build_lock
    from store.writer import SnapshotWriter

    times = {"generate": 0.0, "add": 0.0, "bm25": 0.0, "dense_index": 0.0}
    corpus = SyntheticCorpus(source, seed, noise, noise / 2, mix)
    rng = np.random.default_rng(seed + 1)
    started = time.perf_counter()
    with build_lock(index_dir), SnapshotWriter(index_dir, DIMENSION) as writer:
        done = number = 0
        while done < n:
            size = min(int(rng.integers(PASSAGES_PER_THESIS[0], PASSAGES_PER_THESIS[1] + 1)), n - done)
            began = time.perf_counter()
            thesis, meta, passage_vectors, sentence_vectors = corpus.thesis(number, size)
            times["generate"] += time.perf_counter() - began
            began = time.perf_counter()
            typicality = thesis_typicality(thesis, meta, passage_vectors, sentence_vectors,
                                           DEFAULT_BUILD.typicality_neighbours)
            writer.add(thesis, meta, passage_vectors, sentence_vectors, typicality, dtype="bf16")
            times["add"] += time.perf_counter() - began
            done += size
            number += 1
        times["rss_before_commit_mb"] = rss_mb()
        began = time.perf_counter()
        writer.seal_rows()
        lexical = lexical_index(writer)
        times["bm25"] = time.perf_counter() - began
        times["rss_after_bm25_mb"], times["peak_after_bm25_mb"] = rss_mb(), peak_rss_mb()
        dense, spec = dense_index(writer)
        times["dense_index"] = time.perf_counter() - began - times["bm25"]
        seconds = time.perf_counter() - started
        manifest = {"model_id": DEFAULT_MODEL_ID, "dimension": DIMENSION, "parser_version": PARSER_VERSION,
                    "token_budget": DEFAULT_TOKEN_BUDGET, "dtype": "bf16",
                    "prefixes": {"query": "query: ", "passage": "passage: "},
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                    "build_seconds": round(seconds, 2), "synthetic": {"seed": seed, "noise": noise, "mix": mix}}
        snapshot = writer.commit(manifest, lexical=lexical, dense=dense, dense_spec=spec)
        times["commit"] = time.perf_counter() - began
        totals = writer.totals()
    times["total"] = time.perf_counter() - started
    times["other_commit"] = times["commit"] - times["bm25"] - times["dense_index"]
    return {**times, "peak_rss_mb": peak_rss_mb(), "snapshot": str(snapshot), "totals": totals,
            "dense_spec": json.loads((snapshot / MANIFEST).read_text())["dense_index"]}


# --------------------------------------------------------------------------- stage: vectors


def stage_vectors(index_dir: Path, queries_path: Path, ms: list[int], ef_construction: int,
                  efs: list[int], rounds: int) -> dict:
    """Exact flat against HNSW on the snapshot's passage vectors (see the module docstring)."""
    import faiss

    from store.ann import DenseIndexSpec, build_dense_index, search_dense
    from store.layout import PASSAGE_VECTORS, PASSAGES_FAISS, current_snapshot
    from store.manifest import read_manifest
    from qa.params import DEFAULT

    snapshot = current_snapshot(index_dir)
    product_spec = DenseIndexSpec.from_json(read_manifest(snapshot).get("dense_index"))
    vectors = np.ascontiguousarray(np.load(snapshot / PASSAGE_VECTORS), dtype=np.float32)
    queries = np.load(queries_path)
    n = len(vectors)
    pool = min(DEFAULT.pool, n)

    def timed(index, spec, k, ef=DEFAULT.ef_search):
        """(p50, p95, rows per query) of single-query `search_dense` calls, `rounds` rounds."""
        out, rows = [], [search_dense(index, spec, q, k, ef_search=ef)[0] for q in queries]  # also the warm-up
        for _ in range(rounds):
            for q in queries:
                began = time.perf_counter()
                search_dense(index, spec, q, k, ef_search=ef)
                out.append(1000 * (time.perf_counter() - began))
        return (*p50_p95(out), rows)

    results = []
    began = time.perf_counter()
    flat_spec = DenseIndexSpec()
    flat = build_dense_index(vectors, flat_spec)
    build = time.perf_counter() - began
    p50, p95, exact10 = timed(flat, flat_spec, 10)
    p50_pool, p95_pool, _ = timed(flat, flat_spec, pool)
    results.append({"index": "flat (exact)", "m": None, "ef_search": None, "build_s": build,
                    "bytes": n * DIMENSION * 4, "p50": p50, "p95": p95, "p50_pool": p50_pool,
                    "p95_pool": p95_pool, "recall10": 1.0, "recall10_pool": 1.0})
    del flat
    exact = [set(r.tolist()) for r in exact10]

    def recall(rows: list[np.ndarray]) -> float:
        return statistics.fmean(len(exact[i] & set(r[:10].tolist())) / len(exact[i]) for i, r in enumerate(rows))

    for m in ms:
        spec = DenseIndexSpec(kind="hnsw", m=m, ef_construction=ef_construction)
        reuse = (product_spec.kind == "hnsw" and (product_spec.m, product_spec.ef_construction) == (m, ef_construction))
        if reuse:  # the snapshot's own index: its build time is the build stage's `dense_index`
            index, build = faiss.read_index(str(snapshot / PASSAGES_FAISS)), None
            size = (snapshot / PASSAGES_FAISS).stat().st_size
        else:
            began = time.perf_counter()
            index = build_dense_index(vectors, spec)
            build = time.perf_counter() - began
            size = faiss.serialize_index(index).nbytes
        for ef in efs:
            p50, p95, rows10 = timed(index, spec, 10, ef)
            p50_pool, p95_pool, rows_pool = timed(index, spec, pool, ef)
            results.append({"index": f"HNSW M={m} efC={ef_construction}" + (" (snapshot's)" if reuse else ""),
                            "m": m, "ef_search": ef, "build_s": build, "bytes": size, "p50": p50, "p95": p95,
                            "p50_pool": p50_pool, "p95_pool": p95_pool, "recall10": recall(rows10),
                            "recall10_pool": recall(rows_pool)})
            build = None  # shown once per index
        del index
    return {"n": n, "queries": len(queries), "pool": pool, "results": results, "peak_rss_mb": peak_rss_mb()}


# --------------------------------------------------------------------------- stage: search


def stage_search(index_dir: Path, rounds: int) -> dict:
    """`qa.search` end to end on the snapshot, against the same search over an exact index."""
    from models.encoder import Encoder
    from qa.engine import Engine
    from store.layout import DATABASE, PASSAGE_VECTORS, PASSAGES_FAISS, SENTENCE_VECTORS, current_snapshot

    snapshot = current_snapshot(index_dir)
    artefacts = {name: folder_bytes(snapshot / path) for name, path in (
        ("passages.faiss", PASSAGES_FAISS), ("vectors/passages.npy", PASSAGE_VECTORS),
        ("vectors/sentences.npy", SENTENCE_VECTORS), ("columns/", "columns"), ("bm25/", "bm25"),
        ("passages.sqlite", DATABASE))}
    encoder = Encoder(show_progress=False, for_queries=True)  # the query encoder the product serves with
    rss_encoder = rss_mb()
    began = time.perf_counter()
    engine = Engine(index_dir, encoder=encoder)
    open_s = time.perf_counter() - began
    return {**search_figures(engine, rounds), "open_s": open_s, "artefacts": artefacts, "rss_encoder_mb": rss_encoder}


def stage_pgsearch(index_dir: Path, rounds: int, pgdata: Path) -> dict:
    """The snapshot published to PostgreSQL (the bundled server in `pgdata`), then `qa.search` on it
    as `stage_search` does: publish time, database size, latency, recall against exact search."""
    from models.encoder import Encoder
    from qa.engine import Engine
    from store.backends import parse_store
    from store.layout import current_snapshot
    from store.pgstore import connect, publish

    spec = parse_store(f"pgserver:{pgdata}")
    began = time.perf_counter()
    schema = publish(current_snapshot(index_dir), spec.location)
    publish_s = time.perf_counter() - began
    with connect(spec.location) as conn:
        sizes = {name: size for name, size in conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'i')", (schema,))}
        (database,) = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    encoder = Encoder(show_progress=False, for_queries=True)
    rss_encoder = rss_mb()
    began = time.perf_counter()
    engine = Engine(spec, encoder=encoder)
    open_s = time.perf_counter() - began
    hnsw = sizes.get("passage_vectors_embedding_idx", 0)
    artefacts = {"passage HNSW index": hnsw, "passage_vectors table": sizes.get("passage_vectors", 0) - hnsw,
                 "sentence_vectors": sizes.get("sentence_vectors", 0), "files (columns, BM25)": sizes.get("files", 0)}
    artefacts["text tables, catalog"] = database - sum(artefacts.values())  # the total is the database's size
    return {**search_figures(engine, rounds), "open_s": open_s, "publish_s": publish_s, "artefacts": artefacts,
            "rss_encoder_mb": rss_encoder}


def search_figures(engine, rounds: int) -> dict:
    """Latency and recall of `qa.search` on an open engine, then again with an exact flat index."""
    import faiss

    from analysis.language import detect_language
    from analysis.lexical import analyse
    from bench.query import questions, time_calls
    from qa.params import DEFAULT
    from qa.search import search
    from store.ann import DenseIndexSpec

    rss_open = rss_mb()
    items = questions()

    def reset() -> None:
        engine.query_vectors.clear()
        detect_language.cache_clear()

    def run(call) -> list[float]:
        return time_calls(call, items, rounds, reset)

    ann_ms = run(lambda q: search(engine, q, 10))
    ann_hits = [[h.passage_id for h in search(engine, q, 10)] for q in items]
    cached_ms = time_calls(lambda q: search(engine, q, 10), items, rounds, lambda: None)  # embeddings cached
    encode_ms = run(engine.encode_query)
    terms = [analyse(q, "no") for q in items]
    bm25_ms = time_calls(engine.lexical.scores, terms, rounds, lambda: None)
    peak_ann = peak_rss_mb()
    rss_ann, anon_ann = rss_mb(), anon_mb()

    flat = faiss.IndexFlatIP(engine.passage_vectors.shape[1])
    for first in range(0, len(engine.passage_vectors), 65_536):
        flat.add(np.ascontiguousarray(engine.passage_vectors[first:first + 65_536], dtype=np.float32))
    engine.snapshot.passage_index, engine.snapshot.dense_spec = flat, DenseIndexSpec()
    exact_ms = time_calls(lambda q: search(engine, q, 10), items, rounds, lambda: None)  # embeddings cached
    exact_hits = [[h.passage_id for h in search(engine, q, 10)] for q in items]
    recall = statistics.fmean(len(set(a) & set(e)) / len(e) for a, e in zip(ann_hits, exact_hits) if e)
    same = sum(a == e for a, e in zip(ann_hits, exact_hits))
    return {"n": len(engine.passage_ids), "exhaustive": len(engine.passage_ids) <= DEFAULT.exhaustive_up_to,
            "dense_spec": engine.snapshot.manifest.get("dense_index"), "questions": len(items),
            "rounds": rounds, "search": p50_p95(ann_ms), "search_cached": p50_p95(cached_ms),
            "encode": p50_p95(encode_ms), "bm25": p50_p95(bm25_ms), "search_exact": p50_p95(exact_ms),
            "recall10": recall, "same_ranking": same, "rss_open_mb": rss_open, "rss_after_mb": rss_ann, "anon_after_mb": anon_ann, "peak_rss_mb": peak_ann}


# --------------------------------------------------------------------------- driver


def run_stage(args: list[str], log: Path) -> dict:
    """Run `python -m bench.scale --stage ...` in a fresh process; its JSON result."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with open(log, "a") as handle:
        result = subprocess.run([sys.executable, "-m", "bench.scale", *args], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=handle, text=True)
    if result.returncode:
        raise SystemExit(f"error: stage {' '.join(args[:3])} failed (exit {result.returncode}); see {log}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_build(n: int, b: dict) -> None:
    t = b["totals"]
    print(f"\n=== {label(n)}: {t['passages']:,} passages, {t['sentences']:,} sentences, {t['theses']:,} theses; "
          f"dense index {json.dumps(b['dense_spec'])}")
    print(f"build (SnapshotWriter): total {b['total']:.1f} s = generate {b['generate']:.1f} + add {b['add']:.1f} "
          f"+ commit {b['commit']:.1f} (BM25 {b['bm25']:.1f}, dense index {b['dense_index']:.1f}, "
          f"columns/vectors/fsync {b['other_commit']:.1f}); peak RSS {b['peak_rss_mb']:.0f} MB "
          f"(before commit {b['rss_before_commit_mb']:.0f} MB, peak after BM25 {b.get('peak_after_bm25_mb', 0):.0f} MB)",
          flush=True)


def print_vectors(v: dict) -> None:
    print(f"vector level: {v['queries']} real query vectors, single-query search_dense, "
          f"recall@10 against exact flat; k=10 and k={v['pool']} (qa.search's pool: share of the exact "
          f"top 10 inside it); peak RSS {v['peak_rss_mb']:.0f} MB")
    print(f"  {'index':<34}{'efS':>5}{'build s':>9}{'MB':>8}{'p50 ms':>8}{'p95 ms':>8}{'R@10':>7}"
          f"{'pool p50':>10}{'pool p95':>10}{'R@10 pool':>10}")
    for r in v["results"]:
        build = "" if r["build_s"] is None else f"{r['build_s']:.1f}"
        print(f"  {r['index']:<34}{r['ef_search'] or '':>5}{build:>9}{mb(r['bytes']):>8.0f}{r['p50']:>8.2f}"
              f"{r['p95']:>8.2f}{r['recall10']:>7.3f}{r['p50_pool']:>10.2f}{r['p95_pool']:>10.2f}"
              f"{r['recall10_pool']:>10.3f}", flush=True)


def print_search(s: dict) -> None:
    mode = "exhaustive (n <= EXHAUSTIVE_UP_TO)" if s["exhaustive"] else f"pooled, dense index {json.dumps(s['dense_spec'])}"
    print(f"qa.search end to end ({mode}): {s['questions']} questions x {s['rounds']} rounds; "
          f"engine open {s['open_s']:.2f} s")
    print(f"  {'':<46}{'p50 ms':>8}{'p95 ms':>8}")
    for key, name in (("search", "qa.search k=10 (incl. query encoding)"),
                      ("search_cached", "qa.search k=10, query embedding cached"),
                      ("encode", "query encoding alone"), ("bm25", "BM25 scores alone (all passages)"),
                      ("search_exact", "same, cached, with exact flat index")):
        print(f"  {name:<46}{s[key][0]:>8.1f}{s[key][1]:>8.1f}")
    print(f"  recall@10 of qa.search against exact: {s['recall10']:.3f} "
          f"({s['same_ranking']}/{s['questions']} identical top-10 lists)")
    sizes = ", ".join(f"{name} {mb(size):,.0f} MB" for name, size in s["artefacts"].items())
    print(f"  on disk: {sizes}; total {mb(sum(s['artefacts'].values())):,.0f} MB")
    print(f"  RSS: encoder loaded {s['rss_encoder_mb']:.0f} MB, engine open {s['rss_open_mb']:.0f} MB, "
          f"after all searches {s['rss_after_mb']:.0f} MB, peak {s['peak_rss_mb']:.0f} MB (before the exact swap); "
          f"of it the process's own memory (RssAnon) {s['anon_after_mb']:.0f} MB, the rest mapped index file pages",
          flush=True)


def recommend(runs: dict[int, dict]) -> str:
    """Threshold, M and efSearch from the figures: the cheapest HNSW meeting recall, flat while it is fast."""
    largest = max(runs)
    hnsw = [r for r in runs[largest]["vectors"]["results"] if r["m"] is not None]
    good = [r for r in hnsw if r["recall10_pool"] >= 0.99 and r["recall10"] >= 0.95]
    lines = []
    if good:
        best = min(good, key=lambda r: (r["p50_pool"], r["m"], r["ef_search"]))
        lines.append(f"at {label(largest)}: HNSW M={best['m']} efConstruction={hnsw[0]['index'].split('efC=')[1].split()[0]} "
                     f"efSearch={best['ef_search']} (R@10 {best['recall10']:.3f} at k=10, {best['recall10_pool']:.3f} "
                     f"in the k=POOL pool, pool search p50 {best['p50_pool']:.2f} ms)")
    else:
        lines.append(f"at {label(largest)}: no HNSW setting reached recall@10 0.95 / pool 0.99; raise M or efSearch")
    # Exact search cost grows linearly: the size at which a k=POOL flat scan costs 5 ms.
    per_million = statistics.fmean(r["vectors"]["results"][0]["p50_pool"] / n * 1e6 for n, r in runs.items())
    threshold = 5.0 / per_million * 1e6
    lines.append(f"exact flat scan costs ~{per_million:.0f} ms per million passages (k=POOL, p50): "
                 f"exact up to ~{label(int(round(threshold, -4)) or 10_000)} passages keeps it under 5 ms")
    return "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="passage counts (default 10k,100k,1M)")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new one in the temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the workdir and the synthetic indexes")
    parser.add_argument("--source", type=Path, default=ROOT / "index", help="real index to draw sentences from")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the questions (default 3)")
    parser.add_argument("--m", default="16,32", help="HNSW M values of the vector-level sweep (default 16,32)")
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--ef-search", default=",".join(map(str, EF_SEARCH)))
    parser.add_argument("--noise", type=float, default=0.02, help="Gaussian noise per component on sentence "
                        "vectors (passages get half) (default 0.02)")
    parser.add_argument("--mix", choices=("window", "random"), default="window",
                        help="passage = 4-5 consecutive real sentences from a random place (window, default) "
                        "or 4-5 sentences drawn independently (random: a worst case, vectors crowd the mean)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", choices=("embedded", "postgresql"), default="embedded",
                        help="postgresql: also publish each snapshot to the bundled PostgreSQL server and search "
                             "it there (the HNSW sweep of the vector stage is skipped)")
    parser.add_argument("--stage", choices=("build", "vectors", "search", "pgsearch"), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    ms = [int(x) for x in args.m.split(",") if x]
    efs = [int(x) for x in args.ef_search.split(",") if x]

    if args.stage:  # a child process: print one JSON line
        index_dir = args.workdir / f"index-{args.n}"
        if args.stage == "build":
            result = stage_build(args.n, index_dir, args.workdir / "source", args.seed, args.noise, args.mix)
        elif args.stage == "vectors":
            result = stage_vectors(index_dir, args.workdir / "source" / "queries.npy", ms,
                                   args.ef_construction, efs, args.rounds)
        elif args.stage == "search":
            result = stage_search(index_dir, args.rounds)
        else:
            result = stage_pgsearch(index_dir, args.rounds, args.workdir / "pgdata")
        print(json.dumps(result))
        return 0

    sizes = [int(float(x)) for x in args.sizes.replace("_", "").split(",") if x]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tesesok-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "stages.log"
    try:
        source = prepare_source(args.source, workdir / "source")
        n_questions = encode_questions(workdir / "source")
        print(f"Scale benchmark: sizes {', '.join(map(label, sizes))}; source {source['snapshot']} "
              f"({source['sentences']:,} real sentences); {n_questions} questions; passages {args.mix}, noise {args.noise}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; workdir {workdir}", flush=True)
        common = ["--workdir", str(workdir), "--rounds", str(args.rounds), "--m", args.m,
                  "--ef-construction", str(args.ef_construction), "--ef-search", args.ef_search,
                  "--noise", str(args.noise), "--seed", str(args.seed), "--mix", args.mix]
        runs: dict[int, dict] = {}
        for n in sizes:
            run = runs[n] = {}
            stage = ["--n", str(n), *common]
            run["build"] = run_stage(["--stage", "build", *stage], log)
            print_build(n, run["build"])
            if args.store == "embedded":
                run["vectors"] = run_stage(["--stage", "vectors", *stage], log)
                print_vectors(run["vectors"])
            run["search"] = run_stage(["--stage", "search", *stage], log)
            print_search(run["search"])
            if args.store == "postgresql":
                run["pgsearch"] = run_stage(["--stage", "pgsearch", *stage], log)
                print(f"PostgreSQL store: published in {run['pgsearch']['publish_s']:.1f} s")
                print_search(run["pgsearch"])
            if not args.keep:
                shutil.rmtree(workdir / f"index-{n}", ignore_errors=True)
            (workdir / "results.json").write_text(json.dumps({str(k): v for k, v in runs.items()}, indent=1))

        from qa.params import DEFAULT

        print("\nSummary")
        print(f"{'passages':>10}{'dense index':>14}{'build s':>9}{'BM25 s':>8}{'ANN s':>7}{'search p50':>12}"
              f"{'p95':>7}{'cached p50':>12}{'BM25 p50':>10}{'R@10':>7}{'faiss MB':>10}{'disk MB':>9}{'RSS MB':>8}")
        for n, run in runs.items():
            b, s = run["build"], run["search"]
            kind = b["dense_spec"]["kind"] + (f" M{b['dense_spec']['m']}/ef{DEFAULT.ef_search}"
                                              if b["dense_spec"]["kind"] == "hnsw" else "")
            print(f"{n:>10,}{kind:>14}{b['total']:>9.0f}{b['bm25']:>8.1f}{b['dense_index']:>7.1f}"
                  f"{s['search'][0]:>12.1f}{s['search'][1]:>7.1f}{s['search_cached'][0]:>12.1f}{s['bm25'][0]:>10.1f}"
                  f"{s['recall10']:>7.3f}{mb(s['artefacts']['passages.faiss']):>10.0f}"
                  f"{mb(sum(s['artefacts'].values())):>9,.0f}{s['peak_rss_mb']:>8.0f}")
            if "pgsearch" in run:  # the same snapshot on PostgreSQL: publish time, HNSW and database size
                g = run["pgsearch"]
                print(f"{'':>10}{'postgresql':>14}{g['publish_s']:>9.0f}{'–':>8}{'–':>7}"
                      f"{g['search'][0]:>12.1f}{g['search'][1]:>7.1f}{g['search_cached'][0]:>12.1f}{g['bm25'][0]:>10.1f}"
                      f"{g['recall10']:>7.3f}{mb(g['artefacts']['passage HNSW index']):>10.0f}"
                      f"{mb(sum(g['artefacts'].values())):>9,.0f}{g['peak_rss_mb']:>8.0f}")
        if args.store == "embedded":
            print(f"\nRecommendation: {recommend(runs)}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
