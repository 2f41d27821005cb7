"""Fixtures for the format readers: PDFs of the five corpus theses, made once per session.

Parsing needs only the e5 tokenizer (token counts), not the model.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.pdfgen import PdfSpec, spec_from_thesis, write_pdf
from store.records import Thesis
from indexer.thesis import parse_thesis

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "corpus"
DOCS = sorted(p.stem for p in CORPUS.glob("*.txt"))


@dataclass
class CorpusPdf:
    spec: PdfSpec
    path: Path
    from_text: Thesis  # the parse of the corpus .txt
    from_pdf: Thesis  # the parse of the generated .pdf


@pytest.fixture(scope="session")
def count_tokens():
    from models.tokens import passage_token_counter

    return passage_token_counter()


@pytest.fixture(scope="session")
def corpus_pdfs(tmp_path_factory, count_tokens) -> dict[str, CorpusPdf]:
    """Each corpus thesis as a generated PDF, with both parses."""
    folder = tmp_path_factory.mktemp("pdfs")
    out = {}
    for stem in DOCS:
        text_path = CORPUS / f"{stem}.txt"
        from_text = parse_thesis(text_path, count_tokens=count_tokens)
        spec = spec_from_thesis(text_path.read_text(encoding="utf-8"), from_text, header="Masteroppgave i sosialt arbeid")
        spec.title, spec.author = f"Tittel på {stem}", "Nordmann, Kari"
        path = write_pdf(spec, folder / f"{stem}.pdf")
        out[stem] = CorpusPdf(spec, path, from_text, parse_thesis(path, count_tokens=count_tokens))
    return out


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file made of `objects` (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, compress: bool = False) -> bytes:
    """A stream object's body holding `data` (Flate-compressed when `compress`)."""
    if compress:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def one_page_pdf(content: bytes, *, compress: bool = False, extra_catalog: bytes = b"") -> bytes:
    """A one-page A4 PDF drawing `content` with Helvetica."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content, compress),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def text_content(lines: list[str]) -> bytes:
    """A content stream showing `lines` (ASCII) top to bottom."""
    ops = [b"BT /F1 11 Tf 14 TL 72 770 Td"]
    ops += [b"(%s) Tj T*" % line.encode("ascii") for line in lines]
    return b"\n".join(ops + [b"ET"])
