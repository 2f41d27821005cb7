"""Everything a query needs, loaded once from an index snapshot and shared between threads."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.errors import IndexerError
from indexer.lexical import FOLDER as LEXICAL_FOLDER
from indexer.lexical import LexicalIndex
from indexer.model import DEFAULT_MODEL_ID
from indexer.store import IndexSnapshot, open_index


@dataclass(frozen=True)
class ThesisInfo:
    id: int
    doc: str
    title: str
    authors: tuple[str, ...]
    year: str
    institution: str
    degree: str
    text: str


@dataclass(frozen=True)
class SectionInfo:
    id: int
    number: str
    title: str
    part: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()


class Engine:
    """An open index with its encoder: passage and sentence tables as arrays, FAISS, BM25."""

    def __init__(self, index_dir: Path | str = "index", *, encoder=None, dtype: str = "auto"):
        self.index_dir = Path(index_dir)
        self._open()
        manifest = self.snapshot.manifest
        if encoder is None:
            from indexer.encoder import Encoder

            model_id = manifest["model_id"]
            encoder = Encoder(None if model_id == DEFAULT_MODEL_ID else model_id, dtype=dtype, show_progress=False)
        if encoder.model_id != manifest["model_id"]:
            raise IndexerError(
                f"Index in {self.index_dir}/ was built with model {manifest['model_id']}, not {encoder.model_id}. "
                f"Run: python -m indexer build --index {self.index_dir} --model {encoder.model_id}")
        self.encoder = encoder
        self._encode_lock = threading.Lock()

    def _open(self, attempts: int = 3) -> None:
        """Open the live snapshot and load its tables and BM25 index.

        A build may switch snapshots (and delete the one just opened) while we read it; then
        the new live snapshot is opened instead.
        """
        for attempt in range(1, attempts + 1):
            self.snapshot: IndexSnapshot = open_index(self.index_dir)
            try:
                self._load_tables()
                self.lexical = LexicalIndex.load(self.snapshot.path / LEXICAL_FOLDER)
                return
            except (OSError, ValueError, sqlite3.Error) as exc:
                self.snapshot.close()
                if attempt == attempts:
                    raise IndexerError(f"Index in {self.index_dir}/ could not be read ({exc}). "
                                       f"Run: python -m indexer build --index {self.index_dir}") from exc

    def _load_tables(self) -> None:
        db = self.snapshot
        self.theses = {
            r["id"]: ThesisInfo(r["id"], r["doc"], r["title"] or "", tuple(_json_list(r["authors"])),
                                str(r["year"] or ""), r["institution"] or "", r["degree"] or "", r["text"])
            for r in db.query("SELECT * FROM theses ORDER BY id")
        }
        self.sections = {
            r["id"]: SectionInfo(r["id"], r["number"], r["title"], r["part"], r["start"], r["end"])
            for r in db.query("SELECT id, number, title, part, start, end FROM sections")
        }
        rows = db.query("SELECT id, thesis_id, section_id, part, start, end, language, page_start, page_end,"
                        " first_sentence, last_sentence FROM passages ORDER BY id")
        self.passage_ids = np.array([r["id"] for r in rows], dtype=np.int64)
        self.passage_row = {int(pid): i for i, pid in enumerate(self.passage_ids)}
        self.p_thesis = np.array([r["thesis_id"] for r in rows], dtype=np.int64)
        self.p_section = np.array([r["section_id"] for r in rows], dtype=np.int64)
        self.p_start = np.array([r["start"] for r in rows], dtype=np.int64)
        self.p_end = np.array([r["end"] for r in rows], dtype=np.int64)
        self.p_part = np.array([r["part"] for r in rows])
        self.p_language = np.array([r["language"] for r in rows])
        self.p_pages = np.array([(r["page_start"], r["page_end"]) for r in rows], dtype=np.int64).reshape(-1, 2)
        srows = db.query("SELECT id, thesis_id, idx, start, end, page FROM sentences ORDER BY id")
        self.sentence_ids = np.array([r["id"] for r in srows], dtype=np.int64)
        self.sentence_row = {int(sid): i for i, sid in enumerate(self.sentence_ids)}
        self.s_thesis = np.array([r["thesis_id"] for r in srows], dtype=np.int64)
        self.s_start = np.array([r["start"] for r in srows], dtype=np.int64)
        self.s_end = np.array([r["end"] for r in srows], dtype=np.int64)
        self.s_page = np.array([r["page"] for r in srows], dtype=np.int64)
        self.s_passages = self._sentence_passages(rows, srows)

    @staticmethod
    def _sentence_passages(prows, srows) -> list[list[int]]:
        """For each sentence row, the rows of the passages that contain it (one, or two on overlaps)."""
        by_index = {(r["thesis_id"], r["idx"]): i for i, r in enumerate(srows)}
        holders: list[list[int]] = [[] for _ in srows]
        for prow, p in enumerate(prows):
            for idx in range(p["first_sentence"], p["last_sentence"] + 1):
                holders[by_index[(p["thesis_id"], idx)]].append(prow)
        return holders

    def encode_query(self, text: str) -> np.ndarray:
        with self._encode_lock:  # torch modules are not re-entrant across threads
            return self.encoder.encode_queries([text])[0]

    def text(self, thesis_id: int, start: int, end: int) -> str:
        return self.theses[thesis_id].text[start:end]

    @property
    def docs(self) -> list[str]:
        return [t.doc for t in self.theses.values()]

    def close(self) -> None:
        self.snapshot.close()


def _json_list(value: str | None) -> list[str]:
    import json

    return list(json.loads(value)) if value else []
