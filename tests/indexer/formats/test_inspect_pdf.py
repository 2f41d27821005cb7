"""`indexer inspect thesis.pdf` shows pages (printed and physical), sections and passages."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.indexer.formats.conftest import DOCS, REPO


def test_inspect_a_pdf(corpus_pdfs):
    pdf = corpus_pdfs[DOCS[0]]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, "-m", "indexer", "inspect", str(pdf.path), "--passages"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    n = len(pdf.spec.pages)
    assert f"pages (printed/physical): i/1 1-{n - 1}/2-{n}" in out
    assert "1.0 INTRODUKSJON  [body, p. 1," in out and "Sammendrag  [front, p. i," in out
    assert f"{len(pdf.from_pdf.passages)} passages" in out.splitlines()[0]
    assert "#0 p. i " in out


def test_inspect_a_locked_pdf_is_a_message(tmp_path):
    from bench.pdfgen import PageSpec, PdfSpec, write_pdf

    path = write_pdf(PdfSpec([PageSpec(["Tekst."], "1")]), tmp_path / "locked.pdf", encrypt="x")
    done = subprocess.run([sys.executable, "-m", "indexer", "inspect", str(path)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 2 and "encrypted with a password" in done.stderr and "Traceback" not in done.stderr
