"""Issue 22, class 3: no small file stalls a build.

The issue's 889 KB file of 100 000 one-word pages is refused with a message in well under 30 s
(page calibration was pages × printed numbers); files built to be slow but that pass as text (tens
of thousands of pages, 10 000 sections, one endless paragraph) parse linearly; and every file has
a time limit. Speed figures per MB: `python -m bench.parse`.
"""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.parse import long_paragraph, many_full_pages, many_pages, many_sections
from indexer.build import build_index
from indexer.cleaner import CleanText, PageBreak
from indexer.errors import ThesisReadError
from indexer.structure import calibrate_pages
from indexer.thesis import parse_text
from tests.robustness.conftest import FakeEncoder

COUNT = FakeEncoder().count_tokens


def test_the_issues_100000_page_file_is_refused_with_a_message_in_under_30_s(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "050_pages.txt").write_text(many_pages(), encoding="utf-8")
    assert 850_000 < (corpus / "050_pages.txt").stat().st_size < 950_000
    began = time.perf_counter()
    report = build_index(corpus, tmp_path / "index", encoder=FakeEncoder(), progress=False)
    seconds = time.perf_counter() - began
    assert seconds < 30, f"{seconds:.1f} s"
    assert report.exit_code == 1 and report.theses == 0
    (_, message), = report.problems
    assert "050_pages.txt" in message and "not running text" in message


@pytest.mark.parametrize("make, check", [
    (many_full_pages, lambda t: len(t.pages) == 9_000 and [p.number for p in t.pages] == list(range(1, 9_001))),
    (many_sections, lambda t: len(t.sections) == 10_000 and t.sections[-1].number == "2.3.1"),
    (long_paragraph, lambda t: len(t.sections) == 1 and len(t.passages) > 500),
])
def test_files_built_to_be_slow_parse_in_linear_time(make, check):
    text = make()
    began = time.perf_counter()
    thesis = parse_text("slow.txt", text, count_tokens=COUNT)
    seconds = time.perf_counter() - began
    assert check(thesis)
    assert all(thesis.text[p.start:p.end] == p.text for p in thesis.passages)
    assert seconds < 30, f"{seconds:.1f} s for {len(text.encode()) / 1e6:.1f} MB"


def test_every_file_has_a_time_limit():
    with pytest.raises(ThesisReadError, match=r"slow\.txt: parsing took longer than 0 s"):
        parse_text("slow.txt", many_sections(200), count_tokens=COUNT, time_limit=0)


def _quadratic_calibration(breaks: list[PageBreak]) -> list[int]:
    """The page numbers as the old calibration computed them: the nearest anchor, the earlier on ties."""
    anchors = [(i, b.printed - (i + 1)) for i, b in enumerate(breaks) if b.printed is not None]
    numbers = []
    for i in range(len(breaks)):
        number = i + 1
        if anchors:
            _, offset = min(anchors, key=lambda a: (abs(a[0] - i), a[0] > i))
            number = number + offset if number + offset >= 1 else number
        numbers.append(number)
    return numbers


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 300)), min_size=1, max_size=60))
def test_linear_page_calibration_numbers_pages_as_before(printed):
    breaks = [PageBreak(10 * i, p) for i, p in enumerate(printed)]
    pages = calibrate_pages(CleanText("", None, [], breaks))
    assert [p.number for p in pages] == _quadratic_calibration(breaks)
    assert [p.start for p in pages] == [b.start for b in breaks]
