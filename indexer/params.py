"""The knobs that shape an index when it is built, with the measurement that chose each.

The query side's knobs are in `qa.params`; these are fixed in a snapshot when it is written (and
recorded in its manifest as "build_params"), so changing one takes a rebuild.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildParams:
    # Passages; above this the dense index is HNSW. At 10k passages a single-query exact scan
    # already took ~20 ms on this 2-core machine against ~1.5 ms for HNSW at recall@10 0.995
    # (bench/README.md, "Scale"); below it an exact scan is fast enough, above it HNSW keeps
    # query time flat with recall@10 ≥ 0.95 (`python -m bench.scale`).
    exact_up_to: int = 20_000
    hnsw_m: int = 32  # HNSW: links per node
    hnsw_ef_construction: int = 80  # HNSW: candidate list while building
    # BM25 term-frequency saturation and length normalisation: the usual defaults (bm25s's,
    # Robertson's); the lexical weight in `qa.params` was tuned with them.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # A sentence's typicality is its mean cosine to this many most similar passages of its own
    # thesis (`indexer.typicality`); tuned together with `qa.params.Params.typicality_weight`,
    # which cross-validation chooses (0 in phases 5 and 20, 1.25 on the 202 project questions of
    # phase 21; eval/README.md).
    typicality_neighbours: int = 5
    # Every run of this many consecutive sentences inside one passage is embedded as its own text
    # (`indexer.windows`): the answer spans of `qa.span` get their own vectors, and a passage's
    # best window is retrieval evidence beside its best sentence. Sizes 2 and 3 are the spans an
    # answer can have beyond one sentence (`qa.params.Params.max_sentences`); in-sample on the 57
    # answerable dev + heldout questions, 2 alone and 3 alone gave nDCG@10 0.717 / 0.718, both 0.721
    # (eval/README.md, "Window vectors").
    window_sizes: tuple[int, ...] = (2, 3)


DEFAULT_BUILD = BuildParams()
