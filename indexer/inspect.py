"""`python -m indexer inspect FILE`: show how a thesis file is parsed."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from store.records import Page, Thesis
from indexer.errors import ThesisReadError
from indexer.passages import TokenCounter
from indexer.formats import read_source
from indexer.reader import inside
from indexer.layout import roman_value
from indexer.thesis import DEFAULT_TOKEN_BUDGET, parse_source


def _step(a: Page, b: Page) -> bool:
    """Whether page b follows page a in one run of labels ("iii" → "iv", "7" → "8")."""
    va, vb = (roman_value(p.printed) or (int(p.printed) if p.printed.isdigit() else None) for p in (a, b))
    same_style = a.printed.isdigit() == b.printed.isdigit()
    return b.physical == a.physical + 1 and same_style and va is not None and vb == va + 1


def page_runs(pages: list[Page]) -> str:
    """Pages as runs of printed/physical numbers, e.g. "i-iv/1-4 1-60/5-64"."""
    runs: list[list[Page]] = []
    for page in pages:
        if runs and _step(runs[-1][-1], page):
            runs[-1].append(page)
        else:
            runs.append([page])
    return " ".join(f"{r[0].printed}/{r[0].physical}" if len(r) == 1 else
                    f"{r[0].printed}-{r[-1].printed}/{r[0].physical}-{r[-1].physical}" for r in runs)


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
    out.append(f"pages (printed/physical): {page_runs(thesis.pages)}")
    for section in thesis.sections:
        indent = "  " * section.level
        label = section.label or "(text before the first heading)"
        page = thesis.page_at(section.start).printed
        out.append(f"{indent}{label}  [{section.part}, p. {page}, {passages_per_section[section.index]} passages]")
        if show_passages:
            for p in (p for p in thesis.passages if p.section == section.index):
                first, last = thesis.page_at(p.start).printed, thesis.page_at(p.end - 1).printed
                pages = f"p. {first}" if first == last else f"pp. {first}-{last}"
                out.append(f"{indent}  #{p.index} {pages} {p.language} {p.n_tokens} tok [{p.start}:{p.end}] {p.text!r}")
    return "\n".join(out)


def inspect_file(
    path: Path, *, show_passages: bool = False, token_budget: int | None = None,
    count_tokens: TokenCounter | None = None,
) -> str:
    """Parse `path` and describe it; bad input raises ThesisReadError with a readable message."""
    if token_budget is not None and token_budget < 16:
        raise ThesisReadError(f"--budget must be at least 16 tokens, got {token_budget}")
    if not inside(path, path.parent.resolve()):  # as `build` refuses it in the corpus folder
        raise ThesisReadError(f"{path.name}: a link to {path.resolve()}, outside {path.parent}/; refused "
                              f"(a link is read only where it points inside its own folder)")
    source = read_source(path)  # fail fast on bad input, before loading the tokenizer
    if count_tokens is None:
        from models.tokens import passage_token_counter

        count_tokens = passage_token_counter()
    thesis = parse_source(path.name, source, count_tokens=count_tokens, token_budget=token_budget or DEFAULT_TOKEN_BUDGET)
    return describe(thesis, show_passages=show_passages)
