"""A PDF of thousands of pages is refused before its text is read."""
from __future__ import annotations

import time

import pytest

from indexer.errors import ThesisReadError
from indexer.formats import pdf, read_source
from tests.indexer.formats.conftest import raw_pdf, stream


def test_thousands_of_pages(tmp_path):
    n = pdf.MAX_PAGES + 500
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
               stream(b"BT /F1 11 Tf 72 770 Td (side) Tj ET")]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
    path = tmp_path / "huge.pdf"
    path.write_bytes(raw_pdf(objects))
    began = time.perf_counter()
    with pytest.raises(ThesisReadError, match=f"huge.pdf: the PDF has {n} pages \\(at most {pdf.MAX_PAGES}\\)"):
        read_source(path)
    assert time.perf_counter() - began < 10
