"""Citations for theses: in-text references, reference-list entries, BibTeX and RIS.

Pure functions over a small `Work` record, no I/O. Two styles, each written in the interface's
language (`lang` "nb" or "en"; "no" is taken as "nb"):

* ``apa``: APA 7 (the Norwegian APA manual in "nb"): "(Hansen & Berg, 2019, s. 30–31)",
  "(Hansen et al., 2019, pp. 30–31)";
* ``norwegian``: the prose form of Norwegian theses: "(Hansen og Berg, 2019, s. 12)",
  "(Hansen mfl., 2019)"; in "en" the same form in English words ("and", "et al.").

Unknown metadata degrades gracefully, the same way in every string of one language:

* no year: "u.å." ("nb") or "n.d." ("en") in in-text citations and reference entries; BibTeX and
  RIS leave the year out, so a reference manager prints its own;
* no author: the title takes the author's place (APA 7), quoted in in-text citations and shortened
  at a colon;
* a title derived from the text (``"title" in work.derived``) is a description, so it is written
  in square brackets (APA 7's form for untitled works), and exports say it was derived;
* no title at all: "[Uten tittel]" / "[Untitled]"; never the corpus file name;
* pages: one page or a range ("s. 30–31" / "pp. 30–31"); `None` leaves the page part out, and a
  work without fixed pages (a Word file) is cited by its section instead, as APA 7 does for
  unpaginated works: "avsnitt «4.2 Funn»" / "section “4.2 Findings”".

All output is plain text. RIS records use LF line ends.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

APA_MAX_LISTED = 20  # APA 7: up to 20 authors listed; beyond that 19, an ellipsis and the last
STYLES = ("apa", "norwegian")
DERIVABLE = ("title", "degree", "topic")  # fields the build can derive from a thesis text
LANGS = ("nb", "en")
Pages = int | str | tuple[int | str, int | str] | None  # a page, a printed label, or a range

_WORDS: dict[str, dict[str, str]] = {
    "nb": {"no_year": "u.å.", "page": "s.", "pages": "s.", "untitled": "[Uten tittel]", "section": "avsnitt",
           "and": "og", "others": "mfl.", "open": "«", "close": "»", "final_and": " & ",
           "derived": "Tittelen er utledet fra teksten, ikke oppgitt i oppgaven"},
    "en": {"no_year": "n.d.", "page": "p.", "pages": "pp.", "untitled": "[Untitled]", "section": "section",
           "and": "and", "others": "et al.", "open": "“", "close": "”", "final_and": ", & ",
           "derived": "Title derived from the text, not stated in the thesis"},
}
_KINDS = {  # thesis kind -> its name per language
    "phd": {"nb": "Doktoravhandling", "en": "Doctoral dissertation"},
    "master": {"nb": "Masteroppgave", "en": "Master's thesis"},
    "hovedoppgave": {"nb": "Hovedoppgave", "en": "Master's thesis (hovedoppgave)"},
    "bachelor": {"nb": "Bacheloroppgave", "en": "Bachelor's thesis"},
    "other": {"nb": "Upublisert oppgave", "en": "Unpublished thesis"},
}


def _clean(value: Any) -> str:
    """`value` as a string with runs of whitespace collapsed; None is the empty string."""
    return " ".join(str(value).split()) if value is not None else ""


def language(lang: str) -> str:
    """`lang` as "nb" or "en"; "no" (the query side's code for Norwegian) is "nb".

    Raises ValueError for any other value.
    """
    code = {"no": "nb"}.get(lang, lang)
    if code not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return code


@dataclass(frozen=True)
class Work:
    """Bibliographic metadata of one thesis; empty strings mean unknown.

    `authors` holds names as "Etternavn, Fornavn Mellomnavn" (or a bare "Etternavn"). `topic` is
    what the thesis is about (its research question). `derived` names the fields that were derived
    from the thesis text rather than stated in the catalog ("title", "degree", "topic"). Values are
    normalised on construction: whitespace collapsed, `year` made a string (an int or None is
    accepted, as the catalog writes years as TOML integers), `authors` made a tuple without blanks.
    """

    title: str = ""
    authors: tuple[str, ...] = ()
    year: str = ""
    institution: str = ""
    degree: str = ""
    doc: str = ""
    topic: str = ""
    derived: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        authors = (self.authors,) if isinstance(self.authors, str) else (self.authors or ())
        object.__setattr__(self, "authors", tuple(a for a in map(_clean, authors) if a))
        for name in ("title", "year", "institution", "degree", "doc", "topic"):
            object.__setattr__(self, name, _clean(getattr(self, name)))
        object.__setattr__(self, "derived", frozenset(self.derived))

    def with_derived(self, derived: Mapping[str, str]) -> Work:
        """This work with each of title, degree and topic that it leaves empty taken from `derived`
        (field -> value, as the index records what the build read off the thesis text) and marked."""
        filled = {name: " ".join(str(derived[name]).split()) for name in DERIVABLE
                  if not getattr(self, name) and str(derived.get(name) or "").strip()}
        return replace(self, **filled, derived=self.derived | filled.keys())

    @property
    def title_is_derived(self) -> bool:
        return bool(self.title) and "title" in self.derived


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

def thesis_kind(degree: str) -> str | None:
    """The kind of thesis free-text `degree` names, or None when the degree is unknown.

    "doktor"/"doctor"/"ph.d" -> "phd", "master" -> "master", "hovedoppgave" -> "hovedoppgave",
    "bachelor" -> "bachelor"; any other non-empty text -> "other".
    """
    text = re.sub(r"[\s.]", "", degree.lower())
    if not text:
        return None
    for kind, keys in (("phd", ("doktor", "doctor", "phd")), ("master", ("master",)),
                       ("hovedoppgave", ("hovedoppgave",)), ("bachelor", ("bachelor",))):
        if any(k in text for k in keys):
            return kind
    return "other"


def thesis_type(degree: str, lang: str = "nb") -> str | None:
    """The name of the thesis type for `degree` in `lang` ("Masteroppgave", "Master's thesis"), or None."""
    kind = thesis_kind(degree)
    return _KINDS[kind][language(lang)] if kind else None


# --- in-text citations -----------------------------------------------------------------------

def year_part(work: Work, lang: str = "nb") -> str:
    """The work's year, or "u.å." / "n.d." without one."""
    return work.year or _WORDS[language(lang)]["no_year"]


def page_part(pages: Pages, lang: str = "nb") -> str:
    """ "s. 30" / "p. 30", or for a range "s. 30–31" / "pp. 30–31"; "" for None. A printed label
    ("iv") is cited as printed.

    Raises ValueError for a page below 1, an empty label, or a numeric range that ends before it starts.
    """
    if pages is None:
        return ""
    first, last = pages if isinstance(pages, tuple) else (pages, pages)
    for page in (first, last):
        if (isinstance(page, int) and page < 1) or (isinstance(page, str) and not page.strip()):
            raise ValueError(f"pages must be 1 or more (or a printed label), got {pages}")
    if isinstance(first, int) and isinstance(last, int) and last < first:
        raise ValueError(f"a page range must be in order, got {pages}")
    words = _WORDS[language(lang)]
    return f"{words['page']} {first}" if first == last else f"{words['pages']} {first}–{last}"


def section_part(section: str, lang: str = "nb") -> str:
    """The locator of a work without pages: "avsnitt «4.2 Funn»" / "section “4.2 Findings”"; "" for no section."""
    words = _WORDS[language(lang)]
    section = _clean(section)
    return f"{words['section']} {words['open']}{section}{words['close']}" if section else ""


def _short_title(title: str) -> str:
    main = title.split(":", 1)[0].strip()
    return main or title


def _title_as_author(work: Work, lang: str) -> str:
    """What stands in the author's place in an in-text citation of a work without authors."""
    words = _WORDS[lang]
    if work.title_is_derived:
        return f"[{work.title}]"
    if work.title:
        return f"{words['open']}{_short_title(work.title)}{words['close']}"
    return _description(work, lang)


def _description(work: Work, lang: str) -> str:
    """A work with neither author nor title described in brackets: "[Bacheloroppgave]"."""
    kind = thesis_type(work.degree, lang)
    return f"[{kind}]" if kind else _WORDS[lang]["untitled"]


def in_text(work: Work, pages: Pages = None, style: str = "apa", lang: str = "nb", section: str = "") -> str:
    """An in-text citation: "(Hansen & Berg, 2019, s. 12)" (APA 7), "(Hansen og Berg, 2019, s. 12)".

    `style` is "apa" or "norwegian", `lang` the interface's language (see the module docstring);
    `section` locates what is cited when `pages` is None (a work without fixed pages).
    Raises ValueError for an unknown style or language or bad pages.
    """
    lang = language(lang)
    if style not in STYLES:
        raise ValueError(f"unknown citation style {style!r}; expected one of {', '.join(STYLES)}")
    words = _WORDS[lang]
    joiner, many = ("&", "et al.") if style == "apa" else (words["and"], words["others"])
    names = _surnames(work)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} {joiner} {names[1]}"
    elif names:
        who = f"{names[0]} {many}"
    else:
        who = _title_as_author(work, lang)
    locator = page_part(pages, lang) if pages is not None else section_part(section, lang)
    parts = [who, year_part(work, lang), locator]
    return "(" + ", ".join(p for p in parts if p) + ")"


# --- reference list --------------------------------------------------------------------------

def _apa_authors(authors: tuple[str, ...], lang: str) -> str:
    names = [_apa_name(a) for a in authors]
    if len(names) == 1:
        return names[0]
    if len(names) <= APA_MAX_LISTED:
        return ", ".join(names[:-1]) + _WORDS[lang]["final_and"] + names[-1]
    return ", ".join(names[:APA_MAX_LISTED - 1]) + ", . . . " + names[-1]


def _end(text: str) -> str:
    """`text` closed with a period unless it already ends in one (or in ? or !)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def display_title(work: Work, lang: str = "nb") -> str:
    """The title a reader sees: the catalog's, a derived one in brackets, or "[Uten tittel]" /
    "[Untitled]"; never the file name."""
    if work.title_is_derived:
        return f"[{work.title}]"
    return work.title or _WORDS[language(lang)]["untitled"]


def _derived_title(work: Work) -> str:
    """A derived title in a reference list or an export, in brackets: the whole research question
    it was cut from when that was derived too ("[Hvilke faktorer … liv …]" helps no reader)."""
    return f"[{work.topic if 'topic' in work.derived and work.topic else work.title}]"


def _title_element(work: Work, lang: str) -> str:
    """The title and its bracketed description: "Tittel [Masteroppgave, Nord universitet]"."""
    kind = thesis_type(work.degree, lang)
    described = [p for p in (kind, work.institution) if p]
    bracket = "[" + ", ".join(described) + "]" if described else ""
    if work.title_is_derived:
        title = _derived_title(work)
    else:
        title = work.title or ("" if bracket else _WORDS[lang]["untitled"])
    return " ".join(p for p in (title, bracket) if p)


def reference(work: Work, lang: str = "nb") -> str:
    """APA 7 reference-list entry for a thesis (the Norwegian APA manual's in "nb").

    "Hansen, K. M. & Berg, P. (2019). Tittel [Masteroppgave, Universitetet i Oslo]." ("nb");
    "Hansen, K. M., & Berg, P. (2019). Title [Master's thesis, Universitetet i Oslo]." ("en").
    No author: the title element moves first, "Tittel [Masteroppgave]. (u.å.)."; the bracket holds
    the thesis type and the institution where known.
    """
    lang = language(lang)
    year = f"({year_part(work, lang)})."
    element = _end(_title_element(work, lang))
    if work.authors:
        return f"{_end(_apa_authors(work.authors, lang))} {year} {element}"
    return f"{element} {year}"


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
    """Citation key: the folded first-author surname (else the title's first word, else "anon"),
    the year (else "nd"), "_" and the first three letters/digits of the document name:
    "oydgardnd_003", "hvilkennd_002"."""
    names = _surnames(work)
    words = re.findall(r"\w+", work.title)
    who = _key_part(names[0] if names else (words[0] if words else ""))
    key = (who or "anon") + (_key_part(work.year) or "nd")
    tag = _key_part(work.doc.rsplit(".", 1)[0])[:3]
    return f"{key}_{tag}" if tag else key


_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def bibtex_escape(text: str) -> str:
    """`text` with BibTeX/LaTeX specials escaped; non-ASCII letters are kept (UTF-8)."""
    return "".join(_BIB_ESCAPES.get(c, c) for c in text)


def _export_title(work: Work, lang: str) -> str:
    """The title an export carries: stated, "[derived]", or the bracketed description."""
    if work.title_is_derived:
        return _derived_title(work)
    return work.title or _description(work, lang)


def _derived_note(work: Work, lang: str) -> str:
    return _WORDS[lang]["derived"] if work.title_is_derived else ""


def bibtex(work: Work, lang: str = "nb") -> str:
    """A BibTeX entry: @mastersthesis (master, hovedoppgave), @phdthesis (doctoral), else @misc.

    Every entry has a title (see `_export_title`). Theses get `school` and `type`; @misc gets the
    thesis type and institution in `note`, which also says when the title was derived. An unknown
    year or author is left out. Values are UTF-8 with BibTeX specials escaped.
    """
    lang = language(lang)
    kind = thesis_kind(work.degree)
    type_name = thesis_type(work.degree, lang) or ""
    fields = [("author", " and ".join(work.authors)), ("title", _export_title(work, lang))]
    notes = [_derived_note(work, lang)]
    if kind in ("master", "hovedoppgave", "phd"):
        entry = "phdthesis" if kind == "phd" else "mastersthesis"
        fields += [("school", work.institution), ("type", type_name)]
    else:
        entry = "misc"
        notes.insert(0, ", ".join(p for p in (type_name, work.institution) if p))
    fields += [("year", work.year), ("note", ". ".join(n for n in notes if n))]
    body = ",\n".join(f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields if value)
    return f"@{entry}{{{bibtex_key(work)},\n{body}\n}}\n"


# --- RIS -------------------------------------------------------------------------------------

def ris(work: Work, lang: str = "nb") -> str:
    """An RIS record (type THES), LF line ends, ending with "ER  - " and a newline.

    AU per author, TI the title (see `_export_title`), PY the year where known, PB institution,
    M3 thesis type, N1 a note when the title was derived, AN the corpus file name.
    """
    lang = language(lang)
    lines = [("TY", "THES")] + [("AU", a) for a in work.authors]
    lines += [("TI", _export_title(work, lang)), ("PY", work.year), ("PB", work.institution),
              ("M3", thesis_type(work.degree, lang) or ""), ("N1", _derived_note(work, lang)),
              ("AN", work.doc)]
    out = [f"{tag}  - {value}" for tag, value in lines if value]
    return "\n".join(out + ["ER  - "]) + "\n"


# --- for answers -----------------------------------------------------------------------------

def citation_strings(work: Work, pages: Pages, lang: str = "nb", section: str = "") -> dict[str, str]:
    """The citation object of an answer source: APA and Norwegian in-text, APA reference entry;
    `section` locates the source when `pages` is None."""
    return {"apa": in_text(work, pages, "apa", lang, section),
            "norwegian": in_text(work, pages, "norwegian", lang, section), "reference_apa": reference(work, lang)}


# --- attribution -----------------------------------------------------------------------------

# An in-text reference right after a sentence, in the same paragraph: "(Carballo mfl., 2007,
# referert i Landheim, 2016)." It must name a year (or "u.å."/"n.d."/"ibid") and start the way a
# reference does, so "(i 2010)" or "(se figur 3)" is not taken for one.
_FOLLOWING_REFERENCE = re.compile(r"[ \t]*\n?[ \t]*\((?P<body>[^()\n]{1,300})\)\.?")
_REFERENCE_MARK = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b|\bu\.å\.|\bn\.d\.|\bibid\b", re.IGNORECASE)
_REFERENCE_START = re.compile(r"[A-ZÆØÅ]|(?i:jf|cf|se|ibid|sitert|referert|e\.g|f\.eks)\b")


def with_attribution(text: str, start: int, end: int) -> int:
    """The end of the quote `text[start:end]`, moved past the in-text reference that follows it.

    "… for personer i naturlig recovery." followed by "(Carballo mfl., 2007, referert i Landheim,
    2016)." in the same paragraph: the quote then ends after that reference (and its period), so
    the secondary citation travels with it. Otherwise `end` is returned unchanged.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"bad quote span {start}:{end} for a text of {len(text)} characters")
    match = _FOLLOWING_REFERENCE.match(text, end)
    if match is None:
        return end
    body = match["body"].strip()
    if not (_REFERENCE_MARK.search(body) and _REFERENCE_START.match(body)):
        return end
    return match.end()
