"""`python -m indexer inspect`: a readable tree for good files, a clear error for bad ones."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_inspect(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer", "inspect", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_inspect_prints_the_section_tree_with_pages_and_passages():
    result = run_inspect("corpus/000_56c92893e0805444.txt", "--passages")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "000_56c92893e0805444.txt:" in out and "31 sections" in out
    assert "    4.2.1 Identitetskifte  [body, p. " in out
    assert "Abstract  [front, p. [1]," in out  # the unnumbered first page, not the printed p. 1
    assert "#0 p. [1] no" in out  # passages listed with page, language and tokens


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "the file is empty"),
    ("binary.txt", bytes(range(256)) * 40, "binary file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(500), "binary file"),
])
def test_bad_input_gives_a_message_and_non_zero_exit(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_inspect(str(path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_link_out_of_its_folder_is_refused_as_the_build_refuses_it(tmp_path):
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("Hemmelig: passord 1234\n" * 20, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "010_notes.txt").symlink_to(secret)
    (corpus / "011_same.txt").symlink_to(corpus / "010_notes.txt")  # a link to a link that leaves: refused too
    for name in ("010_notes.txt", "011_same.txt"):
        result = run_inspect(str(corpus / name))
        assert result.returncode == 2 and "outside" in result.stderr and "refused" in result.stderr
        assert "Hemmelig" not in result.stdout + result.stderr
    (corpus / "012_inside.txt").write_text((ROOT / "corpus" / "000_56c92893e0805444.txt").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    (corpus / "013_alias.txt").symlink_to(corpus / "012_inside.txt")  # a link inside its folder is read
    assert run_inspect(str(corpus / "013_alias.txt")).returncode == 0


def test_missing_file_and_folder(tmp_path):
    for target in (tmp_path / "missing.txt", tmp_path):
        result = run_inspect(str(target))
        assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.startswith("error:")


def test_latin1_file_is_read_with_a_warning(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("1.0 Innledning\n\nRusavhengighet og tilhørighet er temaet her.\n".encode("latin-1"))
    result = run_inspect(str(path))
    assert result.returncode == 0, result.stderr
    assert "warning: latin1.txt: not valid UTF-8; decoded as Latin-1" in result.stdout
    assert "1.0 Innledning  [body, p. 1, 1 passages]" in result.stdout


def test_file_without_headings_is_one_section(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("Dette er en tekst uten overskrifter. Den handler om rus.\n\nEt nytt avsnitt følger her.\n")
    result = run_inspect(str(path))
    assert result.returncode == 0, result.stderr
    assert "1 sections" in result.stdout and "(text before the first heading)  [body, p. 1, 1 passages]" in result.stdout
