"""Encrypted PDFs: owner-only protection (empty user password) is read; a real password is skipped."""
from __future__ import annotations

import pytest

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.errors import ThesisReadError
from indexer.formats import read_source

SPEC = PdfSpec([PageSpec(["Denne oppgaven handler om rus og sosiale nettverk i en norsk by."], "1")])


def test_empty_user_password_is_opened(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = write_pdf(SPEC, tmp_path / "owner.pdf", encrypt=StandardEncryption("", ownerPassword="eier", canPrint=0))
    assert b"/Encrypt" in path.read_bytes()
    assert "sosiale nettverk" in read_source(path).text


def test_a_password_is_skipped_with_a_message(tmp_path):
    path = write_pdf(SPEC, tmp_path / "locked.pdf", encrypt="hemmelig")
    with pytest.raises(ThesisReadError, match="locked.pdf: the PDF is encrypted with a password"):
        read_source(path)
