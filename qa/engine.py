"""Everything a query needs, loaded once from an index snapshot and shared between threads."""
from __future__ import annotations

import bisect
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from analysis.language import load_profiles
from models.encoder import ONNX_VARIANTS, TokenVectors
from models.materialise import DEFAULT_MODEL_ID
from store.columns import FOLDER as COLUMNS_FOLDER
from store.calibration import read_calibration
from store.columns import load_columns
from store.errors import IndexDamagedError, IndexMismatchError, rebuild_hint, shown
from store.lexical import FOLDER as LEXICAL_FOLDER
from store.lexical import LexicalIndex
from store.manifest import check_compatible
from store.backends import StoreSpec, is_live, open_store, parse_store
from store.reader import IndexSnapshot, derived_fields, thesis_pages
from store.records import Suggestion, has_fixed_pages, section_label
from qa.citation import Work
from qa.params import DEFAULT, Params, Thresholds
from qa.phrase import lower_keeping_offsets


QUERY_CACHE_SIZE = 256  # recent query embeddings kept (the UI re-runs the same question often)


@dataclass(frozen=True)
class ThesisInfo:
    id: int
    doc: str
    title: str
    authors: tuple[str, ...]
    year: str
    institution: str
    degree: str
    topic: str = ""  # the catalog's
    derived: tuple[Suggestion, ...] = ()  # fields the build read off the text (all, not only missing ones)

    @property
    def work(self) -> Work:
        """The citable record: the catalog's fields, the empty ones filled from what the build
        derived from the text (and marked derived)."""
        return Work(title=self.title, authors=self.authors, year=self.year, institution=self.institution,
                    degree=self.degree, doc=self.doc, topic=self.topic).with_derived(
                        {d.field: d.value for d in self.derived})


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
        return section_label(self.number, self.title)


def _query_encoder(index_dir: Path, manifest: dict, dtype: str):
    """The encoder of the model the snapshot was built with; IndexMismatchError if it is not here."""
    from models.encoder import Encoder  # looked up when called: tests put a stand-in there
    from models.errors import ModelError

    model_id = manifest.get("model_id")
    if not isinstance(model_id, str) or not model_id:
        raise IndexDamagedError(f"Index in {shown(index_dir)} names no model in its manifest. {rebuild_hint(index_dir)}")
    try:
        return Encoder(None if model_id == DEFAULT_MODEL_ID else model_id, dtype=dtype, show_progress=False,
                       for_queries=True)
    except ModelError as exc:
        raise IndexMismatchError(f"Index in {shown(index_dir)} was built with model {model_id}, which cannot be "
                                 f"loaded here ({exc}). {rebuild_hint(index_dir)}") from exc


class Engine:
    """An open index with its encoder: passage and sentence columns, vectors, FAISS, BM25.

    Start-up only maps what the build stored (columns, vectors) and reads the FAISS and BM25
    indexes; thesis texts and sections are read from SQLite when a hit needs them.
    Passage row i is passage id i + 1 (likewise for sentences).
    """

    def __init__(self, index_dir: Path | str | StoreSpec = "index", *, encoder=None, dtype: str = "auto",
                 params: Params = DEFAULT):
        # The store: an index folder, postgresql://… or pgserver:DIR (store.backends).
        self.store = index_dir if isinstance(index_dir, StoreSpec) else parse_store(index_dir)
        self.index_dir = Path(self.store.location) if not self.store.is_postgresql else self.store.given
        self.snapshot: IndexSnapshot = open_store(self.store, then=self._load)
        # The scoring knobs searches and answers use unless given others, with the index's own
        # confidence calibration (`python -m qa calibrate`) added.
        try:
            # (A database store has no calibration file: it uses the shipped thresholds.)
            saved = {} if self.store.is_postgresql else read_calibration(self.index_dir)
            own = {key: Thresholds.from_json(t) for key, t in saved.items()}
        except BaseException:
            self.snapshot.close()
            raise
        self.params = params.calibrated(own) if own else params
        manifest = self.snapshot.manifest
        try:
            encoder = encoder if encoder is not None else _query_encoder(self.index_dir, manifest, dtype)
            check_compatible(self.index_dir, manifest, encoder.model_id)
        except BaseException:
            self.snapshot.close()
            raise
        self.encoder = encoder
        self._encode_lock = threading.Lock()
        # Recent query embeddings with their token vectors, most recent last: a plain cache, so
        # emptying it is always safe.
        self.query_vectors: OrderedDict[str, tuple[np.ndarray, TokenVectors]] = OrderedDict()
        self.thesis_text = lru_cache(maxsize=256)(self._thesis_text)
        self.lowered_text = lru_cache(maxsize=256)(lambda thesis_id: lower_keeping_offsets(self.thesis_text(thesis_id)))
        self.section = lru_cache(maxsize=4096)(self._section)
        self._pages = lru_cache(maxsize=256)(self._page_table)

    def _load(self, snapshot: IndexSnapshot) -> IndexSnapshot:
        """Load the tables and the BM25 index of a just opened `snapshot` (store.reader retries
        on the new live snapshot if a build switched meanwhile)."""
        self._load_tables(snapshot)
        self.lexical = LexicalIndex.load(snapshot.path / LEXICAL_FOLDER, mmap=True)
        return snapshot

    def _load_tables(self, db: IndexSnapshot) -> None:
        self.theses = {
            r["id"]: ThesisInfo(r["id"], r["doc"], r["title"] or "", tuple(_json_list(r["authors"])),
                                str(r["year"] or ""), r["institution"] or "", r["degree"] or "", r["topic"] or "",
                                tuple(derived_fields(r["derived"])))
            for r in db.query("SELECT id, doc, title, authors, year, institution, degree, topic, derived "
                              "FROM theses ORDER BY id")
        }
        folder = db.path / COLUMNS_FOLDER
        passages, sentences = load_columns(folder, "passages"), load_columns(folder, "sentences")
        self.passage_ids = np.arange(1, len(passages["thesis"]) + 1, dtype=np.int64)
        self.p_thesis, self.p_section = passages["thesis"], passages["section"]
        self.p_start, self.p_end = passages["start"], passages["end"]
        self.p_part, self.p_language = passages["part"], passages["language"]
        # The language of most passages, from an even sample (a full count would cost start-up time).
        languages, counts = np.unique(self.p_language[::max(1, len(self.p_language) // 10_000)], return_counts=True)
        self.main_language = str(languages[np.argmax(counts)]) if len(counts) else "no"
        self.p_page_start, self.p_page_end = passages["page_start"], passages["page_end"]
        self.p_sentence_lo, self.p_sentence_hi = passages["sentence_lo"], passages["sentence_hi"]
        self.sentence_ids = np.arange(1, len(sentences["thesis"]) + 1, dtype=np.int64)
        self.s_thesis, self.s_start, self.s_end, self.s_page, self.s_typicality = (
            sentences["thesis"], sentences["start"], sentences["end"], sentences["page"], sentences["typicality"])
        windows = load_columns(folder, "windows")
        self.w_first, self.w_last = windows["first"], windows["last"]
        # The windows inside passage p are rows p_window_lo[p]..p_window_hi[p]-1 whose last sentence
        # is in p (windows are in (first, last) order; the last of them may run past p's end).
        self.p_window_lo = np.searchsorted(self.w_first, self.p_sentence_lo)
        self.p_window_hi = np.searchsorted(self.w_first, self.p_sentence_hi - 1)
        self.passage_vectors, self.sentence_vectors = db.passage_vectors, db.sentence_vectors
        self.window_vectors = db.window_vectors
        # Late interaction (qa.search): passage p's contextual token vectors are rows
        # p_token_lo[p]..p_token_hi[p]-1 of token_vectors (int8 codes, each row times its
        # token_scales entry: store.int8), their token ids those rows of token_ids.
        tokens = load_columns(folder, "tokens")
        self.token_vectors, self.token_ids, self.token_scales = db.token_vectors, tokens["id"], tokens["scale"]
        self.p_token_lo, self.p_token_hi = passages["token_lo"], passages["token_hi"]
        self._idf = _token_idf(self.token_ids, self.p_token_hi - self.p_token_lo)
        if (len(self.passage_vectors), len(self.sentence_vectors), len(self.window_vectors),
                len(self.token_vectors)) != (len(self.passage_ids), len(self.sentence_ids), len(self.w_first),
                                             len(self.token_ids)):
            raise ValueError("the vector and column files have different row counts")

    @cached_property
    def ordered_terms(self) -> list[str]:
        """The BM25 vocabulary, sorted: where `analysis.lexical.unknown_words` finds compound heads."""
        return sorted(self.lexical.bm25.vocab_dict)

    def token_idf(self, ids: np.ndarray) -> np.ndarray:
        """The idf over passages of each token id in `ids`: ln(1 + (N - df + 0.5) / (df + 0.5)), N
        passages, df of them holding the token (a token no passage holds has df 0)."""
        table = self._idf
        ids = np.asarray(ids, dtype=np.int64)
        known = ids < len(table) - 1
        return np.where(known, table[np.where(known, ids, len(table) - 1)], table[-1]).astype(np.float32)

    def window_row(self, first: int, last: int) -> int | None:
        """The window row of sentence rows `first`..`last` (inclusive), or None if it has none."""
        row = int(np.searchsorted(self.w_first, first))
        while row < len(self.w_first) and self.w_first[row] == first:
            if self.w_last[row] == last:
                return row
            row += 1
        return None

    def _thesis_text(self, thesis_id: int) -> str:
        (row,) = self.snapshot.query("SELECT text FROM theses WHERE id = ?", (thesis_id,))
        return row["text"]

    def _section(self, section_id: int) -> SectionInfo | None:
        rows = self.snapshot.query("SELECT id, number, title, part, start, end FROM sections WHERE id = ?",
                                   (section_id,))
        return SectionInfo(*rows[0]) if rows else None

    def _page_table(self, thesis_id: int) -> tuple[list[int], list[str]]:
        pages = thesis_pages(self.snapshot, thesis_id)
        return [p.start for p in pages], [p.printed for p in pages]

    def page_label(self, thesis_id: int, offset: int) -> str:
        """The page holding `offset` as printed on it ("iv", "12"), else its number ("" for a file
        without fixed pages, `store.records.has_fixed_pages`)."""
        if not has_fixed_pages(self.theses[thesis_id].doc):
            return ""
        starts, labels = self._pages(thesis_id)
        return labels[max(0, bisect.bisect_right(starts, offset) - 1)] if labels else ""

    def encode_query(self, text: str) -> np.ndarray:
        """The query embedding of `text` (read-only; recent ones come from a cache)."""
        return self.encode_query_tokens(text)[0]

    def encode_query_tokens(self, text: str) -> tuple[np.ndarray, TokenVectors]:
        """The query embedding of `text` and its token vectors, from one encoder pass
        (`models.encoder.Encoder.encode_tokens`; read-only; recent ones come from a cache)."""
        with self._encode_lock:  # torch modules are not re-entrant across threads
            encoded = self.query_vectors.get(text)
            if encoded is None:
                vectors, (tokens,) = self.encoder.encode_tokens([text], "query")
                encoded = (vectors[0], tokens)
                for array in (encoded[0], *tokens):
                    array.setflags(write=False)
                self.query_vectors[text] = encoded
                if len(self.query_vectors) > QUERY_CACHE_SIZE:
                    self.query_vectors.popitem(last=False)
            else:
                self.query_vectors.move_to_end(text)
            return encoded

    def text(self, thesis_id: int, start: int, end: int) -> str:
        return self.thesis_text(thesis_id)[start:end]

    def warm_up(self) -> None:
        """Read now what a question may need and is otherwise read on first use: langdetect's
        language profiles (0.3-0.5 s; only questions whose function words leave their language open
        need them). Servers call this after loading so that no visitor waits; a one-off command
        does not, and starts that much sooner. The sorted vocabulary (`ordered_terms`) too: 0.4 s for a
        million terms here."""
        load_profiles()
        _ = self.ordered_terms

    def info(self) -> dict:
        """The snapshot's name and build time, the model, the query encoder's precision and backend, sizes."""
        manifest, dtype = self.snapshot.manifest, self.encoder.dtype
        return {"snapshot": self.snapshot.path.name, "built_at": manifest.get("built_at"),
                "model": manifest["model_id"], "query_dtype": dtype,
                "backend": "onnxruntime" if getattr(self.encoder, "variant", dtype) in ONNX_VARIANTS else "pytorch",
                "theses": len(self.theses),
                "passages": len(self.passage_ids), "sentences": len(self.sentence_ids)}

    @property
    def docs(self) -> list[str]:
        return [t.doc for t in self.theses.values()]

    @property
    def is_current(self) -> bool:
        """Whether this engine still serves the live snapshot (False once a build switched)."""
        return is_live(self.store, self.snapshot)

    def close(self) -> None:
        self.snapshot.close()


_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()


def load(index_dir: Path | str = "index", *, encoder=None, params: Params = DEFAULT) -> Engine:
    """The one shared engine for the store `index_dir` (a folder, postgresql://… or pgserver:DIR):
    loaded on first use (with `encoder` if given, else the index's own model, and with `params`),
    reused afterwards, and loaded anew once a build has switched snapshots. Every front end
    (`qa.ask`, the app, the API) goes through here."""
    spec = parse_store(index_dir)
    with _engines_lock:
        engine = _engines.get(spec.key)
        if engine is None or not engine.is_current:
            # The engine replaced is not closed: a request in flight may still be reading it, and
            # its snapshot stays readable (memory-mapped; PostgreSQL keeps the previous schema).
            engine = _engines[spec.key] = Engine(spec if spec.is_postgresql else Path(spec.key), encoder=encoder,
                                                 params=params)
        return engine


def _token_idf(ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """idf by token id (`Engine.token_idf`) of the tokens `ids`, passage after passage (`counts` per
    passage); the last entry is that of a token id no passage holds."""
    n = len(counts)
    size = int(ids.max()) + 2 if len(ids) else 1
    passage = np.repeat(np.arange(n, dtype=np.int64), counts)
    pairs = np.unique(passage * size + ids.astype(np.int64))  # each (passage, token) once
    df = np.bincount(pairs % size, minlength=size).astype(np.float64)
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


def _json_list(value: str | None) -> list[str]:
    return list(json.loads(value)) if value else []
