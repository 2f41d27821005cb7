"""Download payloads for the current answer: JSON and CSV of answer and sources, BibTeX and RIS.

Pure functions returning bytes (UTF-8; the CSV with a byte-order mark so spreadsheet programs
show æ, ø and å). The JSON is the batch contract's line (`Answer.to_json`, see the README's `qa batch`) plus
the question's language, the filters and the number of sources asked for, and per passage its
source number and whether the answer cites it. BibTeX and RIS hold each thesis behind the listed
sources once, in source order.
"""
from __future__ import annotations

import csv
import io
import json
import re

from qa.answer import Answer
from qa.citation import Work, ascii_fold, bibtex, ris
from qa.filters import Filters

_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
CSV_COLUMNS = ("number", "cited", "doc", "authors", "year", "title", "section", "page", "part",
               "language", "score", "quote", "passage", "citation_apa", "citation_norwegian",
               "reference_apa")


def answer_payload(answer: Answer, filters: Filters | None = None, k: int | None = None, lang: str = "nb") -> dict:
    """The answer as a JSON-ready dict (the batch contract plus language, filters, k, numbering), its
    citations in interface language `lang`."""
    payload = answer.to_json()
    cited = {number for number, _ in answer.cited}
    for source, passage in zip(answer.sources, payload["passages"]):
        passage.update(number=source.number, cited=source.number in cited, part=source.hit.part,
                       language=source.hit.language, authors=list(source.work.authors), year=source.work.year,
                       citation=source.citations(lang))
    filters = filters or Filters()
    payload.update(language=answer.language, k=k if k is not None else len(answer.sources),
                   filters={"theses": list(filters.theses), "languages": list(filters.languages),
                            "parts": list(filters.parts)})
    return payload


def answer_json(answer: Answer, filters: Filters | None = None, k: int | None = None, lang: str = "nb") -> bytes:
    return (json.dumps(answer_payload(answer, filters, k, lang), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def sources_csv(answer: Answer, lang: str = "nb") -> bytes:
    """One row per source (columns `CSV_COLUMNS`), UTF-8 with BOM, CRLF line ends, cells made safe by `csv_cell`."""
    cited = {number for number, _ in answer.cited}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in answer.sources:
        cites = s.citations(lang)
        writer.writerow(map(csv_cell, [
            s.number, "yes" if s.number in cited else "no", s.hit.doc, "; ".join(s.work.authors), s.work.year,
            s.work.title, s.section, s.pages_text, s.hit.part, s.hit.language,
            f"{s.hit.score:.4f}", s.quote.text if s.quote else "", s.hit.text, cites["apa"],
            cites["norwegian"], cites["reference_apa"],
        ]))
    return out.getvalue().encode("utf-8-sig")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet cannot run as a formula (OWASP CSV injection): text starting with
    `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def works(answer: Answer) -> list[Work]:
    """The theses behind the answer's sources, each once, in source order."""
    seen: dict[str, Work] = {}
    for source in answer.sources:
        seen.setdefault(source.work.doc, source.work)
    return list(seen.values())


def bibtex_file(answer: Answer, lang: str = "nb") -> bytes:
    return "\n".join(bibtex(w, lang) for w in works(answer)).encode("utf-8")


def ris_file(answer: Answer, lang: str = "nb") -> bytes:
    return "\n".join(ris(w, lang) for w in works(answer)).encode("utf-8")


def file_name(question: str, extension: str) -> str:
    """"tesesok-hva-er-recovery.json": the question folded to ASCII, at most 40 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(question).lower()).strip("-")[:40].rstrip("-")
    return f"tesesok-{slug or 'svar'}.{extension}"
