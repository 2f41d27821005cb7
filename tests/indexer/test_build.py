"""Building and updating the index: reuse, removal, interruption, reporting."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import copy_corpus, writable_copy
from indexer.build import _open_previous, build_index
from indexer.windows import thesis_windows, window_texts
from store.layout import CURRENT, DATABASE, MANIFEST, SNAPSHOTS, current_snapshot
from store.manifest import read_manifest
from store.reader import load_thesis, open_index

SMALL = ["000_56c92893e0805444.txt", "002_70b37341d0292a91.txt", "004_d1b033983cbf4306.txt"]
APPENDED = ("\n   \n\nDette avsnittet er lagt til av en test for å se at bare denne oppgaven blir "
            "lest og innkodet på nytt når filen endres.\n\n")


class CountingEncoder:
    """The real encoder, counting what it is asked to embed; can fail on the n-th call."""

    def __init__(self, inner, fail_on_call: int | None = None, error: type[BaseException] = RuntimeError):
        self.inner, self.fail_on_call, self.error = inner, fail_on_call, error
        self.calls: list[list[str]] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode_passages(self, texts):
        self._count(texts)
        return self.inner.encode_passages(texts)

    def encode_tokens(self, texts, kind):
        self._count(texts)
        return self.inner.encode_tokens(texts, kind)

    def _count(self, texts):
        self.calls.append(list(texts))
        if self.fail_on_call is not None and len(self.calls) >= self.fail_on_call:
            raise self.error("injected failure")


@pytest.fixture(scope="module")
def small_build(tmp_path_factory, encoder) -> tuple[Path, Path]:
    """A 3-thesis corpus and its index, built once; tests work on copies (see `small`)."""
    root = tmp_path_factory.mktemp("small")
    corpus = copy_corpus(root / "corpus", SMALL)
    report = build_index(corpus, root / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0 and report.reembedded == 3, report.summary()
    return corpus, root / "index"


@pytest.fixture
def small(small_build, tmp_path) -> tuple[Path, Path]:
    return writable_copy(*small_build, tmp_path)


def stored(index: Path) -> dict[str, tuple]:
    """Per doc: the thesis as stored, with its passage and sentence vectors."""
    with open_index(index) as snap:
        return {doc: load_thesis(snap, doc) for doc in snap.manifest["theses"]}


def fingerprint(index: Path) -> dict[str, str]:
    """Hashes of CURRENT and of the live snapshot's files."""
    snapshot = current_snapshot(index)
    files = [index / CURRENT, *sorted(p for p in snapshot.iterdir() if p.is_file())]
    return {str(p.relative_to(index)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_full_build_report(build_report, corpus_copy):
    n = len(list(corpus_copy.glob("*.txt")))
    assert (build_report.theses, build_report.reembedded, build_report.unchanged) == (n, n, 0)
    assert build_report.problems == []
    line = build_report.summary().splitlines()[0]
    assert re.fullmatch(rf"Indexed {n} theses \({n} re-embedded, 0 unchanged, 0 removed\): [\d ]+ passages, "
                        r"[\d ]+ sentences in [\d.]+ s \([\d.]+ passages/s, [\d.]+ sentences/s, [\d.]+ windows/s embedded, \w+\)", line), line
    print(build_report.summary())


def test_theses_stored_in_another_precision_are_reembedded(small, encoder):
    corpus, index = small
    other = "int8" if encoder.dtype != "int8" else "bf16"
    relabelled = CountingEncoder(encoder)
    relabelled.dtype = other  # as if this CPU's measured choice had changed since the last build
    report = build_index(corpus, index, encoder=relabelled, progress=False)
    assert (report.reembedded, report.unchanged) == (3, 0), report.summary()
    assert f"Re-embedding the theses stored in {encoder.dtype}: this build embeds in {other}" in report.summary()
    assert {entry["dtype"] for entry in read_manifest(current_snapshot(index))["theses"].values()} == {other}
    again = build_index(corpus, index, encoder=relabelled, progress=False)
    assert (again.reembedded, again.unchanged) == (0, 3)


def test_changed_thesis_is_the_only_one_reembedded(small, encoder):
    corpus, index = small
    before = stored(index)
    touched = corpus / SMALL[1]
    touched.write_text(touched.read_text(encoding="utf-8") + APPENDED, encoding="utf-8")

    counting = CountingEncoder(encoder)
    report = build_index(corpus, index, encoder=counting, progress=False)

    assert (report.reembedded, report.unchanged, report.removed, report.exit_code) == (1, 2, 0, 0)
    after = stored(index)
    changed = after[SMALL[1]].thesis
    assert counting.calls == [[p.text for p in changed.passages], [s.text for s in changed.sentences],
                              window_texts(changed, thesis_windows(changed))]
    assert after[SMALL[1]].windows == thesis_windows(changed)
    assert "lagt til av en test" in changed.passages[-1].text
    assert changed.content_hash == hashlib.sha256(touched.read_bytes()).hexdigest()
    for doc in (SMALL[0], SMALL[2]):
        assert after[doc].thesis == before[doc].thesis
        assert np.array_equal(after[doc].passage_vectors, before[doc].passage_vectors)
        assert np.array_equal(after[doc].sentence_vectors, before[doc].sentence_vectors)
        assert after[doc].windows == before[doc].windows
        assert np.array_equal(after[doc].window_vectors, before[doc].window_vectors)
        for mine, theirs in zip(after[doc].tokens, before[doc].tokens):  # token ids, vectors, counts
            assert np.array_equal(mine, theirs) and len(mine)
    with open_index(index) as snap:  # ids still line up after re-adding under new ids
        assert len(snap.passage_vectors) == snap.passage_index.ntotal == snap.manifest["totals"]["passages"]
        assert len(snap.sentence_vectors) == snap.manifest["totals"]["sentences"]
        assert len(snap.window_vectors) == snap.manifest["totals"]["windows"] > 0
        assert len(snap.token_vectors) == snap.manifest["totals"]["tokens"] > 0
    assert report.embedded_tokens == len(after[SMALL[1]].tokens.ids)


def test_stored_token_vectors_are_the_encoders_tokens_of_each_passage(built_index, encoder):
    """vectors/tokens.npy holds, passage by passage, what `encode_tokens` gives for its text
    (int8 codes with a scale per row: products above 0.995), and passages' token ranges tile the
    table in order."""
    with open_index(built_index) as snap:
        doc = sorted(snap.manifest["theses"])[1]
        tokens = load_thesis(snap, doc).tokens
        passages = load_thesis(snap, doc).thesis.passages
        assert tokens.vectors.dtype == np.float32 and len(tokens.counts) == len(passages)
    rows = np.linspace(0, len(passages) - 1, 6).astype(int)
    at = np.concatenate(([0], np.cumsum(tokens.counts)))
    _, fresh = encoder.encode_tokens([passages[i].text for i in rows], "passage")
    for i, (ids, vectors) in zip(rows, fresh):
        assert np.array_equal(tokens.ids[at[i]:at[i + 1]], ids)
        stored_vectors = tokens.vectors[at[i]:at[i + 1]]
        assert np.sum(stored_vectors * vectors, axis=1).min() > 0.995


def test_deleted_file_drops_out(small, encoder):
    corpus, index = small
    (corpus / SMALL[1]).unlink()
    counting = CountingEncoder(encoder)
    report = build_index(corpus, index, encoder=counting, progress=False)
    assert counting.calls == []
    assert (report.theses, report.removed, report.unchanged, report.reembedded) == (2, 1, 2, 0)
    with open_index(index) as snap:
        assert [r["doc"] for r in snap.query("SELECT doc FROM theses ORDER BY doc")] == [SMALL[0], SMALL[2]]
        assert SMALL[1] not in snap.manifest["theses"]
        for table, vectors in (("passages", snap.passage_vectors), ("sentences", snap.sentence_vectors)):
            (row,) = snap.query(f"SELECT COUNT(*) AS n FROM {table} WHERE thesis_id NOT IN (SELECT id FROM theses)")
            assert row["n"] == 0
            assert len(vectors) == snap.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]
        assert snap.passage_index.ntotal == len(snap.passage_vectors)


def test_catalog_change_needs_no_embedding(small, encoder):
    corpus, index = small
    (corpus / "catalog.toml").write_text(
        f'["{SMALL[0]}"]\ntitle = "Ny tittel"\nauthors = ["Nordmann, Kari"]\nyear = 2021\n', encoding="utf-8")
    counting = CountingEncoder(encoder)
    report = build_index(corpus, index, encoder=counting, progress=False)
    assert counting.calls == [] and report.unchanged == 3
    with open_index(index) as snap:
        (row,) = snap.query("SELECT title, authors, year FROM theses WHERE doc = ?", (SMALL[0],))
        assert tuple(row) == ("Ny tittel", '["Nordmann, Kari"]', 2021)

    # unmasking personal data changes the parse: that thesis alone is re-read and re-embedded
    with open(corpus / "catalog.toml", "a", encoding="utf-8") as catalog:
        catalog.write("keep_personal_data = true\n")
    report = build_index(corpus, index, encoder=counting, progress=False)
    assert (report.reembedded, report.unchanged) == (1, 2) and len(counting.calls) == 3  # passages, sentences, windows


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_interrupted_build_leaves_previous_index(small, encoder, error):
    corpus, index = small
    before = fingerprint(index)
    manifest_before = (current_snapshot(index) / MANIFEST).read_bytes()
    touched = corpus / SMALL[2]  # sorted last: the first two theses are written before it fails
    touched.write_text(touched.read_text(encoding="utf-8") + APPENDED, encoding="utf-8")

    failing = CountingEncoder(encoder, fail_on_call=1, error=error)
    with pytest.raises(error, match="injected"):
        build_index(corpus, index, encoder=failing, progress=False)

    assert len(failing.calls) == 1
    assert fingerprint(index) == before
    assert [p.name for p in (index / SNAPSHOTS).iterdir()] == [current_snapshot(index).name]
    with open_index(index, model_id=encoder.model_id) as snap:
        assert snap.passage_index.ntotal == snap.manifest["totals"]["passages"]
    assert (current_snapshot(index) / MANIFEST).read_bytes() == manifest_before
    assert (current_snapshot(index) / DATABASE).exists()


def test_stale_temp_snapshot_is_removed(small, encoder):
    corpus, index = small
    stale = index / SNAPSHOTS / ".tmp-20000101T000000Z-dead00"
    stale.mkdir()
    (stale / "passages.sqlite").write_bytes(b"half written")
    old = current_snapshot(index)
    report = build_index(corpus, index, encoder=CountingEncoder(encoder), progress=False)
    assert report.exit_code == 0
    assert not stale.exists() and not old.exists()
    assert [p.name for p in (index / SNAPSHOTS).iterdir()] == [report.snapshot.name]


def test_unreadable_file_is_reported_and_skipped(small, encoder):
    corpus, index = small
    (corpus / "005_empty.txt").write_text("\n \n\n", encoding="utf-8")
    counting = CountingEncoder(encoder)
    report = build_index(corpus, index, encoder=counting, progress=False)
    assert report.exit_code == 0 and report.theses == 3 and counting.calls == []
    assert [doc for doc, _ in report.problems] == ["005_empty.txt"]
    assert report.summary().splitlines()[-2:] == ["Skipped 1 file:", f"  {report.problems[0][1]}"]
    assert "005_empty.txt" in report.summary().splitlines()[-1]


def test_nothing_indexable_keeps_previous_index(small, encoder, tmp_path):
    _, index = small
    before = fingerprint(index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"")
    report = build_index(bad, index, encoder=CountingEncoder(encoder), progress=False)
    assert report.exit_code == 1 and report.snapshot is None
    assert report.summary().startswith("Nothing indexed")
    assert fingerprint(index) == before


def test_changed_settings_force_full_rebuild(small, encoder):
    _, index = small
    from indexer.build import BuildReport

    with open_index(index) as snap:
        settings = {k: snap.manifest[k] for k in
                    ("schema_version", "model_id", "dimension", "parser_version", "token_budget")}
    report = BuildReport()
    docs = set(SMALL)
    previous = _open_previous(index, settings, docs, report)
    assert previous is not None and report.notes == []
    previous.close()
    for key, value in (("token_budget", 123), ("model_id", "other/model"), ("parser_version", "x")):
        report = BuildReport()
        assert _open_previous(index, {**settings, key: value}, docs - {SMALL[0]}, report) is None
        assert report.removed == 1
        assert str(value) in report.notes[0] and report.notes[0].startswith("Re-embedding everything")


def test_concurrent_build_is_refused(small, encoder):
    from store.errors import IndexBusyError
    from store.layout import build_lock

    corpus, index = small
    before = fingerprint(index)
    with build_lock(index), pytest.raises(IndexBusyError, match="Another build"):
        build_index(corpus, index, encoder=CountingEncoder(encoder), progress=False)
    assert fingerprint(index) == before
