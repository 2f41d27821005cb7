"""`python -m indexer catalog --suggest`: derived catalog fields with their evidence, to confirm.

Reads the thesis files of a corpus folder (never following a link out of it), derives what
`indexer.bibliography` can from each text, and prints, as TOML, the fields that `catalog.toml`
leaves empty. Nothing is written: the user copies the lines they confirm into the catalog.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.bibliography import missing_from
from indexer.catalog import CATALOG_NAME, check_corpus_folder, format_suggestions, load_catalog
from store.records import ThesisMeta
from indexer.errors import IndexerError
from indexer.reader import read_thesis
from indexer.thesis import parse_structure

HEADER = ("# Suggested fields for {catalog}, derived from each thesis's text (never from its file name).\n"
          "# Check each value against its evidence, then copy the lines you confirm into the\n"
          "# thesis's table in {catalog}. Fields the catalog already fills are not suggested.\n")


@dataclass
class SuggestReport:
    text: str = ""
    problems: list[str] = field(default_factory=list)
    read: int = 0

    @property
    def exit_code(self) -> int:
        return 0 if self.read else 1


def suggest_catalog(corpus_dir: Path) -> SuggestReport:
    """The suggestions for every thesis file in `corpus_dir`; unreadable files are listed as problems."""
    corpus_dir = Path(corpus_dir)
    check_corpus_folder(corpus_dir)
    catalog = load_catalog(corpus_dir / CATALOG_NAME)
    root = corpus_dir.resolve()
    report = SuggestReport()
    blocks = [HEADER.format(catalog=corpus_dir / CATALOG_NAME)]
    for path in sorted(corpus_dir.glob("*.txt")):
        if not path.resolve().is_relative_to(root):
            report.problems.append(f"{path.name}: a link out of {corpus_dir}/; not read")
            continue
        try:
            text, _, _ = read_thesis(path)
            meta = catalog.get(path.name, ThesisMeta())
            thesis = parse_structure(path.name, text, mask_personal_data=not meta.keep_personal_data)
        except IndexerError as exc:
            report.problems.append(str(exc))
            continue
        report.read += 1
        found = missing_from(thesis.derived, meta)
        if found:
            blocks.append(format_suggestions(path.name, found.values()))
        else:
            blocks.append(f"# {path.name}: nothing to suggest\n")
    report.text = "\n".join(blocks)
    return report
