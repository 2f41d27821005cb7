"""Catalog suggestions from a thesis file: title, authors, year and degree with the evidence for each.

Sources, strongest first: the file's own metadata (PDF document information, Word core
properties) and its title page (the text before the first page break). These are suggestions
for corpus/catalog.toml only: a field the catalog already sets is never suggested, so the
catalog always wins (the citations issue prints them with `indexer catalog --suggest`).

Values are in the catalog's own form: authors as "Etternavn, Fornavn" (several separated by ";",
which `format_suggestions` prints as a list), a year as four digits, a degree with its level as the
title page states it ("Masteroppgave i sosiologi").
"""
from __future__ import annotations

import re

from indexer.catalog import ThesisMeta, catalog_names
from store.records import Suggestion
from indexer.formats import SourceText
from indexer.headings import FRONT_MATTER

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_AUTHOR_LINE = re.compile(r"^(?:av|by|forfatter(?:e)?|author(?:s)?|skrevet av|kandidat(?:navn)?)\s*:?\s+(?P<name>\S.{2,80})$",
                          re.IGNORECASE)
_TITLE_PAGE_LINES = 25
_PRODUCER_TITLES = re.compile(r"^(untitled|microsoft word|document\d*|.*\.(docx?|pdf|tex))$", re.IGNORECASE)
# What a word processor writes as the author of a file whose writer never named themself.
_PRODUCER_AUTHORS = re.compile(r"^(?:microsoft office[- ]?(?:user|bruker)|windows[- ]?(?:user|bruker)|user|bruker|"
                               r"admin(?:istrator)?|owner|eier|unknown|ukjent)$", re.IGNORECASE)
# A title page line naming the degree with its level: "Masteroppgave i sosiologi", "Master i
# rehabilitering", "Bacheloroppgave", "Master's thesis in sociology" (up to a comma, a dash or a bracket).
_DEGREE_LINE = re.compile(
    r"^(?P<degree>(?:bachelor|master|hoved(?:fags)?|doktor|ph\.?\s?d\.?)(?:grads)?(?:oppgave|avhandling|studiet)?"
    r"(?:['’]s)?(?:\s+(?:thesis|dissertation|degree))?(?:\s+(?:i|in|innen)\s+[^,;:()–—]{3,60}?)?)\s*(?:$|[,;:(–—]|\s-\s)",
    re.IGNORECASE)

SOURCE = "file"  # `Suggestion.source`: the file's own metadata or its title page


def _title_page(source: SourceText) -> list[str]:
    page = source.text.split("\f", 1)[0] if source.paged else source.text
    lines = [" ".join(line.split()) for line in page.split("\n")[: _TITLE_PAGE_LINES * 4]]
    return [line for line in lines if line][:_TITLE_PAGE_LINES]


def _where(source: SourceText) -> str:
    return "the PDF's document information" if source.paged else "the file's properties"


def _from_metadata(source: SourceText) -> list[Suggestion]:
    what = _where(source)
    out: list[Suggestion] = []
    title = source.metadata.get("title", "")
    if title and not _PRODUCER_TITLES.match(title):
        out.append(Suggestion("title", title, f"{what} (Title)", SOURCE))
    author = source.metadata.get("author", "").strip()
    if author and not _PRODUCER_AUTHORS.match(author) and (names := catalog_names(author)):
        out.append(Suggestion("authors", "; ".join(names), f"{what} (Author): {author!r}", SOURCE))
    return out


def _file_date(source: SourceText) -> list[Suggestion]:
    """The file's creation year: after a year the title page states, which is the thesis's own."""
    if not source.metadata.get("date"):
        return []
    return [Suggestion("year", source.metadata["date"], f"{_where(source)} (creation date; the year of the file, "
                                                        f"which may be later than the thesis)", SOURCE)]


def _from_title_page(lines: list[str]) -> list[Suggestion]:
    out: list[Suggestion] = []
    words = [line for line in lines if len(line.split()) >= 3 and line.casefold() not in FRONT_MATTER
             and not _YEAR.fullmatch(line) and not _AUTHOR_LINE.match(line) and not _DEGREE_LINE.match(line)]
    if words:
        out.append(Suggestion("title", words[0], f"title page, line {lines.index(words[0]) + 1}: {words[0]!r}", SOURCE))
    for n, line in enumerate(lines, 1):
        if m := _AUTHOR_LINE.match(line):
            if names := catalog_names(m["name"]):
                out.append(Suggestion("authors", "; ".join(names), f"title page, line {n}: {line!r}", SOURCE))
            break
    for n, line in enumerate(lines, 1):
        if m := _DEGREE_LINE.match(line):
            degree = m["degree"].strip()
            degree = degree.capitalize() if degree.isupper() else degree[0].upper() + degree[1:]
            out.append(Suggestion("degree", degree, f"title page, line {n}: {line!r}", SOURCE))
            break
    for n, line in enumerate(lines, 1):
        if m := _YEAR.search(line):
            out.append(Suggestion("year", m.group(1), f"title page, line {n}: {line!r}", SOURCE))
            break
    return out


def suggest_metadata(source: SourceText, known: ThesisMeta | None = None) -> list[Suggestion]:
    """Suggestions for the catalog fields `known` (the catalog's entry) leaves empty, best first."""
    known = known or ThesisMeta()
    filled = {"title": bool(known.title), "authors": bool(known.authors), "year": known.year is not None,
              "degree": bool(known.degree)}
    suggestions = _from_metadata(source) + _from_title_page(_title_page(source)) + _file_date(source)
    return [s for s in suggestions if not filled[s.field]]
