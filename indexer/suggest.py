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
from indexer.formats import read_source
from indexer.formats.metadata import suggest_metadata
from indexer.names import is_thesis_name
from indexer.reader import inside
from indexer.thesis import parse_structure

HEADER = ("# Suggested fields for {catalog}, from each thesis file's own metadata, title page and text\n"
          "# (never from its file name).\n"
          "# Check each value against its evidence, then copy the lines you confirm into the\n"
          "# thesis's table in {catalog}. Fields the catalog already fills are not suggested.\n")

# Formats whose files state their own title, author and year (document information, properties, a
# title page); a text dump's first lines are whatever the export put there (an abstract, a chapter).
STATED_IN_FILE = (".pdf", ".docx")


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
    for path in sorted(p for p in corpus_dir.iterdir() if is_thesis_name(p.name)):
        if not inside(path, root):
            report.problems.append(f"{path.name}: a link out of {corpus_dir}/; not read")
            continue
        try:
            source = read_source(path)
            meta = catalog.get(path.name, ThesisMeta())
            thesis = parse_structure(path.name, source.text, mask_personal_data=not meta.keep_personal_data,
                                     outline=source.outline, page_labels=source.page_labels)  # pages as cited
        except IndexerError as exc:
            report.problems.append(str(exc))
            continue
        report.read += 1
        stated = suggest_metadata(source, meta) if path.suffix.lower() in STATED_IN_FILE else []
        found = missing_from(stated + thesis.derived, meta)  # what the file states about itself first
        if found:
            blocks.append(format_suggestions(path.name, found.values()))
        else:
            blocks.append(f"# {path.name}: nothing to suggest\n")
    report.text = "\n".join(blocks)
    return report
