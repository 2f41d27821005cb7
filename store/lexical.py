"""The lexical (BM25) index of a snapshot: a bm25s index on disk over `analysis.lexical` terms.

The build writes it into each snapshot (`bm25/`), so the query side only loads it.
"""
from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from analysis.lexical import analyse

FOLDER = "bm25"
_IDS = "passage_ids.npy"
ANALYSIS = "snowball stem + stop words per language"  # recorded in the manifest


class LexicalIndex:
    """A BM25 index over passages whose document numbers map to passage row ids."""

    def __init__(self, bm25: bm25s.BM25, passage_ids: np.ndarray):
        self.bm25 = bm25
        self.passage_ids = passage_ids

    @classmethod
    def build(cls, passages: list[tuple[int, str, str]], *, k1: float, b: float) -> LexicalIndex:
        """Index (passage id, text, language) triples with BM25 parameters `k1` and `b`."""
        corpus = [analyse(text, language) or ["\u2205"] for _, text, language in passages]
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index(corpus, show_progress=False)
        return cls(bm25, np.asarray([pid for pid, _, _ in passages], dtype=np.int64))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(folder), show_progress=False)
        np.save(folder / _IDS, self.passage_ids)

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> LexicalIndex:
        """Read an index saved by `save`; `mmap` maps its score matrix instead of reading it."""
        bm25 = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False, verbosity=0)
        return cls(bm25, np.load(folder / _IDS, mmap_mode="r" if mmap else None))

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every passage (in `passage_ids` order) for the query terms."""
        known = [t for t in terms if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.passage_ids), dtype=np.float32)
        return self.bm25.get_scores(known).astype(np.float32, copy=False)
