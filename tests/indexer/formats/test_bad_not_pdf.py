"""A file named .pdf that is not a PDF (a Word file, a web page) is skipped with a message."""
from __future__ import annotations

import pytest

from indexer.errors import ThesisReadError
from indexer.formats import read_source


@pytest.mark.parametrize("data", [b"<html><body>Not found</body></html>", b"PK\x03\x04" + b"\x00" * 100])
def test_not_a_pdf(tmp_path, data):
    path = tmp_path / "thesis.pdf"
    path.write_bytes(data)
    with pytest.raises(ThesisReadError, match="thesis.pdf: not a PDF file"):
        read_source(path)


@pytest.mark.parametrize("data", [b"", b" \n\r\n"])
def test_an_empty_pdf_is_called_empty(tmp_path, data):
    path = tmp_path / "thesis.pdf"
    path.write_bytes(data)
    with pytest.raises(ThesisReadError, match="thesis.pdf: the file is empty"):
        read_source(path)
