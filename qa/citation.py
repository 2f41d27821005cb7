"""Citations for theses: in-text references, reference-list entries, BibTeX and RIS.

Pure functions over a small `Work` record, no I/O. Unknown metadata degrades gracefully:

* no year: ``n.d.`` in APA strings (in-text and reference list), ``u.å.`` in the Norwegian style;
* no author: the title takes the author's place, in Norwegian quotes in in-text citations
  (``(«Tittel», 2010, s. 4)``) and first in the reference entry; a title with a colon is
  shortened to its main title in in-text citations;
* no author and no title: the document label (the corpus file name without extension) takes
  the author's place, so in-text citation and reference entry still start with the same words;
* no title in the reference list: ``[Uten tittel]``;
* no page: the page part is left out.

All output is plain text. RIS records use LF line ends.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

UNTITLED = "[Uten tittel]"
NO_YEAR_APA = "n.d."
NO_YEAR_NO = "u.å."
APA_MAX_LISTED = 20  # APA 7: up to 20 authors listed; beyond that 19, an ellipsis and the last


def _clean(value: Any) -> str:
    """`value` as a string with runs of whitespace collapsed; None is the empty string."""
    return " ".join(str(value).split()) if value is not None else ""


@dataclass(frozen=True)
class Work:
    """Bibliographic metadata of one thesis; empty strings mean unknown.

    `authors` holds names as "Etternavn, Fornavn Mellomnavn" (or a bare "Etternavn"). Values are
    normalised on construction: whitespace collapsed, `year` made a string (an int or None is
    accepted, as the catalog writes years as TOML integers), `authors` made a tuple without blanks.
    """

    title: str = ""
    authors: tuple[str, ...] = ()
    year: str = ""
    institution: str = ""
    degree: str = ""
    doc: str = ""

    def __post_init__(self) -> None:
        authors = (self.authors,) if isinstance(self.authors, str) else (self.authors or ())
        object.__setattr__(self, "authors", tuple(a for a in map(_clean, authors) if a))
        for name in ("title", "year", "institution", "degree", "doc"):
            object.__setattr__(self, name, _clean(getattr(self, name)))

    @property
    def label(self) -> str:
        """The document label: the corpus file name without its extension."""
        return posixpath.splitext(self.doc)[0] if self.doc else ""


# --- names -----------------------------------------------------------------------------------

def _split_name(name: str) -> tuple[str, str]:
    """(surname, given names) of "Etternavn, Fornavn"; a name without a comma is all surname."""
    surname, _, given = name.partition(",")
    return surname.strip(), given.strip()


def _initials(given: str) -> str:
    """APA initials of given names: "Hans-Petter Kari" -> "H.-P. K."."""
    out = []
    for word in given.split():
        parts = [p.strip(".") for p in word.split("-")]
        out.append("-".join(f"{p[0]}." for p in parts if p))
    return " ".join(w for w in out if w)


def _apa_name(name: str) -> str:
    surname, given = _split_name(name)
    initials = _initials(given)
    return f"{surname}, {initials}" if initials else surname


def _surnames(work: Work) -> list[str]:
    return [_split_name(a)[0] for a in work.authors]


# --- degrees ---------------------------------------------------------------------------------

def thesis_type(degree: str) -> str | None:
    """The Norwegian thesis type for free-text `degree`, or None when the degree is unknown.

    Contains "doktor"/"doctor"/"ph.d" -> "Doktoravhandling", "master" -> "Masteroppgave",
    "hovedoppgave" -> "Hovedoppgave", "bachelor" -> "Bacheloroppgave"; any other non-empty
    text -> "Upublisert oppgave".
    """
    text = re.sub(r"[\s.]", "", degree.lower())
    if not text:
        return None
    if any(k in text for k in ("doktor", "doctor", "phd")):
        return "Doktoravhandling"
    if "master" in text:
        return "Masteroppgave"
    if "hovedoppgave" in text:
        return "Hovedoppgave"
    if "bachelor" in text:
        return "Bacheloroppgave"
    return "Upublisert oppgave"


# --- in-text citations -----------------------------------------------------------------------

def _short_title(title: str) -> str:
    main = title.split(":", 1)[0].strip()
    return main or title


def _in_text(work: Work, page: int | str | None, joiner: str, many: str, no_year: str) -> str:
    if isinstance(page, int) and page < 1:
        raise ValueError(f"page must be 1 or more, got {page}")
    if isinstance(page, str) and not page.strip():
        raise ValueError("page label must not be empty")
    names = _surnames(work)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} {joiner} {names[1]}"
    elif names:
        who = f"{names[0]} {many}"
    elif work.title:
        who = f"«{_short_title(work.title)}»"
    else:
        who = work.label or UNTITLED
    parts = [who, work.year or no_year]
    if page is not None:
        parts.append(f"s. {page}")
    return "(" + ", ".join(parts) + ")"


def in_text_apa(work: Work, page: int | str | None) -> str:
    """APA 7 in-text citation as written in Norwegian: "(Hansen & Berg, 2019, s. 12)".

    Three or more authors: "(Hansen et al., 2019)"; no year: "n.d."; `page` None: no page part;
    `page` a printed label ("iv") is cited as printed. Raises ValueError for a page below 1 or an empty label.
    """
    return _in_text(work, page, "&", "et al.", NO_YEAR_APA)


def in_text_norwegian(work: Work, page: int | str | None) -> str:
    """Norwegian in-text citation: "(Hansen og Berg, 2019, s. 12)", "(Hansen mfl., 2019)", "u.å."."""
    return _in_text(work, page, "og", "mfl.", NO_YEAR_NO)


# --- reference list --------------------------------------------------------------------------

def _apa_authors(authors: tuple[str, ...]) -> str:
    names = [_apa_name(a) for a in authors]
    if len(names) == 1:
        return names[0]
    if len(names) <= APA_MAX_LISTED:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[:APA_MAX_LISTED - 1]) + ", . . . " + names[-1]


def _end(text: str) -> str:
    """`text` closed with a period unless it already ends in one (or in ? or !)."""
    return text if text.rstrip("*").endswith((".", "?", "!")) else text + "."


def reference_apa(work: Work) -> str:
    """APA 7 reference-list entry for a thesis, plain text.

    "Hansen, K. M., & Berg, P. (2019). Tittel [Masteroppgave, Universitetet i Oslo]."
    No author: "Tittel. (2019). [Masteroppgave, ...]."; no title: "[Uten tittel]"; no year:
    "(n.d.)"; the bracket holds the thesis type (see `thesis_type`) and the institution where known
    and is left out when neither is.
    """
    described = [p for p in (thesis_type(work.degree), work.institution) if p]
    bracket = "[" + ", ".join(described) + "]" if described else ""
    year = f"({work.year if work.year else NO_YEAR_APA})."
    if work.authors:
        source = _end(" ".join(p for p in (work.title or UNTITLED, bracket) if p))
        return f"{_end(_apa_authors(work.authors))} {year} {source}"
    if work.title:
        head = _end(work.title)
    else:
        head = _end(f"{work.label} {UNTITLED}" if work.label else UNTITLED)
    return f"{head} {year}" + (f" {bracket}." if bracket else "")


# --- BibTeX ----------------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "å": "a", "Å": "A", "ß": "ss",
                       "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "Oe", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D"})


def ascii_fold(text: str) -> str:
    """`text` in ASCII: ø -> o, æ -> ae, å -> a, other diacritics stripped, the rest dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _key_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def bibtex_key(work: Work) -> str:
    """Citation key: folded first-author surname (else "anon") + year (else "nd") + "_" + the
    first three letters/digits of the document label: "oydgardnd_003"."""
    names = _surnames(work)
    who = _key_part(names[0]) if names else ""
    key = (who or "anon") + (_key_part(work.year) or "nd")
    tag = _key_part(work.label)[:3]
    return f"{key}_{tag}" if tag else key


_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def bibtex_escape(text: str) -> str:
    """`text` with BibTeX/LaTeX specials escaped; non-ASCII letters are kept (UTF-8)."""
    return "".join(_BIB_ESCAPES.get(c, c) for c in text)


def bibtex(work: Work) -> str:
    """A BibTeX entry: @mastersthesis (master, hovedoppgave), @phdthesis (doctoral), else @misc.

    Theses get `school` and a Norwegian `type`; @misc gets the thesis type and institution in
    `note`. Empty fields are left out. Values are UTF-8 with BibTeX specials escaped.
    """
    kind = thesis_type(work.degree)
    fields: list[tuple[str, str]] = [("author", " and ".join(work.authors)), ("title", work.title)]
    if kind in ("Masteroppgave", "Hovedoppgave", "Doktoravhandling"):
        entry = "phdthesis" if kind == "Doktoravhandling" else "mastersthesis"
        fields += [("school", work.institution), ("type", kind)]
    else:
        entry = "misc"
        fields.append(("note", ", ".join(p for p in (kind, work.institution) if p)))
    fields.append(("year", work.year))
    body = ",\n".join(f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields if value)
    return f"@{entry}{{{bibtex_key(work)},\n" + (body + "\n" if body else "") + "}\n"


# --- RIS -------------------------------------------------------------------------------------

def ris(work: Work) -> str:
    """An RIS record (type THES), LF line ends, ending with "ER  - " and a newline.

    AU per author, TI title, PY year, PB institution, M3 thesis type, N1 the corpus file name;
    unknown fields are left out.
    """
    lines = [("TY", "THES")] + [("AU", a) for a in work.authors]
    lines += [("TI", work.title), ("PY", work.year), ("PB", work.institution),
              ("M3", thesis_type(work.degree) or ""), ("N1", work.doc)]
    out = [f"{tag}  - {value}" for tag, value in lines if value]
    return "\n".join(out + ["ER  - "]) + "\n"


# --- for answers -----------------------------------------------------------------------------

def citation_strings(work: Work, page: int | str | None) -> dict[str, str]:
    """The citation object of an answer source: APA and Norwegian in-text, APA reference entry."""
    return {"apa": in_text_apa(work, page), "norwegian": in_text_norwegian(work, page),
            "reference_apa": reference_apa(work)}
