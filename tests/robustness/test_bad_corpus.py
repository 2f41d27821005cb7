"""Bad corpus input: every problem is reported by file, everything else is indexed.

One build (real encoder) runs over a corpus that mixes good theses with every kind of bad
input; each input then gets its own check. Exit codes, the catalog and inputs too slow for the
real encoder are tested separately.
"""
from __future__ import annotations

import base64
import os
import pathlib
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from indexer.build import build_index
from indexer.errors import CatalogError
from indexer.reader import MAX_BYTES, MAX_WORD_CHARS, read_bytes
from store.reader import open_index
from tests.robustness.conftest import REPO, FakeEncoder, excerpt, fingerprint, prose

SECRET = "Hemmeligordet"  # only in the file outside the corpus that a link points to


def dump(text: str) -> str:
    """`text` laid out like the corpus's PDF dumps: lines of ~90 characters, each followed by an empty line."""
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 90:
            lines.append(line)
            line = ""
        line = f"{line} {word}" if line else word
    return "\n\n".join([*lines, line]) + "\n"


GOOD = {
    "010_good.txt": "indexed",
    "011_latin1.txt": "indexed",
    "012_utf16.txt": "indexed",
    "013_no_headings.txt": "indexed",
}
# file -> words its problem message must hold
BAD = {
    "014_duplicate.txt": ["same content as 010_good.txt", "indexed once"],
    "015_alias.txt": ["same content as 010_good.txt"],  # a link inside the corpus: allowed, but a duplicate
    "020_empty.txt": ["the file is empty"],
    "021_binary.txt": ["binary file"],
    "022_huge_50MB.txt": ["too large", "50.0 MB", "at most 5 MB"],
    "023_blob_2MB_line.txt": ["line 3 holds 2 000 000 characters without a space"],
    "024_outside_link.txt": ["outside", "refused"],
    "025_unreadable.txt": ["permission denied"],
}
LATIN1_SOURCE = excerpt("004_d1b033983cbf4306.txt", [(1, 26)]).decode("utf-8")
UTF16_SOURCE = excerpt("002_70b37341d0292a91.txt", [(1, 40)]).decode("utf-8")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, encoder):
    """Build once over good and bad files; returns (corpus, index, report, seconds, opened paths)."""
    root = tmp_path_factory.mktemp("mixed")
    corpus, outside = root / "corpus", root / "outside"
    corpus.mkdir()
    outside.mkdir()
    good = excerpt("000_56c92893e0805444.txt", [(1, 32)])
    (corpus / "010_good.txt").write_bytes(good)
    (corpus / "011_latin1.txt").write_bytes(LATIN1_SOURCE.encode("latin-1", errors="replace"))
    (corpus / "012_utf16.txt").write_bytes(UTF16_SOURCE.encode("utf-16"))  # with BOM
    (corpus / "013_no_headings.txt").write_text(dump(prose(2500, seed=1)), encoding="utf-8")
    (corpus / "014_duplicate.txt").write_bytes(good)
    os.symlink("010_good.txt", corpus / "015_alias.txt")
    (corpus / "020_empty.txt").write_bytes(b"")
    (corpus / "021_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + np.random.default_rng(0).bytes(20_000))
    block = dump(prose(200_000, seed=2)).encode("utf-8")
    with open(corpus / "022_huge_50MB.txt", "wb") as handle:
        for _ in range(50 * 2**20 // len(block)):
            handle.write(block)
        handle.write(block[: 50 * 2**20 % len(block)])
    blob = base64.b64encode(np.random.default_rng(3).bytes(1_500_000))[:2_000_000]
    (corpus / "023_blob_2MB_line.txt").write_bytes(b"Innledning\n\n" + blob + b"\n")
    (outside / "secret.txt").write_text(dump(f"{SECRET} står bare her. " + prose(1500, seed=4)), encoding="utf-8")
    os.symlink(outside / "secret.txt", corpus / "024_outside_link.txt")
    (corpus / "025_unreadable.txt").write_text(dump(prose(1500, seed=5)), encoding="utf-8")
    (corpus / "catalog.toml").write_text('["010_good.txt"]\ntitle = "Rusens sosiale funksjon"\n', encoding="utf-8")

    opened: list[Path] = []
    real_open = pathlib.Path.open

    def spy_open(self, *args, **kwargs):
        opened.append(Path(os.path.abspath(self)))
        if self.name == "025_unreadable.txt":  # the tests run as root, which ignores file modes
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pathlib.Path, "open", spy_open)
        began = time.perf_counter()
        report = build_index(corpus, root / "index", encoder=encoder, progress=False)
        seconds = time.perf_counter() - began
    print(report.summary())
    return corpus, root / "index", report, seconds, opened


def test_build_succeeds_and_indexes_exactly_the_good_files(mixed):
    corpus, index, report, seconds, _ = mixed
    assert report.exit_code == 0
    with open_index(index) as snap:
        assert sorted(r["doc"] for r in snap.query("SELECT doc FROM theses")) == sorted(GOOD)
        for r in snap.query("SELECT p.start, p.end, p.text, t.text AS full FROM passages p JOIN theses t ON t.id = p.thesis_id"):
            assert r["full"][r["start"]:r["end"]] == r["text"]
    assert sorted(doc for doc, _ in report.problems) == sorted(BAD)
    assert f"Skipped {len(BAD)} files:" in report.summary()
    assert seconds < 120, f"the build took {seconds:.0f} s"  # the 50 MB file must not be parsed


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_input_is_reported_by_file(mixed, name):
    report = mixed[2]
    (message,) = [msg for doc, msg in report.problems if doc == name]
    assert name in message
    for words in BAD[name]:
        assert words in message, message
    assert any(line.strip() == message for line in report.summary().splitlines())


@pytest.mark.parametrize("name, source", [("011_latin1.txt", LATIN1_SOURCE), ("012_utf16.txt", UTF16_SOURCE)])
def test_other_encodings_are_decoded_and_indexed_exactly(mixed, encoder, name, source):
    from indexer.thesis import parse_text

    index, report = mixed[1], mixed[2]
    expected = source.encode("latin-1", errors="replace").decode("latin-1") if "latin1" in name else source
    with open_index(index) as snap:
        (row,) = snap.query("SELECT text, warnings FROM theses WHERE doc = ?", (name,))
    assert row["text"] == parse_text(name, expected, count_tokens=encoder.count_tokens).text
    assert any(ch in row["text"] for ch in "æøå")
    if "latin1" in name:
        assert f"{name}: not valid UTF-8; decoded as Latin-1" in report.notes
        assert "Latin-1" in row["warnings"]


def test_file_without_headings_is_one_front_section(mixed):
    with open_index(mixed[1]) as snap:
        (thesis,) = snap.query("SELECT id FROM theses WHERE doc = '013_no_headings.txt'")
        sections = snap.query("SELECT number, title FROM sections WHERE thesis_id = ?", (thesis["id"],))
        passages = snap.query("SELECT COUNT(*) AS n FROM passages WHERE thesis_id = ?", (thesis["id"],))
    assert len(sections) == 1 and passages[0]["n"] >= 2


def test_build_never_opens_a_file_outside_the_corpus(mixed):
    corpus, index, _, _, opened = mixed
    secret = (corpus.parent / "outside" / "secret.txt").resolve()
    assert opened, "the spy saw the build's reads"
    for path in opened:
        assert path.resolve() != secret
        assert path.resolve().is_relative_to(corpus.resolve()) or path.is_relative_to(index), path
    with open_index(index) as snap:
        assert not snap.query("SELECT id FROM theses WHERE text LIKE ?", (f"%{SECRET}%",))


def test_huge_file_is_refused_without_reading_it_all(mixed):
    huge = mixed[0] / "022_huge_50MB.txt"
    assert huge.stat().st_size == 50 * 2**20
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(Exception, match="too large"):
        read_bytes(huge)
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < MAX_BYTES + 2**20 and seconds < 5


def test_one_2mb_line_of_prose_is_indexed_in_reasonable_time(tmp_path):
    """A 2 MB single line of real sentences is text: it is indexed, linearly (fake vectors: speed)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = prose(2_000_000, seed=6)
    assert "\n" not in text and len(text) >= 2_000_000
    (corpus / "030_one_line.txt").write_text(text, encoding="utf-8")
    began = time.perf_counter()
    report = build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)
    seconds = time.perf_counter() - began
    assert report.exit_code == 0 and report.theses == 1 and not report.problems, report.summary()
    assert seconds < 180, f"{seconds:.0f} s for one 2 MB line"
    with open_index(tmp_path / "index") as snap:
        (full,) = snap.query("SELECT text FROM theses")
        rows = snap.query("SELECT start, end, text, n_tokens FROM passages")
    assert len(rows) > 500 and all(full["text"][r["start"]:r["end"]] == r["text"] for r in rows)
    assert max(r["n_tokens"] for r in rows) <= 200


@pytest.mark.parametrize("run", [1001, 20_000])
def test_runs_without_white_space_are_refused_quickly(run):
    """Over MAX_WORD_CHARS non-space characters (a dotted leader, an encoded blob) is not text."""
    from indexer.reader import decode_thesis

    for char in ".a":
        data = ("Innledning\n\nDette er tekst.\n\n" + char * run + "\n").encode()
        began = time.perf_counter()
        with pytest.raises(Exception, match=f"line 5 holds {run:,} characters without a space".replace(",", " ")):
            decode_thesis(data, "x.txt")
        assert time.perf_counter() - began < 1
    decode_thesis(("Innledning " + "a" * MAX_WORD_CHARS).encode(), "x.txt")  # at the limit: accepted


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; "
                                               "the mixed build simulates the PermissionError instead")
def test_unreadable_file_with_real_permissions(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(dump(prose(1500)), encoding="utf-8")
    locked = corpus / "b.txt"
    locked.write_text(dump(prose(1500, seed=1)), encoding="utf-8")
    locked.chmod(0)
    report = build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0 and report.theses == 1
    assert [doc for doc, _ in report.problems] == ["b.txt"] and "permission denied" in report.problems[0][1]


def test_nothing_indexable_exits_1_and_lists_every_file(tmp_path, monkeypatch, capsys):
    import models.encoder
    from indexer.__main__ import main

    monkeypatch.setattr(models.encoder, "Encoder", lambda *a, **k: FakeEncoder())
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_empty.txt").write_bytes(b"")
    (corpus / "b_binary.txt").write_bytes(bytes(range(256)) * 20)
    (corpus / "c_numbers.txt").write_text("12\n\n13\n", encoding="utf-8")
    (corpus / "d_only_headings.txt").write_text("1.0 INNLEDNING\n\n2.0 METODE\n", encoding="utf-8")
    code = main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    out = capsys.readouterr().out
    assert code == 1 and out.startswith("Nothing indexed")
    for name in ("a_empty.txt", "b_binary.txt", "c_numbers.txt", "d_only_headings.txt"):
        assert name in out
    assert "Skipped 4 files:" in out


def run_build_cli(corpus: Path, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "indexer", "build", "--corpus", str(corpus), "--index", str(index)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("catalog, words", [
    ('["000_56c92893e0805444.txt"]\ntitle = "x"\n\n["004_d1b033983cbf4306.txt"]\nyear = = 2019\n',
     ["TOML syntax error", "line 5"]),
    ('["000_56c92893e0805444.txt"]\ntitle = "x"\n\n["004_d1b033983cbf4306.txt"]\ntitle = "y"\nforfatter = "z"\n',
     ["line 6", "unknown key(s) forfatter", "004_d1b033983cbf4306.txt", "allowed: authors"]),
    ('["000_56c92893e0805444.txt"]\nyear = "2019"\n', ["line 2", "year must be a year like 2019"]),
])
def test_invalid_catalog_exits_2_naming_the_line_and_keeps_the_index(tiny, catalog, words):
    corpus, index = tiny
    before = fingerprint(index)
    (corpus / "catalog.toml").write_text(catalog, encoding="utf-8")
    result = run_build_cli(corpus, index)
    assert result.returncode == 2, result
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert str(corpus / "catalog.toml") in result.stderr
    for w in words:
        assert w in result.stderr, result.stderr
    assert fingerprint(index) == before


def test_catalog_linked_from_outside_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(dump(prose(1500)), encoding="utf-8")
    (tmp_path / "elsewhere.toml").write_text('["a.txt"]\ntitle = "x"\n', encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.toml", corpus / "catalog.toml")
    with pytest.raises(CatalogError, match="outside"):
        build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)


def test_duplicate_is_indexed_under_the_first_name_only(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = dump(prose(1500))
    for name in ("b.txt", "a.txt", "c.txt"):
        (corpus / name).write_text(text, encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0 and report.theses == 1
    assert [doc for doc, _ in report.problems] == ["b.txt", "c.txt"]
    assert all("same content as a.txt" in msg for _, msg in report.problems)
    (corpus / "a.txt").unlink()  # the next build indexes the text under the next name
    report = build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)
    assert (report.theses, report.removed) == (1, 1) and [doc for doc, _ in report.problems] == ["c.txt"]
    with open_index(tmp_path / "index") as snap:
        assert [r["doc"] for r in snap.query("SELECT doc FROM theses")] == ["b.txt"]


@pytest.mark.parametrize("where", ["same", "index inside corpus", "corpus inside index"])
def test_an_index_folder_overlapping_the_corpus_is_refused_before_writing(fake, tmp_path, capsys, where):
    from indexer.__main__ import main

    corpus = tmp_path / "c"
    shutil.copytree(fake[0], corpus)
    index = {"same": corpus, "index inside corpus": corpus / "index", "corpus inside index": tmp_path}[where]
    before = sorted(p.name for p in corpus.iterdir())
    assert main(["build", "--corpus", str(corpus), "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert "overlap" in err and "Traceback" not in err
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_a_corpus_path_that_is_a_file_says_so(tmp_path, capsys):
    from indexer.__main__ import main

    thesis = tmp_path / "oppgave.pdf"
    thesis.write_bytes(b"%PDF-1.4\n")
    assert main(["build", "--corpus", str(thesis), "--index", str(tmp_path / "index")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_build_deletes_only_its_own_snapshots(fake):
    """Folders someone else put under snapshots/ survive a build; the replaced snapshot does not."""
    corpus, index = fake
    from store.layout import SNAPSHOTS, current_snapshot

    old = current_snapshot(index)
    theirs = [index / SNAPSHOTS / "mine", index / SNAPSHOTS / ".tmp-notes"]
    for folder in theirs:
        folder.mkdir()
        (folder / "data.txt").write_text("keep me", encoding="utf-8")
    assert build_index(corpus, index, encoder=FakeEncoder(), progress=False).exit_code == 0
    assert current_snapshot(index) != old and not old.exists()
    assert all((folder / "data.txt").read_text(encoding="utf-8") == "keep me" for folder in theirs)
