"""A PDF bomb (a small file whose stream inflates to gigabytes) hits the time or memory limit, not the build."""
from __future__ import annotations

import resource
import time
import zlib

import pytest

from indexer.errors import ThesisReadError
from indexer.formats import pdf, read_source
from tests.indexer.formats.conftest import one_page_pdf


def _bomb(gigabytes: int) -> bytes:
    squeeze = zlib.compressobj(9)
    chunk = b"0 0 m " * (2**20 // 6)
    body = b"".join(squeeze.compress(chunk) for _ in range(gigabytes * 1024)) + squeeze.flush()
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    return one_page_pdf(b"").replace(b"<< /Length 0 >>\nstream\n\nendstream", content)


def test_bomb_is_stopped_by_the_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "TIME_LIMIT_S", 5)
    monkeypatch.setattr(pdf, "MEMORY_LIMIT", 512 * 2**20)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_bomb(2))
    assert path.stat().st_size < 20 * 2**20
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    with pytest.raises(ThesisReadError, match="bomb.pdf: the PDF (needs more than 512 MB of memory|took over 5 s).*PDF bomb"):
        read_source(path)
    assert time.perf_counter() - began < 15
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100 * 2**10  # KB: not in this process
