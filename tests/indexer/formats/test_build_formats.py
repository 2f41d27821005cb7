"""A corpus of PDFs builds; each bad file is skipped with its message in the build report."""
from __future__ import annotations

import shutil

from bench.pdfgen import PageSpec, PdfSpec, write_pdf
from indexer.build import build_index
from indexer.catalog import CATALOG_NAME
from tests.indexer.formats.conftest import CORPUS


def test_build_indexes_pdfs_and_reports_bad_files(tmp_path, encoder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(CORPUS / CATALOG_NAME, corpus / CATALOG_NAME)
    lines = ["Denne oppgaven handler om tilhørighet blant rusavhengige i en norsk by.",
             "Informantene forteller om fellesskap, skam og veien ut av rusmiljøet."]
    from reportlab.lib.pdfencrypt import StandardEncryption

    spec = PdfSpec([PageSpec(lines, "1"), PageSpec(lines[::-1], "2")], outline=[])
    write_pdf(spec, corpus / "god.pdf")
    # The same thesis saved again with print protection (other bytes, the same text): indexed once.
    write_pdf(spec, corpus / "kopi.pdf", encrypt=StandardEncryption("", ownerPassword="eier", canPrint=0))
    write_pdf(PdfSpec([PageSpec(lines, "1")]), corpus / "laast.pdf", encrypt="hemmelig")
    (corpus / "falsk.pdf").write_bytes(b"<html>404</html>")
    whole = (corpus / "god.pdf").read_bytes()
    (corpus / "avkuttet.pdf").write_bytes(whole[: len(whole) // 2])
    report = build_index(corpus, tmp_path / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0 and report.theses == 1, report.summary()
    problems = dict(report.problems)
    assert "encrypted with a password" in problems["laast.pdf"]
    assert "not a PDF file" in problems["falsk.pdf"]
    assert "truncated" in problems["avkuttet.pdf"]
    assert "same content as god.pdf" in problems["kopi.pdf"] and report.reembedded == 1
    summary = report.summary()
    assert "Skipped 4 files" in summary and "laast.pdf" in summary
