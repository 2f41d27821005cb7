"""Parse one thesis file: read → clean → structure → sentences and passages → language."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from indexer.cleaner import clean
from store.records import Passage, Sentence, Thesis
from indexer.errors import ThesisReadError
from indexer.headings import find_headings
from indexer.junk import check_running_text
from analysis.language import detect_language
from indexer.layout import split_lines
from indexer.passages import TokenCounter, fit_to_budget, pack_passages
from indexer.reader import read_thesis
from indexer.sentences import split_sentences
from indexer.structure import build_sections, calibrate_pages

# Chosen on the dev set (see eval/README.md); passages of ~200 e5 tokens average ~700 characters.
DEFAULT_TOKEN_BUDGET = 200
DEFAULT_OVERLAP = 1
# Bump whenever the parse of an unchanged file can change, so that indexes are rebuilt.
PARSER_VERSION = "2"
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
    """Parse the thesis file at `path`; raise ThesisReadError when it holds no usable text."""
    text, data, warnings = read_thesis(path)
    thesis = parse_text(
        path.name, text, count_tokens=count_tokens, token_budget=token_budget,
        overlap=overlap, mask_personal_data=mask_personal_data,
    )
    thesis.content_hash = hashlib.sha256(data).hexdigest()
    thesis.warnings = warnings
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
) -> Thesis:
    """Parse the decoded text of a thesis file named `doc`, in at most `time_limit` seconds."""
    deadline = _Deadline(doc, time_limit)
    lines = split_lines(text)
    deadline.check("lines")
    headings = find_headings(lines)
    deadline.check("headings")
    cleaned = clean(lines, headings, mask_personal_data=mask_personal_data)
    if not any(b.kind == "paragraph" for b in cleaned.blocks):
        raise ThesisReadError(f"{doc}: no running text found (only headings or page numbers)")
    check_running_text(doc, cleaned.text, len(cleaned.page_breaks))
    thesis = Thesis(
        doc=doc, text=cleaned.text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source=cleaned.source, pages=calibrate_pages(cleaned), sections=build_sections(cleaned),
    )
    deadline.check("pages and sections")
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
