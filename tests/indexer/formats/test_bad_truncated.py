"""Truncated and damaged PDFs are skipped with a message."""
from __future__ import annotations

import pytest

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.errors import ThesisReadError
from indexer.formats import read_source
from tests.indexer.formats.conftest import raw_pdf


def test_truncated(tmp_path):
    whole = write_pdf(PdfSpec([PageSpec(["Tekst på en side."], "1")] * 4), tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ThesisReadError, match="cut.pdf: the PDF is truncated"):
        read_source(path)


def test_damaged_structure(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 9 0 R >>", b"garbage ((( <<"]).replace(b"xref", b"xxxx"))
    with pytest.raises(ThesisReadError, match="broken.pdf: the PDF (is damaged|has no text layer)"):
        read_source(path)
