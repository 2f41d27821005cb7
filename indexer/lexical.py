"""The lexical (BM25) side of the index: analysis per language, and a bm25s index on disk.

Norwegian text is lower-cased, stripped of Norwegian stop words and stemmed with the Snowball
Norwegian stemmer; English text (abstracts, quotes) the same way with English resources. The
index is written into each snapshot (`bm25/`) by the build, so the query side only loads it.
"""
from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_NORWEGIAN

FOLDER = "bm25"
_IDS = "passage_ids.npy"
_TOKEN = re.compile(r"\w\w+|\d+", re.UNICODE)
_LANGUAGES = {"no": ("norwegian", STOPWORDS_NORWEGIAN), "en": ("english", STOPWORDS_EN)}


@lru_cache(maxsize=None)
def _analyser(language: str) -> tuple[Stemmer.Stemmer, frozenset[str]]:
    name, stopwords = _LANGUAGES.get(language, _LANGUAGES["no"])
    return Stemmer.Stemmer(name), frozenset(stopwords)


_STEMS: dict[str, dict[str, str]] = {}  # per language: word -> stem (stemming dominated large builds)
_STEM_CACHE_WORDS = 1_000_000


def analyse(text: str, language: str = "no") -> list[str]:
    """The index terms of `text`: lower-cased words minus stop words, stemmed for `language`."""
    stemmer, stopwords = _analyser(language)
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stopwords]
    stems = _STEMS.setdefault(language, {})
    if len(stems) > _STEM_CACHE_WORDS:
        stems.clear()
    new = [w for w in set(words) if w not in stems]
    if new:
        stems.update(zip(new, stemmer.stemWords(new)))
    return [stems[w] for w in words]


class LexicalIndex:
    """A BM25 index over passages whose document numbers map to passage row ids."""

    def __init__(self, bm25: bm25s.BM25, passage_ids: np.ndarray):
        self.bm25 = bm25
        self.passage_ids = passage_ids

    @classmethod
    def build(cls, passages: list[tuple[int, str, str]]) -> LexicalIndex:
        """Index (passage id, text, language) triples."""
        corpus = [analyse(text, language) or ["\u2205"] for _, text, language in passages]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
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


def write_lexical_index(snapshot: Path, db: sqlite3.Connection) -> dict[str, object]:
    """Artefact writer for the build: index every passage of the finished database."""
    rows = db.execute("SELECT id, text, language FROM passages ORDER BY id").fetchall()
    LexicalIndex.build([(r[0], r[1], r[2]) for r in rows]).save(snapshot / FOLDER)
    return {"folder": FOLDER, "passages": len(rows), "analysis": "snowball stem + stop words per language"}

