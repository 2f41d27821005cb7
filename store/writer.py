"""Writing a snapshot: one thesis at a time, then sealed and switched in atomically (store.layout)."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from dataclasses import asdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from store.ann import DenseIndexSpec
from store.columns import FOLDER as COLUMNS_FOLDER
from store.columns import ColumnWriter, load_array
from store.health import file_records
from store.int8 import quantise
from store.layout import (
    CURRENT, DATABASE, PASSAGE_VECTORS, PASSAGES_FAISS, SENTENCE_VECTORS, SNAPSHOTS, TMP_PREFIX, TOKEN_VECTORS,
    WINDOW_VECTORS,
    current_snapshot, fsync_dir, fsync_tree, is_snapshot_name, new_snapshot_name, write_atomically,
)
from store.lexical import ANALYSIS, LexicalIndex
from store.lexical import FOLDER as LEXICAL_FOLDER
from store.manifest import SCHEMA_VERSION, write_manifest
from store.records import PassageTokens, Thesis, ThesisMeta
from store.schema import SCHEMA
from store.vectorfile import FOLDER as VECTORS_FOLDER
from store.vectorfile import VectorFile


class SnapshotWriter:
    """Writes one new snapshot; `commit()` makes it the live one, `abort()` removes it.

    Use it as a context manager: leaving the block by any exception (KeyboardInterrupt
    included) before `commit()` deletes the temporary folder and leaves CURRENT untouched.
    Call it under `build_lock`.
    """

    def __init__(self, index_dir: Path, dimension: int):
        self.index_dir = Path(index_dir)
        self.dimension = dimension
        snapshots = self.index_dir / SNAPSHOTS
        snapshots.mkdir(parents=True, exist_ok=True)
        for stale in snapshots.glob(f"{TMP_PREFIX}*"):
            if is_snapshot_name(stale.name):
                shutil.rmtree(stale, ignore_errors=True)
        self.name = new_snapshot_name()
        self.tmp = snapshots / f"{TMP_PREFIX}{self.name}"
        self.tmp.mkdir()
        self.db = sqlite3.connect(self.tmp / DATABASE)
        self.db.execute("PRAGMA journal_mode = OFF")  # a failed build discards the file anyway
        self.db.execute("PRAGMA synchronous = OFF")  # fsynced once in commit()
        self.db.executescript(SCHEMA)
        self.passage_vectors = VectorFile(self.tmp / PASSAGE_VECTORS, dimension)
        self.sentence_vectors = VectorFile(self.tmp / SENTENCE_VECTORS, dimension)
        self.window_vectors = VectorFile(self.tmp / WINDOW_VECTORS, dimension)
        self.token_vectors = VectorFile(self.tmp / TOKEN_VECTORS, dimension, np.int8)  # store.int8
        self.columns = ColumnWriter()
        self.theses: dict[str, dict[str, Any]] = {}
        self._next = {"theses": 1, "sections": 1, "passages": 1, "sentences": 1}
        self._done = False

    def _ids(self, table: str, n: int) -> list[int]:
        first = self._next[table]
        self._next[table] = first + n
        return list(range(first, first + n))

    def add(self, thesis: Thesis, meta: ThesisMeta, passage_vectors: np.ndarray,
            sentence_vectors: np.ndarray, typicality: np.ndarray, windows: Sequence[tuple[int, int]] = (),
            window_vectors: np.ndarray | None = None, tokens: PassageTokens | None = None,
            **extra: Any) -> dict[str, Any]:
        """Write one thesis with its vectors, per-sentence typicality, windows (`indexer.windows`:
        (first, last) sentence indices, with their vectors) and its passages' token vectors (none
        if not given); returns its manifest entry (plus `extra`)."""
        if window_vectors is None:
            window_vectors = np.zeros((0, self.dimension), dtype=np.float32)
        if tokens is None:
            tokens = PassageTokens.empty(len(thesis.passages), self.dimension)
        if (len(passage_vectors), len(sentence_vectors), len(typicality), len(window_vectors), len(tokens.counts),
                len(tokens.vectors)) != (len(thesis.passages), len(thesis.sentences), len(thesis.sentences),
                                         len(windows), len(thesis.passages), int(tokens.counts.sum())):
            raise ValueError(f"{thesis.doc}: vector counts do not match passages/sentences/windows/tokens")
        (tid,) = self._ids("theses", 1)
        section_ids = dict(zip((s.index for s in thesis.sections), self._ids("sections", len(thesis.sections))))
        passage_ids = self._ids("passages", len(thesis.passages))
        sentence_ids = self._ids("sentences", len(thesis.sentences))
        self._insert_rows(thesis, meta, tid, section_ids, passage_ids, sentence_ids)
        self.passage_vectors.append(passage_vectors)
        self.sentence_vectors.append(sentence_vectors)
        self.window_vectors.append(window_vectors)
        token_lo = self.token_vectors.rows + np.cumsum(tokens.counts) - tokens.counts
        codes, scales = quantise(tokens.vectors)
        self.token_vectors.append(codes)
        first_row = sentence_ids[0] - 1 if sentence_ids else 0
        self.columns.append(
            "passages", thesis=[tid] * len(passage_ids), section=[section_ids[p.section] for p in thesis.passages],
            start=[p.start for p in thesis.passages], end=[p.end for p in thesis.passages],
            page_start=[p.page_start for p in thesis.passages], page_end=[p.page_end for p in thesis.passages],
            sentence_lo=[first_row + p.first_sentence for p in thesis.passages],
            sentence_hi=[first_row + p.last_sentence + 1 for p in thesis.passages],
            part=[p.part for p in thesis.passages], language=[p.language for p in thesis.passages],
            token_lo=token_lo, token_hi=token_lo + tokens.counts)
        self.columns.append("tokens", id=tokens.ids, scale=scales)
        self.columns.append(
            "sentences", thesis=[tid] * len(sentence_ids), start=[s.start for s in thesis.sentences],
            end=[s.end for s in thesis.sentences], page=[s.page for s in thesis.sentences],
            typicality=list(typicality))
        self.columns.append("windows", thesis=[tid] * len(windows), first=[first_row + f for f, _ in windows],
                            last=[first_row + last for _, last in windows])
        entry = {"content_hash": thesis.content_hash, "masked": not meta.keep_personal_data,
                 "pages": len(thesis.pages), "sections": len(thesis.sections),
                 "passages": len(thesis.passages), "sentences": len(thesis.sentences), "windows": len(windows),
                 "tokens": len(tokens.ids), **extra}
        self.theses[thesis.doc] = entry
        return entry

    def _insert_rows(self, thesis: Thesis, meta: ThesisMeta, tid: int, section_ids: dict[int, int],
                     passage_ids: list[int], sentence_ids: list[int]) -> None:
        """The SQLite rows of one thesis (store.schema), under the ids `add` gave them."""
        first_passage: dict[int, int] = {}
        for pid, p in zip(passage_ids, thesis.passages):
            for s in range(p.first_sentence, p.last_sentence + 1):
                first_passage.setdefault(s, pid)
        source = thesis.source
        db = self.db
        db.execute("INSERT INTO theses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            tid, thesis.doc, thesis.content_hash, thesis.text, meta.title, json.dumps(meta.authors,
            ensure_ascii=False), meta.year, meta.institution, meta.degree, meta.language,
            len(thesis.pages), int(not meta.keep_personal_data),
            json.dumps([source.clean_starts, source.source_starts, source.lengths]),
            json.dumps(thesis.warnings, ensure_ascii=False), meta.topic,
            json.dumps([asdict(d) for d in thesis.derived], ensure_ascii=False)))
        db.executemany("INSERT INTO pages VALUES (?,?,?,?,?)",
                       [(tid, p.start, p.physical, p.number, p.label) for p in thesis.pages])
        db.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
            (section_ids[s.index], tid, s.index, s.number, s.title, s.level,
             section_ids.get(s.parent) if s.parent is not None else None,
             s.part, s.start, s.content_start, s.end) for s in thesis.sections])
        db.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
            (pid, tid, p.index, section_ids[p.section], p.part, p.start, p.end, p.text, p.page_start,
             p.page_end, p.language, p.first_sentence, p.last_sentence, p.n_tokens)
            for pid, p in zip(passage_ids, thesis.passages)])
        db.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?,?,?)", [
            (sid, tid, s.index, section_ids[s.section], first_passage.get(s.index), s.start, s.end,
             s.text, s.page) for sid, s in zip(sentence_ids, thesis.sentences)])

    def totals(self) -> dict[str, int]:
        keys = ("pages", "sections", "passages", "sentences", "windows", "tokens")
        return {"theses": len(self.theses), **{k: sum(t[k] for t in self.theses.values()) for k in keys}}

    def seal_rows(self) -> None:
        """Finish the tables and vector files, so that `passages()` and `passage_matrix()` can read them."""
        self.db.commit()
        self.passage_vectors.seal()
        self.sentence_vectors.seal()
        self.window_vectors.seal()
        self.token_vectors.seal()

    def passages(self) -> list[tuple[int, str, str]]:
        """(id, text, language) of every passage written, by id (after `seal_rows`)."""
        return [(r[0], r[1], r[2]) for r in self.db.execute("SELECT id, text, language FROM passages ORDER BY id")]

    def passage_matrix(self) -> np.ndarray:
        """Every passage vector written, row = id - 1 (memory-mapped; after `seal_rows`)."""
        return load_array(self.tmp / PASSAGE_VECTORS)

    def commit(self, manifest: dict[str, Any], *, lexical: LexicalIndex, dense: faiss.Index,
               dense_spec: DenseIndexSpec) -> Path:
        """Write the lexical and dense indexes built over the sealed rows, seal the snapshot with
        `manifest` (theses and totals added here) and switch to it."""
        lexical.save(self.tmp / LEXICAL_FOLDER)
        self.db.close()
        artefacts: dict[str, Any] = {"bm25": {"folder": LEXICAL_FOLDER, "passages": len(lexical.passage_ids),
                                              "analysis": ANALYSIS}}
        artefacts["columns"] = {"folder": COLUMNS_FOLDER, "rows": self.columns.write(self.tmp / COLUMNS_FOLDER)}
        faiss.write_index(dense, str(self.tmp / PASSAGES_FAISS))
        artefacts["vectors"] = {"folder": VECTORS_FOLDER, "passages": self.passage_vectors.rows,
                                "sentences": self.sentence_vectors.rows, "windows": self.window_vectors.rows,
                                "tokens": self.token_vectors.rows, "dtype": "float32", "tokens_dtype": "int8"}
        write_manifest(self.tmp, {"schema_version": SCHEMA_VERSION, "snapshot": self.name, **manifest,
                                  "dense_index": dense_spec.to_json(), "theses": self.theses,
                                  "totals": self.totals(), "artefacts": artefacts,
                                  "files": file_records(self.tmp)})
        fsync_tree(self.tmp)
        final = self.tmp.with_name(self.name)
        os.rename(self.tmp, final)
        self.tmp = final  # so that abort() still cleans up until CURRENT names it
        fsync_dir(final.parent)
        pointer = self.index_dir / CURRENT
        if pointer.is_dir() and not pointer.is_symlink():  # a damaged pointer (store.layout refuses it)
            shutil.rmtree(pointer)
        write_atomically(pointer, self.name + "\n")
        self._done = True
        for old in final.parent.iterdir():
            if old != final and is_snapshot_name(old.name):  # never a folder someone else put there
                shutil.rmtree(old, ignore_errors=True)
        return final

    def abort(self) -> None:
        """Discard the unfinished snapshot (unless CURRENT already names it)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.passage_vectors.close()
        self.sentence_vectors.close()
        self.window_vectors.close()
        self.token_vectors.close()
        if current_snapshot(self.index_dir, strict=False) != self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._done = True

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self.abort()
