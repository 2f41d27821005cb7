"""A scan without a text layer is skipped: it needs OCR."""
from __future__ import annotations

import pytest
from PIL import Image

from indexer.errors import ThesisReadError
from indexer.formats import read_source


def test_scan_needs_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    image = tmp_path / "page.png"
    Image.new("L", (200, 280), 255).save(image)
    path = tmp_path / "scan.pdf"
    canv = canvas.Canvas(str(path))
    for _ in range(3):
        canv.drawImage(str(image), 50, 50, 400, 560)
        canv.showPage()
    canv.save()
    with pytest.raises(ThesisReadError, match="scan.pdf: the PDF has no text layer.*needs OCR"):
        read_source(path)
