"""The on-disk index as built from the real corpus with the real model."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.numbers import format_count
from indexer.catalog import load_catalog
from store.errors import IndexMismatchError, IndexMissingError
from store.layout import CURRENT, MANIFEST, SNAPSHOTS, current_snapshot
from store.manifest import SCHEMA_VERSION
from store.reader import open_index
from store.status import index_status

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def snap(built_index):
    with open_index(built_index) as snapshot:
        yield snapshot


@pytest.mark.parametrize("table, attr", [("passages", "passage_vectors"), ("sentences", "sentence_vectors")])
def test_sqlite_ids_number_the_vector_rows(snap, table, attr):
    row_ids = [r["id"] for r in snap.query(f"SELECT id FROM {table} ORDER BY id")]
    assert row_ids == list(range(1, len(row_ids) + 1))
    assert getattr(snap, attr).shape == (len(row_ids), snap.dimension)


def test_dense_index_covers_every_passage_row(snap):
    assert snap.manifest["dense_index"] == {"kind": "flat"}  # a small corpus is searched exactly
    assert snap.passage_index.ntotal == len(snap.passage_vectors) and snap.passage_index.d == snap.dimension
    scores, rows = snap.passage_index.search(np.ascontiguousarray(snap.passage_vectors[:5]), 1)
    assert rows[:, 0].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-3)


@pytest.mark.parametrize("attr", ["passage_vectors", "sentence_vectors", "window_vectors"])
def test_vectors_are_normalised(snap, attr):
    vectors = getattr(snap, attr)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_token_vectors_are_int8_codes_of_unit_rows_tiled_passage_by_passage(snap):
    """vectors/tokens.npy: int8 codes of unit rows (each row's largest component at ±127, times its
    columns/tokens.scale), one per kept token (columns/tokens.id); passage p's are rows
    token_lo..token_hi - 1, the passages' ranges in order, without gaps, covering every row."""
    from store.columns import FOLDER, load_columns
    from store.int8 import dequantise

    codes, tokens = snap.token_vectors, load_columns(snap.path / FOLDER, "tokens")
    ids, scales = tokens["id"], tokens["scale"]
    passages = load_columns(snap.path / FOLDER, "passages")
    assert codes.dtype == np.int8 and ids.dtype == np.int32 and scales.dtype == np.float32
    assert codes.shape == (len(ids), snap.dimension) and scales.shape == ids.shape
    assert np.all(np.abs(codes[::50].astype(np.int16)).max(axis=1) == 127)
    np.testing.assert_allclose(np.linalg.norm(dequantise(codes[::50], scales[::50]), axis=1), 1.0, atol=5e-3)
    lo, hi = passages["token_lo"], passages["token_hi"]
    assert lo[0] == 0 and np.array_equal(lo[1:], hi[:-1]) and hi[-1] == len(ids) == snap.manifest["totals"]["tokens"]
    assert (hi > lo).all() and len(ids) > 100 * len(lo)
    assert not np.isin(ids, [0, 1, 2]).any()  # <s>, <pad>, </s> dropped


def test_columns_match_the_database(snap):
    from store.columns import FOLDER, load_columns

    passages, sentences = load_columns(snap.path / FOLDER, "passages"), load_columns(snap.path / FOLDER, "sentences")
    rows = snap.query("SELECT p.*, (SELECT MIN(id) FROM sentences s WHERE s.thesis_id = p.thesis_id) AS base "
                      "FROM passages p ORDER BY p.id")
    expected = {
        "thesis": [r["thesis_id"] for r in rows], "section": [r["section_id"] for r in rows],
        "start": [r["start"] for r in rows], "end": [r["end"] for r in rows],
        "page_start": [r["page_start"] for r in rows], "page_end": [r["page_end"] for r in rows],
        "sentence_lo": [r["base"] - 1 + r["first_sentence"] for r in rows],
        "sentence_hi": [r["base"] + r["last_sentence"] for r in rows],
        "part": [r["part"] for r in rows], "language": [r["language"] for r in rows],
    }
    assert {name: column.tolist() for name, column in passages.items() if not name.startswith("token_")} == expected
    srows = snap.query("SELECT thesis_id, start, end, page FROM sentences ORDER BY id")
    typicality = sentences.pop("typicality")
    assert {name: column.tolist() for name, column in sentences.items()} == {
        "thesis": [r["thesis_id"] for r in srows], "start": [r["start"] for r in srows],
        "end": [r["end"] for r in srows], "page": [r["page"] for r in srows]}
    # typicality: recomputed per thesis from the stored vectors, the passages' sentence ranges and
    # languages (a sentence's language is its first passage's)
    from indexer.params import DEFAULT_BUILD
    from indexer.typicality import sentence_typicality

    lo, hi = np.asarray(passages["sentence_lo"]), np.asarray(passages["sentence_hi"])
    for thesis in sorted(set(passages["thesis"].tolist())):
        p = np.flatnonzero(passages["thesis"] == thesis)
        s = np.flatnonzero(sentences["thesis"] == thesis)
        spans = [(int(lo[i]) - s[0], int(hi[i]) - s[0]) for i in p]
        s_lang = [next(passages["language"][i] for i in p if lo[i] <= row < hi[i]) for row in s]
        expected = sentence_typicality(snap.sentence_vectors[s], snap.passage_vectors[p], spans, s_lang,
                                       passages["language"][p].tolist(), DEFAULT_BUILD.typicality_neighbours)
        np.testing.assert_allclose(typicality[s], expected, atol=1e-4)


def test_stored_vector_is_the_encoding_of_its_passage(snap, encoder):
    rng = np.random.default_rng(7)
    rows = snap.query("SELECT id, text FROM passages")
    picked = [rows[i] for i in rng.choice(len(rows), size=6, replace=False)]
    fresh = encoder.encode_passages([r["text"] for r in picked])
    stored = snap.passage_vectors[np.array([r["id"] for r in picked]) - 1]
    cosines = np.sum(fresh * stored, axis=1) / (np.linalg.norm(fresh, axis=1) * np.linalg.norm(stored, axis=1))
    assert cosines.min() > 0.999, cosines
    # and a sentence
    (row,) = snap.query("SELECT id, text FROM sentences ORDER BY id LIMIT 1 OFFSET 100")
    vector = snap.sentence_vectors[row["id"] - 1]
    assert float(encoder.encode_passages([row["text"]])[0] @ vector) > 0.999


def test_offsets_hold(snap):
    texts = {r["id"]: r["text"] for r in snap.query("SELECT id, text FROM theses")}
    for table in ("passages", "sentences"):
        for r in snap.query(f"SELECT thesis_id, start, end, text FROM {table}"):
            assert texts[r["thesis_id"]][r["start"]:r["end"]] == r["text"]
    for r in snap.query("SELECT thesis_id, start, content_start, end FROM sections"):
        assert 0 <= r["start"] <= r["content_start"] <= r["end"] <= len(texts[r["thesis_id"]])


def test_references_are_consistent(snap):
    # a sentence's passage holds it; a passage's sentences lie in its section
    bad = snap.query("""
        SELECT s.id FROM sentences s JOIN passages p ON p.id = s.passage_id
        WHERE s.start < p.start OR s.end > p.end OR s.thesis_id != p.thesis_id
           OR s.idx < p.first_sentence OR s.idx > p.last_sentence""")
    assert bad == []
    assert snap.query("SELECT id FROM sentences WHERE passage_id IS NULL") == []
    bad = snap.query("""
        SELECT p.id FROM passages p JOIN sections c ON c.id = p.section_id
        WHERE p.start < c.content_start OR p.end > c.end OR p.thesis_id != c.thesis_id""")
    assert bad == []
    bad = snap.query("""SELECT c.id FROM sections c JOIN sections parent ON parent.id = c.parent_id
                        WHERE parent.thesis_id != c.thesis_id""")
    assert bad == []


def test_manifest_describes_the_build(snap, corpus_copy, encoder):
    m = snap.manifest
    assert m["schema_version"] == SCHEMA_VERSION
    assert m["model_id"] == encoder.model_id and m["dimension"] == encoder.dimension
    assert m["dtype"] == encoder.variant
    files = sorted(corpus_copy.glob("*.txt"))
    assert list(m["theses"]) == [p.name for p in files]
    for path in files:
        entry = m["theses"][path.name]
        assert entry["content_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
        (row,) = snap.query("SELECT COUNT(*) AS n FROM passages JOIN theses t ON t.id = thesis_id WHERE doc = ?",
                            (path.name,))
        assert entry["passages"] == row["n"] > 0
    for table in ("theses", "passages", "sentences", "pages", "sections"):
        assert m["totals"][table] == snap.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]
    assert m["build_seconds"] > 0 and m["built_at"]


def test_catalog_metadata_is_stored(snap, corpus_copy):
    catalog = load_catalog(corpus_copy / "catalog.toml")
    for r in snap.query("SELECT * FROM theses"):
        meta = catalog.get(r["doc"])
        if meta is not None:
            assert (r["title"], json.loads(r["authors"]), r["year"]) == (meta.title, meta.authors, meta.year)


def test_snapshot_layout(built_index):
    snapshot = current_snapshot(built_index)
    assert (built_index / CURRENT).read_text().strip() == snapshot.name
    assert [p.name for p in (built_index / SNAPSHOTS).iterdir()] == [snapshot.name]
    assert {"manifest.json", "passages.sqlite", "passages.faiss", "vectors", "columns", "bm25"} <= {
        p.name for p in snapshot.iterdir()}
    assert sorted(p.name for p in (snapshot / "vectors").iterdir()) == [
        "passages.npy", "sentences.npy", "tokens.npy", "windows.npy"]


def test_database_is_read_only(snap):
    import sqlite3

    with pytest.raises(sqlite3.OperationalError):
        snap.db.execute("DELETE FROM theses")


def test_missing_index_is_refused(tmp_path):
    with pytest.raises(IndexMissingError) as info:
        open_index(tmp_path / "nothing")
    assert "python -m indexer build" in str(info.value)


@pytest.fixture
def index_clone(built_index, tmp_path) -> Path:
    clone = tmp_path / "index"
    shutil.copytree(built_index, clone)
    return clone


def edit_manifest(index_dir: Path, **changes) -> None:
    path = current_snapshot(index_dir) / MANIFEST
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def test_other_schema_is_refused(index_clone):
    edit_manifest(index_clone, schema_version=SCHEMA_VERSION + 1)
    with pytest.raises(IndexMismatchError) as info:
        open_index(index_clone)
    message = str(info.value)
    assert "python -m indexer build" in message and f"--index {index_clone}" in message
    assert f"schema {SCHEMA_VERSION + 1}" in message


def test_other_model_is_refused(index_clone, encoder):
    edit_manifest(index_clone, model_id="someone/other-model")
    with pytest.raises(IndexMismatchError) as info:
        open_index(index_clone, model_id=encoder.model_id)
    message = str(info.value)
    assert "someone/other-model" in message and "python -m indexer build" in message
    open_index(index_clone).close()  # a reader that does not care about the model may open it


def test_status_mentions_every_thesis(built_index, corpus_copy):
    status = index_status(built_index)
    for path in corpus_copy.glob("*.txt"):
        assert path.name in status
    assert "passages" in status and "sentences" in status
    from models.choice import describe, load_choice

    assert f"Encoder:   {describe(load_choice())}" in status.splitlines()  # the measured choice, or why none


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_cli_status_without_index(tmp_path):
    result = run_cli("status", "--index", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: No index in")
    assert "python -m indexer build" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_status_says_when_an_older_parser_built_the_index(tiny):
    corpus, index = tiny
    snapshot = current_snapshot(index)
    manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    from indexer.thesis import PARSER_VERSION

    (snapshot / MANIFEST).write_text(json.dumps({**manifest, "parser_version": "0"}), encoding="utf-8")
    result = run_cli("status", "--index", str(index))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"(parser version 0 → {PARSER_VERSION}); `python -m indexer build --index {index}` rebuilds" in result.stderr
    assert run_cli("build", "--corpus", str(corpus), "--index", str(index)).returncode == 0
    assert run_cli("status", "--index", str(index)).returncode == 0


def test_cli_status(built_index, corpus_copy):
    result = run_cli("status", "--index", str(built_index))
    assert result.returncode == 0, result.stderr
    assert all(p.name in result.stdout for p in corpus_copy.glob("*.txt"))
    with open_index(built_index) as snap:
        windows, tokens = len(snap.window_vectors), len(snap.token_vectors)
    assert f"{format_count(windows)} windows of 2-3 consecutive sentences" in result.stdout
    assert tokens > 0 and f"{format_count(tokens)} token vectors (late interaction)" in result.stdout


def test_damaged_index_is_reported(index_clone):
    from store.errors import IndexDamagedError

    (current_snapshot(index_clone) / "passages.sqlite").write_bytes(b"not a database")
    with pytest.raises(IndexDamagedError, match="damaged.*python -m indexer build"):
        open_index(index_clone)
