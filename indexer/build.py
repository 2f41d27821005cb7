"""Build or update the index: the theses of corpus/ (.txt, .pdf, .docx in any case) in, a new snapshot on disk out.

Theses whose file hash (and masking choice) is unchanged since the live snapshot are copied
from it with their vectors, unless this build embeds in another precision (`--dtype`, or a
new choice for this CPU); the rest are parsed and embedded. If the live snapshot was made
with another schema, model, parser version or passage budget, everything is rebuilt.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import faiss
import numpy as np
from tqdm import tqdm

from analysis.numbers import format_count
from models.encoder import TokenVectors
from indexer.catalog import CATALOG_NAME, check_corpus_folder, load_catalog
from indexer.errors import CatalogError, IndexerError, ThesisReadError
from indexer.executors import Executor, make_executor
from indexer.names import catalog_key, is_thesis_name, name_problem, shown_name
from indexer.params import DEFAULT_BUILD, BuildParams
from indexer.reader import inside
from indexer.formats import SUFFIXES, file_bytes
from indexer.typicality import thesis_typicality
from indexer.windows import thesis_windows, window_texts
from store.ann import DenseIndexSpec, build_dense_index, choose_spec
from store.layout import build_lock, current_snapshot
from store.lexical import LexicalIndex
from store.manifest import SCHEMA_VERSION, read_manifest
from store.errors import StoreError
from store.health import check_snapshot
from store.reader import IndexSnapshot, StoredThesis, load_thesis, open_index
from store.records import PassageTokens, Thesis, ThesisMeta
from store.status import plural
from store.writer import SnapshotWriter


class EncoderLike(Protocol):
    """What a build reads of its model: a `models.encoder.Encoder`, or a `ModelInfo` (no weights)
    when an executor's workers embed."""

    model_id: str
    dimension: int
    dtype: str

    @property
    def prompts(self) -> dict[str, str]: ...

    def count_tokens(self, text: str) -> int: ...


@dataclass
class BuildReport:
    """What a build did; `summary()` is printed by the CLI."""

    theses: int = 0
    reembedded: int = 0
    unchanged: int = 0
    removed: int = 0
    passages: int = 0
    sentences: int = 0
    embedded_passages: int = 0
    embedded_sentences: int = 0
    embedded_windows: int = 0
    embedded_tokens: int = 0  # passage tokens whose contextual vectors were stored (late interaction)
    passage_seconds: float = 0.0  # time spent embedding passages
    sentence_seconds: float = 0.0  # time spent embedding sentences
    window_seconds: float = 0.0  # time spent embedding windows (indexer.windows)
    seconds: float = 0.0
    dtype: str = ""
    snapshot: Path | None = None  # the new live snapshot; None if nothing was switched
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)

    @property
    def exit_code(self) -> int:
        return 0 if self.snapshot is not None else 1

    def count_embedded(self, kind: str, count: int, seconds: float) -> None:
        """Add `count` texts of `kind` ("passage", "sentence" or "window") embedded in `seconds`."""
        setattr(self, f"embedded_{kind}s", getattr(self, f"embedded_{kind}s") + count)
        setattr(self, f"{kind}_seconds", getattr(self, f"{kind}_seconds") + seconds)

    def summary(self) -> str:
        if self.snapshot is None:
            head = "Nothing indexed; the previous index (if any) is unchanged."
        else:
            rate = (f"{self.embedded_passages / max(self.passage_seconds, 1e-9):.1f} passages/s, "
                    f"{self.embedded_sentences / max(self.sentence_seconds, 1e-9):.1f} sentences/s, "
                    f"{self.embedded_windows / max(self.window_seconds, 1e-9):.1f} windows/s embedded, "
                    f"{self.dtype}" if self.reembedded else "nothing re-embedded")
            head = (f"Indexed {plural(self.theses, 'thesis', 'theses')} ({self.reembedded} re-embedded, "
                    f"{self.unchanged} unchanged, {self.removed} removed): {format_count(self.passages)} passages, "
                    f"{format_count(self.sentences)} sentences in {self.seconds:.1f} s ({rate})")
        lines = [head, *self.notes]
        if self.problems:
            lines.append(f"Skipped {plural(len(self.problems), 'file', 'files')}:")
            lines += [f"  {msg if doc in msg else f'{doc}: {msg}'}" for doc, msg in self.problems]
        return "\n".join(lines)


def build_index(corpus_dir: Path, index_dir: Path, *, model: str | None = None, dtype: str = "auto",
                encoder: EncoderLike | None = None, progress: bool = True, executor: str | Executor = "local",
                ray_address: str | None = None, ray_workers: int | None = None) -> BuildReport:
    """Build or update the index in `index_dir` from `corpus_dir`; see the module docstring.

    `executor` says where texts are embedded (indexer.executors): "local" (this process), "ray"
    (a Ray cluster, the local one unless `ray_address`), or an executor object the caller owns.

    Files that cannot be read are reported and skipped, and so are links that lead out of the
    corpus folder and files whose bytes repeat a file already indexed (each text is indexed once,
    under the first name in sorted order). Any exception (KeyboardInterrupt included) before the
    switch leaves the previous snapshot untouched; a failed write (disk full, …) raises
    IndexerError saying so.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    report = BuildReport()
    catalog, files = _corpus_files(corpus_dir, report)
    _check_apart(corpus_dir, index_dir)
    if not files:
        report.problems.append((f"{corpus_dir}/", f"no thesis files ({', '.join(SUFFIXES)})"))
        return report
    owned = isinstance(executor, str)
    if owned:  # bad executor options are refused before anything is written or loaded
        executor = make_executor(executor, model=model, dtype=dtype, address=ray_address, workers=ray_workers,
                                 progress=progress)
    try:
        with build_lock(index_dir):  # taken before the model loads: an index folder we cannot write fails at once
            if encoder is None:
                encoder = _driver_model(model, dtype, executor, progress)
            report.dtype = _variant(encoder)
            unknown = sorted(set(catalog) - {catalog_key(p.name) for p in files})
            if unknown:
                report.notes.append(f"{CATALOG_NAME} describes files not in {corpus_dir}/: {', '.join(unknown)}")
            _write_snapshot(index_dir, files, catalog, encoder, executor, report, progress, started)
    finally:
        if owned:
            executor.close()
    report.seconds = time.perf_counter() - started
    return report


def _write_snapshot(index_dir: Path, files: list[Path], catalog: dict[str, ThesisMeta], encoder: EncoderLike,
                    executor: Executor, report: BuildReport, progress: bool, started: float) -> None:
    """Write a new snapshot of `files` (reusing the live one's unchanged theses) and switch to it."""
    settings = _settings(encoder)
    previous = _open_previous(index_dir, settings, {p.name for p in files}, report)
    live = current_snapshot(index_dir, strict=False)
    try:
        with SnapshotWriter(index_dir, encoder.dimension) as writer:
            window = _Window(writer, encoder, executor, report)
            _add_theses(window, files, catalog, previous, progress)
            report.notes.extend(executor.notes())
            if executor.dtype:
                report.dtype = executor.dtype
            if writer.theses:
                _finish(writer, settings, encoder, report, started)
    except (OSError, sqlite3.Error) as exc:  # disk full, quota, I/O error while writing
        reason = getattr(exc, "strerror", None) or str(exc)
        outcome = ("the previous index is unchanged" if current_snapshot(index_dir, strict=False) == live
                   else "the new index was switched in, but cleaning up after it failed")
        raise IndexerError(f"Could not write the index in {index_dir}/ ({reason}); {outcome}") from exc
    finally:
        if previous is not None:
            previous.close()


def _corpus_files(corpus_dir: Path, report: BuildReport) -> tuple[dict[str, ThesisMeta], list[Path]]:
    """The catalog and the thesis files of `corpus_dir` (suffixes in any case; links out of it and unsafe names reported and refused)."""
    check_corpus_folder(corpus_dir)
    root = corpus_dir.resolve()
    catalog_path = corpus_dir / CATALOG_NAME
    if catalog_path.exists() and not inside(catalog_path, root):
        raise CatalogError(f"{catalog_path} is a link to {catalog_path.resolve()}, outside {corpus_dir}/; "
                           f"put the catalog itself in the corpus folder")
    catalog = load_catalog(catalog_path)
    files = []
    for path in sorted(p for p in corpus_dir.iterdir() if is_thesis_name(p.name)):
        if problem := name_problem(path.name):
            report.problems.append((shown_name(path.name), problem))
        elif not inside(path, root):  # never follow a link out of the corpus folder
            report.problems.append((path.name, f"{path.name}: a link to {path.resolve()}, outside "
                                               f"{corpus_dir}/; refused (only files in the corpus folder are read)"))
        elif path.is_file():
            files.append(path)
    return catalog, files


def _parse_settings() -> dict[str, Any]:
    """What this code parses and stores theses with, whatever the encoder."""
    from indexer.thesis import DEFAULT_TOKEN_BUDGET, PARSER_VERSION

    return {"schema_version": SCHEMA_VERSION, "parser_version": PARSER_VERSION, "token_budget": DEFAULT_TOKEN_BUDGET}


def _settings(encoder: EncoderLike) -> dict[str, Any]:
    """What a snapshot must have been built with for its theses to be reused."""
    return {**_parse_settings(), "model_id": encoder.model_id, "dimension": encoder.dimension}


def _changes(manifest: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    """Each of `settings` the snapshot of `manifest` was built with another value of, as "key old → new"."""
    return [f"{key.replace('_', ' ')} {manifest.get(key)} → {value}"
            for key, value in settings.items() if manifest.get(key) != value]


def outdated(index_dir: Path) -> list[str]:
    """How the live snapshot of `index_dir` was parsed otherwise than this code parses (empty when it
    was not, or there is none): a build re-parses and re-embeds every thesis then."""
    snapshot = current_snapshot(index_dir)
    return _changes(read_manifest(snapshot), _parse_settings()) if snapshot is not None else []


def _add_theses(window: _Window, files: list[Path], catalog: dict[str, ThesisMeta], previous: IndexSnapshot | None,
                progress: bool) -> None:
    """Write every readable thesis of `files` once: a repeated file, or the same text in another file
    (a copy saved with other metadata, or encrypted), only under its first name."""
    report = window.report
    indexed: dict[str, str] = {}  # hash of the file, and of its text -> file name
    for path in tqdm(files, desc="Theses", unit="thesis", file=sys.stderr, disable=not progress):
        meta = catalog.get(catalog_key(path.name), ThesisMeta())
        try:
            digest = hashlib.sha256(file_bytes(path)).hexdigest()
            if digest not in indexed:
                thesis, stored, dtype = _read_thesis(window, path, digest, meta, previous)
                text = hashlib.sha256(thesis.text.encode()).hexdigest()
                if text not in indexed:
                    window.add(thesis, meta, stored, dtype)
                indexed.setdefault(text, path.name)
                indexed[digest] = indexed[text]
            if indexed[digest] != path.name:
                report.problems.append((path.name, f"{path.name}: same content as {indexed[digest]}; "
                                                   f"indexed once, as {indexed[digest]}"))
        except ThesisReadError as exc:
            report.problems.append((path.name, str(exc)))
    window.flush()


def _finish(writer: SnapshotWriter, settings: dict[str, Any], encoder: EncoderLike, report: BuildReport,
            started: float) -> None:
    """Build the lexical and dense indexes over what was written, then switch to the new snapshot."""
    totals = writer.totals()
    report.theses, report.passages, report.sentences = totals["theses"], totals["passages"], totals["sentences"]
    writer.seal_rows()
    lexical = lexical_index(writer)
    dense, spec = dense_index(writer)
    report.seconds = time.perf_counter() - started
    report.snapshot = writer.commit(_manifest(settings, encoder, writer, report.seconds),
                                    lexical=lexical, dense=dense, dense_spec=spec)


def lexical_index(writer: SnapshotWriter, params: BuildParams = DEFAULT_BUILD) -> LexicalIndex:
    """The BM25 index over every passage written (after `writer.seal_rows()`)."""
    return LexicalIndex.build(writer.passages(), k1=params.bm25_k1, b=params.bm25_b)


def dense_index(writer: SnapshotWriter, params: BuildParams = DEFAULT_BUILD) -> tuple[faiss.Index, DenseIndexSpec]:
    """The FAISS index over every passage vector written, exact or HNSW by corpus size, and its spec."""
    spec = choose_spec(writer.passage_vectors.rows, params.exact_up_to, m=params.hnsw_m,
                       ef_construction=params.hnsw_ef_construction)
    return build_dense_index(writer.passage_matrix(), spec), spec


def _open_previous(index_dir: Path, settings: dict[str, Any], docs: set[str],
                   report: BuildReport) -> IndexSnapshot | None:
    """The live snapshot if its theses can be reused under `settings`, else None and a note why.

    Also counts the theses it holds that are no longer among `docs` as removed.
    """
    try:
        snapshot = current_snapshot(index_dir)
        if snapshot is None:
            return None
        manifest = read_manifest(snapshot)
    except StoreError as exc:
        report.notes.append(f"Re-embedding everything: {exc}")
        return None
    report.removed = len(set(manifest.get("theses") or {}) - docs)
    if changes := _changes(manifest, settings):
        report.notes.append("Re-embedding everything: " + "; ".join(changes))
        return None
    if problems := check_snapshot(snapshot, manifest):  # never copy damage forward
        report.notes.append("Re-embedding everything: the live snapshot is damaged (" + "; ".join(problems[:3]) + ")")
        return None
    try:
        return open_index(index_dir, model_id=settings["model_id"])
    except StoreError as exc:
        report.notes.append(f"Re-embedding everything: {exc}")
        return None


def _check_apart(corpus_dir: Path, index_dir: Path) -> None:
    """Raise IndexerError if the index folder is the corpus folder, or one holds the other: a build
    writes and deletes in its index folder, and reads every file of the corpus folder."""
    corpus, index = corpus_dir.resolve(), index_dir.resolve()
    if corpus == index or index.is_relative_to(corpus) or corpus.is_relative_to(index):
        raise IndexerError(f"The index folder {index_dir}/ and the corpus folder {corpus_dir}/ overlap; "
                           f"give an index folder outside the corpus (default: index)")


class _Window:
    """Theses waiting to be written, in corpus order; those to embed are embedded together.

    The executor's `window_texts` says how many texts may wait: one thesis at a time locally,
    thousands over Ray so that every worker stays busy across thesis boundaries.
    """

    def __init__(self, writer: SnapshotWriter, encoder: EncoderLike, executor: Executor, report: BuildReport):
        self.writer, self.encoder, self.executor, self.report = writer, encoder, executor, report
        self.items: list[tuple[Thesis, ThesisMeta, StoredThesis | None, str]] = []
        self.sentence_runs: dict[str, list[tuple[int, int]]] = {}  # doc -> its windows (indexer.windows) while it waits
        self.texts = 0

    def add(self, thesis: Thesis, meta: ThesisMeta, stored: StoredThesis | None, dtype: str) -> None:
        """An unchanged thesis with the vectors it was stored with (`stored`, of precision `dtype`; written at
        once if nothing waits), or a new or changed one, embedded when the window is full (or at `flush`)."""
        self.items.append((thesis, meta, stored, dtype))
        if stored is not None:
            self.report.unchanged += 1
            if not self.texts:
                self.flush()
            return
        self.report.reembedded += 1
        self.sentence_runs[thesis.doc] = thesis_windows(thesis)
        self.texts += len(thesis.passages) + len(thesis.sentences) + len(self.sentence_runs[thesis.doc])
        if self.texts >= self.executor.window_texts:
            self.flush()

    def flush(self) -> None:
        """Embed what waits, then write every waiting thesis."""
        vectors = self._embed([thesis for thesis, _, stored, _ in self.items if stored is None])
        for thesis, meta, stored, dtype in self.items:
            if stored is not None:
                windows = stored.windows
                passage_vectors, sentence_vectors, window_vectors, tokens = (
                    stored.passage_vectors, stored.sentence_vectors, stored.window_vectors, stored.tokens)
            else:
                windows = self.sentence_runs[thesis.doc]
                (passage_vectors, sentence_vectors, window_vectors, tokens), dtype = (
                    vectors[thesis.doc], self.executor.dtype)
            typicality = thesis_typicality(thesis, meta, passage_vectors, sentence_vectors,
                                           DEFAULT_BUILD.typicality_neighbours)
            self.writer.add(thesis, meta, passage_vectors, sentence_vectors, typicality, windows, window_vectors,
                            tokens, dtype=dtype)
        self.items, self.texts, self.sentence_runs = [], 0, {}

    def _embed(self, todo: list[Thesis]) -> dict[str, tuple[Any, ...]]:
        """Passage, sentence and window vectors of each thesis in `todo`, by doc, embedded in three calls,
        and its passages' token vectors (`PassageTokens`, from the passages' call)."""
        if not todo:
            return {}
        self.executor.start(self.encoder)
        report = self.report
        kinds = (("passage", [[p.text for p in t.passages] for t in todo]),
                 ("sentence", [[s.text for s in t.sentences] for t in todo]),
                 ("window", [window_texts(t, self.sentence_runs[t.doc]) for t in todo]))
        out: list[list[np.ndarray]] = [[] for _ in todo]
        passage_tokens: list[PassageTokens] = []
        for kind, texts in kinds:
            began = time.perf_counter()
            flat = [text for per_thesis in texts for text in per_thesis]
            vectors, tokens = self.executor.embed_tokens(flat) if kind == "passage" else (self.executor.embed(flat), [])
            report.count_embedded(kind, len(vectors), time.perf_counter() - began)
            report.embedded_tokens += sum(len(t.ids) for t in tokens)
            at = np.cumsum([0] + [len(per_thesis) for per_thesis in texts])
            for i in range(len(todo)):
                out[i].append(vectors[at[i]:at[i + 1]])
            if kind == "passage":
                passage_tokens = [_passage_tokens(tokens[at[i]:at[i + 1]], self.encoder.dimension)
                                  for i in range(len(todo))]
        return {t.doc: (*out[i], passage_tokens[i]) for i, t in enumerate(todo)}


def _passage_tokens(tokens: list[TokenVectors], dimension: int) -> PassageTokens:
    """One thesis's passage token vectors (`Executor.embed_tokens`, passage by passage) as handed
    to the store: float16 (it keeps int8 codes, `store.int8`)."""
    if not tokens:
        return PassageTokens.empty(0, dimension)
    return PassageTokens(np.concatenate([t.ids for t in tokens]).astype(np.int32),
                         np.concatenate([t.vectors for t in tokens]).astype(np.float16),
                         np.array([len(t.ids) for t in tokens], dtype=np.int64))


def _read_thesis(window: _Window, path: Path, digest: str, meta: ThesisMeta,
                 previous: IndexSnapshot | None) -> tuple[Thesis, StoredThesis | None, str]:
    """One thesis (file hash `digest`): from the previous snapshot with its vectors and their precision if
    unchanged, else parsed (no vectors yet)."""
    from indexer.thesis import DEFAULT_TOKEN_BUDGET, parse_thesis

    mask = not meta.keep_personal_data
    old = previous.manifest["theses"].get(path.name) if previous is not None else None
    unchanged = old is not None and old["content_hash"] == digest and old["masked"] == mask
    wanted = window.encoder.dtype  # "" when Ray workers embed: their precision is known once they start
    if unchanged and wanted and old.get("dtype", wanted) != wanted:  # asked for, or chosen anew on this CPU
        unchanged = False
        note = f"Re-embedding the theses stored in {old['dtype']}: this build embeds in {wanted}"
        window.report.notes.extend([note] if note not in window.report.notes else [])
    stored = load_thesis(previous, path.name) if unchanged else None
    if stored is not None and stored.windows == thesis_windows(stored.thesis):  # else the window sizes changed
        return stored.thesis, stored, old.get("dtype", "?")
    thesis = parse_thesis(path, count_tokens=window.encoder.count_tokens, token_budget=DEFAULT_TOKEN_BUDGET,
                          mask_personal_data=mask)
    window.report.notes.extend(thesis.warnings)  # e.g. "not valid UTF-8; decoded as Latin-1"
    return thesis, None, ""


def _driver_model(model: str | None, dtype: str, executor: Executor, progress: bool) -> EncoderLike:
    """The model as this process needs it: whole when it embeds, else (the workers embed) only
    what a build reads of it (`models.encoder.ModelInfo`), unless it is not a local folder."""
    from models.encoder import Encoder, ModelInfo

    info = None if executor.embeds_here else ModelInfo.of(model)
    return info or Encoder(model, dtype=dtype, show_progress=None if progress else False)


def _variant(encoder: EncoderLike) -> str:
    """The encoder's backend and precision (`Encoder.variant`: onnx-fp32 is not PyTorch fp32)."""
    return str(getattr(encoder, "variant", encoder.dtype))


def _manifest(settings: dict[str, Any], encoder: EncoderLike, writer: SnapshotWriter,
              seconds: float) -> dict[str, Any]:
    """The build-level part of the manifest (the writer adds theses and totals)."""
    dtypes = sorted({entry["dtype"] for entry in writer.theses.values()})
    return {
        **settings,
        "dtype": "+".join(dtypes),
        "prefixes": dict(encoder.prompts),
        "build_params": asdict(DEFAULT_BUILD),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 2),
    }
