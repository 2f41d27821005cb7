"""`python -m indexer inspect FILE`: show how a thesis file is parsed."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from store.records import Thesis
from indexer.errors import ThesisReadError
from indexer.passages import TokenCounter
from indexer.reader import read_thesis
from indexer.thesis import DEFAULT_TOKEN_BUDGET, parse_text


def describe(thesis: Thesis, *, show_passages: bool = False) -> str:
    """The section tree with pages, parts and passage counts; optionally every passage."""
    passages_per_section = Counter(p.section for p in thesis.passages)
    languages = Counter(p.language for p in thesis.passages)
    out = [
        f"{thesis.doc}: {len(thesis.text):,} characters, {len(thesis.pages)} pages, "
        f"{len(thesis.sections)} sections, {len(thesis.sentences)} sentences, {len(thesis.passages)} passages "
        f"({', '.join(f'{n} {lang}' for lang, n in languages.most_common())})",
    ]
    out += [f"warning: {w}" for w in thesis.warnings]
    for section in thesis.sections:
        indent = "  " * section.level
        label = section.label or "(text before the first heading)"
        page = thesis.page_at(section.start).number
        out.append(f"{indent}{label}  [{section.part}, p. {page}, {passages_per_section[section.index]} passages]")
        if show_passages:
            for p in (p for p in thesis.passages if p.section == section.index):
                pages = f"p. {p.page_start}" if p.page_start == p.page_end else f"pp. {p.page_start}-{p.page_end}"
                out.append(f"{indent}  #{p.index} {pages} {p.language} {p.n_tokens} tok [{p.start}:{p.end}] {p.text!r}")
    return "\n".join(out)


def inspect_file(
    path: Path, *, show_passages: bool = False, token_budget: int | None = None,
    count_tokens: TokenCounter | None = None,
) -> str:
    """Parse `path` and describe it; bad input raises ThesisReadError with a readable message."""
    if token_budget is not None and token_budget < 16:
        raise ThesisReadError(f"--budget must be at least 16 tokens, got {token_budget}")
    text, _, warnings = read_thesis(path)  # fail fast on bad input, before loading the tokenizer
    if count_tokens is None:
        from models.tokens import passage_token_counter

        count_tokens = passage_token_counter()
    thesis = parse_text(path.name, text, count_tokens=count_tokens, token_budget=token_budget or DEFAULT_TOKEN_BUDGET)
    thesis.warnings = warnings
    return describe(thesis, show_passages=show_passages)
