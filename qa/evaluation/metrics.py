"""Retrieval and answer metrics for the evaluation (the scoring rule of eval/README.md).

Pure functions, no I/O and no model: plain values in, named metrics out (the style of
sentence-transformers' evaluators). A passage or answer is `(doc, text)` where `doc` is the corpus
file name; a gold quote is a dict `{"doc": ..., "quote": ...}`.

The hit rule: a retrieved passage **hits** a gold quote when it comes from the same file and, after
whitespace normalisation and lowercasing of both, either contains the quote or shares at least half
of the quote's characters as one longest common substring (2 * LCS >= len(quote)).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath

_WS = re.compile(r"\s+")

NDCG_K = 10
MRR_K = 10


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space, strip, lowercase."""
    return _WS.sub(" ", text).strip().lower()


def _shares_substring(a: str, b: str, length: int) -> bool:
    """True when `a` and `b` have a common substring of `length` characters (length 0: always)."""
    if length <= 0:
        return True
    if len(a) > len(b):
        a, b = b, a
    if length > len(a):
        return False
    # Every common substring of `length` chars is some window of the shorter string; `in` runs in C.
    return any(a[i : i + length] in b for i in range(len(a) - length + 1))


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common (contiguous) substring of `a` and `b`; exact.

    Binary search over the length: a common substring of length L implies one of every length
    below L, so `_shares_substring` is monotone in L. Each probe tests the windows of the shorter
    string with `str.__contains__`, which keeps the work in C (a few ms for a 1,000-character
    passage against a 300-character quote, where a pure-Python DP takes hundreds).
    """
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return 0
    if a in b:
        return len(a)
    lo, hi = 0, len(a) - 1  # invariant: a common substring of length lo exists, none of hi + 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _shares_substring(a, b, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _same_doc(a: str, b: str) -> bool:
    """Same corpus file: compared by file name, so `corpus/x.txt` and `x.txt` match."""
    return PurePath(a).name == PurePath(b).name


def passage_hits(doc: str, text: str, gold: Mapping[str, str]) -> bool:
    """Whether the passage `(doc, text)` hits the gold quote `gold` (`{"doc", "quote"}`).

    Same file and, normalised: the passage contains the quote, or they share a common substring
    of at least half the quote's characters (2 * LCS >= len(quote)). An empty quote hits nothing.
    """
    if not _same_doc(doc, gold["doc"]):
        return False
    quote = normalise(gold["quote"])
    if not quote:
        return False
    passage = normalise(text)
    if quote in passage:  # fast path: containment implies 2 * LCS >= len(quote)
        return True
    return _shares_substring(quote, passage, math.ceil(len(quote) / 2))


def first_hit_ranks(passages: Sequence[tuple[str, str]], gold: Sequence[Mapping[str, str]]) -> list[int | None]:
    """For each gold quote, the 1-based rank of the first passage that hits it (None: no hit)."""
    ranks: list[int | None] = []
    for quote in gold:
        ranks.append(next((r for r, (doc, text) in enumerate(passages, 1) if passage_hits(doc, text, quote)), None))
    return ranks


def ranking_metrics(
    passages: Sequence[tuple[str, str]], gold: Sequence[Mapping[str, str]], ks: Iterable[int] = (1, 5, 10)
) -> dict[str, float]:
    """Ranking metrics of one question: `recall@k` for each k in `ks`, `mrr@10`, `ndcg@10`.

    `passages` are `(doc, text)` best first; `gold` the question's gold quotes (at least one).

    - recall@k = gold quotes hit by any of the top k passages / min(number of gold quotes, k),
      capped at 1 (one passage can hit several quotes: two quotes both in the rank-1 passage
      would otherwise give recall@1 = 2 / min(2, 1) = 2).
    - mrr@10 = 1 / rank of the first passage that hits any gold quote; 0 if none in the top 10.
    - ndcg@10: each gold quote contributes gain 1 at the rank of the first passage that hits it
      (binary gain, log2 discount): DCG = sum over quotes first hit at rank r <= 10 of
      1 / log2(r + 1). The ideal ranking puts one quote per rank: IDCG = sum_{i=1..min(n, 10)}
      1 / log2(i + 1). nDCG = min(1, DCG / IDCG). A passage that is the first hit of two quotes
      earns both gains at its rank, hence the cap (one passage at rank 1 holding both of two
      quotes: DCG 2 > IDCG 1.63, nDCG 1).
    """
    if not gold:
        raise ValueError("ranking_metrics needs at least one gold quote (unanswerable questions are scored on abstention)")
    ks = sorted(set(ks))
    if any(k < 1 for k in ks):
        raise ValueError(f"every k must be >= 1, got {ks}")
    depth = max([*ks, MRR_K, NDCG_K])
    ranks = first_hit_ranks(list(passages)[:depth], gold)
    n = len(gold)
    out: dict[str, float] = {}
    for k in ks:
        out[f"recall@{k}"] = min(1.0, sum(1 for r in ranks if r is not None and r <= k) / min(n, k))
    found = [r for r in ranks if r is not None]
    first = min(found, default=None)
    out[f"mrr@{MRR_K}"] = 1.0 / first if first is not None and first <= MRR_K else 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in found if r <= NDCG_K)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(n, NDCG_K) + 1))
    out[f"ndcg@{NDCG_K}"] = min(1.0, dcg / idcg)
    return out


def answer_hits(doc: str, sentence: str, gold: Sequence[Mapping[str, str]]) -> bool:
    """Whether an answer's first sentence `(doc, sentence)` overlaps any gold quote.

    Overlap with one quote: same file and, normalised, one contains the other or their longest
    common substring is at least half of the shorter of the two (2 * LCS >= min(len)). An empty
    sentence overlaps nothing.
    """
    s = normalise(sentence)
    if not s:
        return False
    for quote in gold:
        if not _same_doc(doc, quote["doc"]):
            continue
        q = normalise(quote["quote"])
        if not q:
            continue
        if s in q or q in s or _shares_substring(s, q, math.ceil(min(len(s), len(q)) / 2)):
            return True
    return False
