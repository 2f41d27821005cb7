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
