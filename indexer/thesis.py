"""Parse one thesis file: read → clean → structure → sentences and passages → language."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer.bibliography import derive
from indexer.cleaner import CleanText, clean
from store.records import Passage, Sentence, Thesis
from indexer.errors import ThesisReadError
from indexer.formats import OutlineEntry, SourceText, read_source
from indexer.headings import Heading, find_headings
from indexer.junk import check_running_text
from analysis.language import detect_language
from indexer.layout import Line, split_lines
from indexer.outline import outline_headings
from indexer.passages import TokenCounter, fit_to_budget, pack_passages
from indexer.sentences import split_sentences
from indexer.structure import build_sections, calibrate_pages

# Chosen on the dev set (see eval/README.md); passages of ~200 e5 tokens average ~700 characters.
DEFAULT_TOKEN_BUDGET = 200
DEFAULT_OVERLAP = 1
# Bump whenever the parse of an unchanged file can change, so that indexes are rebuilt.
PARSER_VERSION = "10"  # 2: junk text refused, invisible characters dropped; 3: PDF and Word files, split words joined;
# 4: table-of-contents entries are never headings; a heading under a running header starts its page;
# 5: a page before the printed numbering starts is cited in brackets ("[1]");
# 6: a front-matter page without /PageLabels is cited by the roman numeral its footer prints;
# 7: a PDF line is read in PDFium's order (italics, right-aligned numbers), footnote references left out;
# 8: a derived degree keeps the level a title page states ("Masteroppgave i sosiologi" -> "Master i sosiologi",
#    was "Sosiologi"), derived fields' evidence names pages as printed ("s. ii");
# 9: an unnumbered title page keeps a line the running header of later pages repeats (the title);
# 10: a PDF page's footnotes go before its last sentence when that sentence runs on to the next page
# Longest one file may take to parse. Parsing is linear (bench.parse: 7-12 s per MB for the
# corpus's theses with the real tokenizer, so a 5 MB file, the reader's limit, fits); the limit
# guards a build against an input that is slow in a way nobody has found yet.
PARSE_SECONDS = 60.0


class _Deadline:
    """Raises ThesisReadError once the parse of `doc` has run longer than `seconds`."""

    def __init__(self, doc: str, seconds: float) -> None:
        self.doc, self.seconds, self.end = doc, seconds, time.monotonic() + seconds

    def check(self, stage: str) -> None:
        if time.monotonic() > self.end:
            raise ThesisReadError(f"{self.doc}: parsing took longer than {self.seconds:.0f} s (at {stage}); "
                                  f"check that the file is one thesis as extracted text")


def parse_thesis(
    path: Path,
    *,
    count_tokens: TokenCounter,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    overlap: int = DEFAULT_OVERLAP,
    mask_personal_data: bool = True,
) -> Thesis:
    """Parse the thesis file at `path` (.txt, .pdf, .docx); raise ThesisReadError when it holds no usable text."""
    return parse_source(path.name, read_source(path), count_tokens=count_tokens, token_budget=token_budget,
                        overlap=overlap, mask_personal_data=mask_personal_data)


def parse_source(doc: str, source: SourceText, **options: Any) -> Thesis:
    """Parse what a format reader made of the file `doc`; `options` are those of `parse_text`."""
    thesis = parse_text(doc, source.text, outline=source.outline, page_labels=source.page_labels, **options)
    thesis.content_hash = hashlib.sha256(source.data).hexdigest()
    thesis.warnings = source.warnings + thesis.warnings
    return thesis


def parse_text(
    doc: str,
    text: str,
    *,
    count_tokens: TokenCounter,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    overlap: int = DEFAULT_OVERLAP,
    mask_personal_data: bool = True,
    time_limit: float = PARSE_SECONDS,
    outline: Sequence[OutlineEntry] = (),
    page_labels: Sequence[str] = (),
) -> Thesis:
    """Parse the decoded text of a thesis file named `doc`, with the file's outline and page labels
    if any, in at most `time_limit` seconds."""
    deadline = _Deadline(doc, time_limit)
    thesis, cleaned = _structure(doc, text, mask_personal_data, outline, page_labels, deadline)
    spans = []
    for block in cleaned.blocks:
        if block.kind == "paragraph":
            for span in split_sentences(cleaned.text, block.start, block.end):
                spans += fit_to_budget(cleaned.text, span, token_budget, count_tokens)
            deadline.check("sentences")
    thesis.sentences = [
        Sentence(i, a, b, cleaned.text[a:b], thesis.section_at(a).index, thesis.page_at(a).number)
        for i, (a, b) in enumerate(spans)
    ]
    thesis.passages = _passages(thesis, token_budget, overlap, count_tokens)
    deadline.check("passages")
    return thesis


def _headings(doc: str, lines: list[Line], outline: Sequence[OutlineEntry]) -> tuple[list[Heading], list[str]]:
    """Headings from the outline when most of its entries are found in the text, else by the heading rules."""
    if not outline:
        return find_headings(lines), []
    headings, missing = outline_headings(lines, outline)
    if len(missing) * 2 > len(outline):
        return find_headings(lines), [f"{doc}: {len(missing)} of {len(outline)} outline entries are not in the "
                                      f"text; sections found by the heading rules instead"]
    return headings, [f"{doc}: outline entry not found in the text: {e.title!r}" for e in missing]


def parse_structure(doc: str, text: str, *, mask_personal_data: bool = True, outline: Sequence[OutlineEntry] = (),
                    page_labels: Sequence[str] = ()) -> Thesis:
    """The clean text, pages and sections of the decoded text of `doc` (with the file's outline and
    page labels if any), without sentences or passages."""
    return _structure(doc, text, mask_personal_data, outline, page_labels, _Deadline(doc, PARSE_SECONDS))[0]


def _structure(doc: str, text: str, mask_personal_data: bool, outline: Sequence[OutlineEntry],
               page_labels: Sequence[str], deadline: _Deadline) -> tuple[Thesis, CleanText]:
    lines = split_lines(text)
    deadline.check("lines")
    headings, warnings = _headings(doc, lines, outline)
    deadline.check("headings")
    cleaned = clean(lines, headings, mask_personal_data=mask_personal_data)
    if not any(b.kind == "paragraph" for b in cleaned.blocks):
        raise ThesisReadError(f"{doc}: no running text found (only headings or page numbers)")
    check_running_text(doc, cleaned.text, len(cleaned.page_breaks))
    thesis = Thesis(
        doc=doc, text=cleaned.text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source=cleaned.source, pages=calibrate_pages(cleaned, page_labels), sections=build_sections(cleaned),
        warnings=warnings,
    )
    deadline.check("pages and sections")
    thesis.derived = derive(thesis)
    return thesis, cleaned


def _passages(thesis: Thesis, budget: int, overlap: int, count_tokens: TokenCounter) -> list[Passage]:
    # The fixed cost of prompt and special tokens: what two one-token words cost beyond one each.
    overhead = 2 * count_tokens("a") - count_tokens("a a")
    by_section: dict[int, list[Sentence]] = {}
    for sentence in thesis.sentences:
        by_section.setdefault(sentence.section, []).append(sentence)
    passages: list[Passage] = []
    for section_index, sentences in by_section.items():
        section = thesis.sections[section_index]
        tokens = [count_tokens(s.text) - overhead for s in sentences]
        for first, last in pack_passages(tokens, budget - overhead, overlap):
            start, end = sentences[first].start, sentences[last].end
            body = thesis.text[start:end]
            passages.append(Passage(
                index=len(passages), start=start, end=end, text=body, section=section_index,
                part=section.part, page_start=thesis.page_at(start).number,
                page_end=thesis.page_at(end - 1).number, first_sentence=sentences[first].index,
                last_sentence=sentences[last].index, n_tokens=overhead + sum(tokens[first : last + 1]),
                language=detect_language(body),
            ))
    return passages
