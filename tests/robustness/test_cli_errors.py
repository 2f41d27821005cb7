"""Issue 22 class 5: every command line turns bad input into `error: …` and exit 2, never a traceback.

One test per case of the issue: `--index` a file, a read-only index folder, a manifest whose
`model_id` is a hub name or a path (no attempt to reach a hub, offline flags unset), a manifest
missing a thesis entry, a deeply nested catalog, `year = 99999999999999999999`, `qa eval` /
`qa calibrate` with a bad or missing file, `indexer build --model` a folder without a model or an
unknown name, and a catalog.toml that is a FIFO. (CURRENT: test_current_pointer.py; `qa batch
--out`: test_data_loss.py.)
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from store.layout import MANIFEST, current_snapshot
from tests.robustness.conftest import CLI_ENV, cli, make_tiny_corpus

# The hub is never to be asked: run without the offline flags, as a user might.
ONLINE_ENV = {k: v for k, v in CLI_ENV.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}


def assert_message(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2, one `error: …` message on stderr naming `words`, no traceback anywhere."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def set_manifest(index: Path, **values) -> None:
    path = current_snapshot(index) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(values)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_index_that_is_a_file(tmp_path, fake_built):
    index = tmp_path / "index"
    index.write_text("not a folder")
    for command in (["indexer", "status"], ["qa", "ask", "hei"],
                    ["indexer", "build", "--corpus", str(fake_built[0])]):
        assert_message(cli(*command, "--index", str(index)), str(index), "is a file")


def _others_can_run_the_project() -> bool:
    """Whether a user other than the owner can reach this checkout (a clone inside a private
    temporary folder cannot be run as nobody)."""
    repo = Path(__file__).resolve().parents[2]
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in (repo, *repo.parents))


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to run as nobody")
@pytest.mark.skipif(not _others_can_run_the_project(), reason="the checkout is not reachable by other users")
def test_read_only_index_folder_on_build(fake_built):
    root = Path(tempfile.mkdtemp(prefix="tesesok-ro-"))
    try:
        corpus = make_tiny_corpus(root / "corpus")
        (root / "index").mkdir()
        for path in (root, corpus, root / "index"):
            path.chmod(0o755 if path != root / "index" else 0o555)
        for path in corpus.iterdir():
            path.chmod(0o644)
        started = time.monotonic()
        result = cli("indexer", "build", "--corpus", str(corpus), "--index", str(root / "index"), user="65534")
        assert_message(result, "Cannot write in", str(root / "index"), "Permission denied")
        assert time.monotonic() - started < 60  # refused before the model is loaded
    finally:
        shutil.rmtree(root)


@pytest.mark.parametrize("model_id", ["someone/not-a-real-model", "/nonexistent/models/e5"])
def test_manifest_model_id_a_hub_name_or_a_path(fake, model_id):
    index = fake[1]
    set_manifest(index, model_id=model_id)
    started = time.monotonic()
    result = cli("qa", "ask", "Hva er ettervern?", "--index", str(index), env=ONLINE_ENV)
    assert_message(result, model_id, "cannot be loaded here", "never downloaded")
    assert time.monotonic() - started < 30  # no attempt to reach a hub


def test_manifest_missing_a_thesis_entry(fake):
    index = fake[1]
    manifest = json.loads((current_snapshot(index) / MANIFEST).read_text(encoding="utf-8"))
    theses = dict(manifest["theses"])
    gone = sorted(theses)[0]
    del theses[gone]
    set_manifest(index, theses=theses)
    assert_message(cli("indexer", "status", "--index", str(index)), "damaged", gone)


def corpus_with_catalog(tmp_path: Path, catalog: str) -> Path:
    return make_tiny_corpus(tmp_path / "corpus", ["000_56c92893e0805444.txt"], catalog=catalog)


def test_deeply_nested_catalog(tmp_path):
    corpus = corpus_with_catalog(tmp_path, '["000_56c92893e0805444.txt"]\ntitle = "T"\n\nevidence = '
                                 + "[" * 5000 + "]" * 5000 + "\n")
    result = cli("indexer", "build", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert_message(result, "catalog.toml, line 4", "nested")


def test_year_out_of_range(tmp_path):
    corpus = corpus_with_catalog(tmp_path, '["000_56c92893e0805444.txt"]\ntitle = "T"\nyear = 99999999999999999999\n')
    result = cli("indexer", "build", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert_message(result, "catalog.toml, line 3", "year", "99999999999999999999")


@pytest.mark.parametrize("command", ["eval", "calibrate"])
@pytest.mark.parametrize("problem", ["missing", "not JSON", "a folder", "not UTF-8"])
def test_qa_eval_and_calibrate_with_a_bad_file(tmp_path, fake, command, problem):
    gold = tmp_path / "gold.jsonl"
    if problem == "not JSON":
        gold.write_text('{"id": "q1", "lang": "no"\n', encoding="utf-8")
    elif problem == "a folder":
        gold.mkdir()
    elif problem == "not UTF-8":
        gold.write_bytes(b'{"id": "\xff"}\n')
    started = time.monotonic()
    result = cli("qa", command, str(gold), "--index", str(fake[1]))
    assert_message(result, str(gold))
    assert time.monotonic() - started < 30  # said before the model loads


@pytest.mark.parametrize("model", ["folder without a model", "no-such/model-name"])
def test_build_model_that_is_not_a_model(tmp_path, fake_built, model):
    if model == "folder without a model":
        model = str(tmp_path / "empty-model")
        Path(model).mkdir()
        (Path(model) / "README.txt").write_text("no weights here")
    started = time.monotonic()
    result = cli("indexer", "build", "--corpus", str(fake_built[0]), "--index", str(tmp_path / "index"),
                 "--model", model, env=ONLINE_ENV)
    assert_message(result, model)
    assert time.monotonic() - started < 30


def test_catalog_that_is_a_fifo(tmp_path):
    corpus = make_tiny_corpus(tmp_path / "corpus", ["000_56c92893e0805444.txt"], catalog="")
    (corpus / "catalog.toml").unlink()
    os.mkfifo(corpus / "catalog.toml")
    assert stat.S_ISFIFO((corpus / "catalog.toml").stat().st_mode)
    result = cli("indexer", "build", "--corpus", str(corpus), "--index", str(tmp_path / "index"), timeout=60)
    assert_message(result, "catalog.toml is a FIFO")
