"""Issue 22, class 2: `qa batch` never destroys its input and never leaves half an output.

`--out` naming the input itself (the same path, a symbolic link, a hard link, another spelling of
the path) is refused with a message and exit 2 before anything is opened for writing; the output
is written to a temporary file and renamed over `--out` only when the run ends well.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pytest

from qa.output import replacing
from tests.robustness.conftest import REPO

QUESTIONS = b'{"id": 1, "question": "Hva er ettervern?"}\n{"id": 2, "question": "Hva er rus?"}\n'


def run_batch_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "qa", "batch", *args], capture_output=True, text=True,
                          env=env, cwd=cwd or REPO, timeout=120)


@pytest.mark.parametrize("spelling", ["same", "symlink", "hardlink", "dotted", "relative"])
def test_out_that_is_the_input_is_refused_and_the_input_kept(tmp_path, spelling):
    source = tmp_path / "q.jsonl"
    source.write_bytes(QUESTIONS)
    out = {"same": source, "symlink": tmp_path / "link.jsonl", "hardlink": tmp_path / "hard.jsonl",
           "dotted": tmp_path / "." / ".." / tmp_path.name / "q.jsonl", "relative": "q.jsonl"}[spelling]
    if spelling == "symlink":
        out.symlink_to(source)
    elif spelling == "hardlink":
        os.link(source, out)
    result = run_batch_cli(str(source), "--out", str(out), "--index", str(tmp_path / "no-index"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "is the input file" in result.stderr and "Traceback" not in result.stderr
    assert source.read_bytes() == QUESTIONS


@pytest.mark.parametrize("case", ["folder", "missing-folder"])
def test_out_that_cannot_be_a_file_is_refused_before_answering(tmp_path, case):
    source = tmp_path / "q.jsonl"
    source.write_bytes(QUESTIONS)
    out = tmp_path if case == "folder" else tmp_path / "nowhere" / "a.jsonl"
    result = run_batch_cli(str(source), "--out", str(out), "--index", str(tmp_path / "no-index"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ("is a folder" if case == "folder" else "does not exist") in result.stderr


def test_a_failed_run_leaves_the_previous_output_and_no_temp_file(tmp_path):
    out = tmp_path / "a.jsonl"
    out.write_text("previous answers\n")
    with pytest.raises(KeyboardInterrupt):
        with replacing(out) as handle:
            handle.write('{"id": 1}\n')
            raise KeyboardInterrupt
    assert out.read_text() == "previous answers\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_batch_writes_its_output_whole_through_the_cli(tiny_built, encoder, tmp_path, monkeypatch):
    """A real run over the tiny index: every line answered, the file replaced only at the end."""
    from qa import __main__ as cli
    from qa import engine as engine_module
    from tests.robustness.conftest import QUESTIONS as TINY_QUESTIONS

    _, index = tiny_built
    source, out = tmp_path / "q.jsonl", tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps({"id": i, "question": q}) + "\n" for i, (q, _) in enumerate(TINY_QUESTIONS)))
    out.write_text("old\n")
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (seen.append(out.read_text()), real_replace(a, b))[1])
    monkeypatch.setattr(engine_module, "Engine", functools.partial(engine_module.Engine, encoder=encoder))
    assert cli.main(["batch", str(source), "--out", str(out), "--index", str(index)]) == 0
    assert seen == ["old\n"], "the output file was untouched until the rename"
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == list(range(len(TINY_QUESTIONS)))
    assert oct(out.stat().st_mode & 0o777) != oct(0o600), "a normal file mode, not mkstemp's private one"
