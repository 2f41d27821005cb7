"""qa.citation: in-text citations, reference entries, BibTeX and RIS, with exact strings.

The exports are read back with real parsers (bibtexparser, rispy), as a reference manager would.
"""
from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

from qa.citation import (Work, ascii_fold, bibtex, bibtex_escape, bibtex_key, citation_strings, display_title,
                         in_text, language, page_part, reference, ris, thesis_kind, thesis_type,
                         with_attribution)

CATALOG = Path(__file__).resolve().parents[2] / "corpus" / "catalog.toml"

ONE = Work(title="Mestring i hverdagen", authors=("Hansen, Kari Marie",), year="2019",
           institution="Universitetet i Oslo", degree="Master i sosialt arbeid", doc="010_abc123.txt")
TWO = Work(title="Samarbeid", authors=("Hansen, Kari", "Berg, Per"), year="2018",
           institution="Nord universitet", degree="Bachelor i sosialt arbeid", doc="011_def.txt")
THREE = Work(title="Tre stemmer", authors=("Hansen, Kari", "Berg, Per", "Lie, Ola"), year="2020",
             doc="012_ghi.txt")
NO_AUTHOR = Work(title="Barn i barnevernet: en kvalitativ studie", year="2015", institution="NTNU",
                 degree="Master i barnevern", doc="020_x.txt")
NO_YEAR = Work(title="Veien videre", authors=("Øydgard, Guro",), institution="Universitetet i Nordland",
               degree="Master i rehabilitering", doc="003_5d318866ea7f4178.txt")
DERIVED = Work(title="Hvilken betydning har sosialt nettverk for en rusavhengig …",
               degree="Bachelor i sosialt arbeid", doc="002_70b37341d0292a91.txt",
               topic="Hvilken betydning har sosialt nettverk for en rusavhengig sin recoveryprosess?",
               derived={"title", "degree", "topic"})
D = "[Hvilken betydning har sosialt nettverk for en rusavhengig …]"  # in-text: the short display title
FULL = "[Hvilken betydning har sosialt nettverk for en rusavhengig sin recoveryprosess?]"  # references, exports

CASES = {"one": (ONE, 12), "two": (TWO, (30, 31)), "three": (THREE, 7), "no_author": (NO_AUTHOR, 4),
         "no_year": (NO_YEAR, (5, 5)), "derived": (DERIVED, 19), "no_page": (TWO, None)}

IN_TEXT = {
    ("apa", "nb"): {
        "one": "(Hansen, 2019, s. 12)", "two": "(Hansen & Berg, 2018, s. 30–31)",
        "three": "(Hansen et al., 2020, s. 7)", "no_author": "(«Barn i barnevernet», 2015, s. 4)",
        "no_year": "(Øydgard, u.å., s. 5)", "derived": f"({D}, u.å., s. 19)",
        "no_page": "(Hansen & Berg, 2018)"},
    ("apa", "en"): {
        "one": "(Hansen, 2019, p. 12)", "two": "(Hansen & Berg, 2018, pp. 30–31)",
        "three": "(Hansen et al., 2020, p. 7)", "no_author": "(“Barn i barnevernet”, 2015, p. 4)",
        "no_year": "(Øydgard, n.d., p. 5)", "derived": f"({D}, n.d., p. 19)",
        "no_page": "(Hansen & Berg, 2018)"},
    ("norwegian", "nb"): {
        "one": "(Hansen, 2019, s. 12)", "two": "(Hansen og Berg, 2018, s. 30–31)",
        "three": "(Hansen mfl., 2020, s. 7)", "no_author": "(«Barn i barnevernet», 2015, s. 4)",
        "no_year": "(Øydgard, u.å., s. 5)", "derived": f"({D}, u.å., s. 19)",
        "no_page": "(Hansen og Berg, 2018)"},
    ("norwegian", "en"): {
        "one": "(Hansen, 2019, p. 12)", "two": "(Hansen and Berg, 2018, pp. 30–31)",
        "three": "(Hansen et al., 2020, p. 7)", "no_author": "(“Barn i barnevernet”, 2015, p. 4)",
        "no_year": "(Øydgard, n.d., p. 5)", "derived": f"({D}, n.d., p. 19)",
        "no_page": "(Hansen and Berg, 2018)"},
}

REFERENCE = {
    "nb": {
        "one": "Hansen, K. M. (2019). Mestring i hverdagen [Masteroppgave, Universitetet i Oslo].",
        "two": "Hansen, K. & Berg, P. (2018). Samarbeid [Bacheloroppgave, Nord universitet].",
        "three": "Hansen, K., Berg, P. & Lie, O. (2020). Tre stemmer.",
        "no_author": "Barn i barnevernet: en kvalitativ studie [Masteroppgave, NTNU]. (2015).",
        "no_year": "Øydgard, G. (u.å.). Veien videre [Masteroppgave, Universitetet i Nordland].",
        "derived": f"{FULL} [Bacheloroppgave]. (u.å.).",
    },
    "en": {
        "one": "Hansen, K. M. (2019). Mestring i hverdagen [Master's thesis, Universitetet i Oslo].",
        "two": "Hansen, K., & Berg, P. (2018). Samarbeid [Bachelor's thesis, Nord universitet].",
        "three": "Hansen, K., Berg, P., & Lie, O. (2020). Tre stemmer.",
        "no_author": "Barn i barnevernet: en kvalitativ studie [Master's thesis, NTNU]. (2015).",
        "no_year": "Øydgard, G. (n.d.). Veien videre [Master's thesis, Universitetet i Nordland].",
        "derived": f"{FULL} [Bachelor's thesis]. (n.d.).",
    },
}


# --- Work -------------------------------------------------------------------------------------

def test_work_normalises_year_authors_and_whitespace():
    w = Work(title="  Et   tema ", authors=["Hansen,  Kari", " ", ""], year=2010, doc="x.txt",
             derived=["title"])
    assert w.title == "Et tema"
    assert w.authors == ("Hansen, Kari",)
    assert w.year == "2010"
    assert w.derived == frozenset({"title"}) and w.title_is_derived
    assert Work(year=None).year == ""
    assert not Work(derived={"title"}).title_is_derived  # nothing to mark


def test_language_codes():
    assert language("no") == language("nb") == "nb"
    assert language("en") == "en"
    with pytest.raises(ValueError, match="unknown language"):
        language("de")


# --- in-text: every style x language x case ----------------------------------------------------

@pytest.mark.parametrize("style,lang", list(IN_TEXT))
@pytest.mark.parametrize("case", list(CASES))
def test_in_text(style, lang, case):
    work, pages = CASES[case]
    assert in_text(work, pages, style, lang) == IN_TEXT[style, lang][case]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("case", list(REFERENCE["nb"]))
def test_reference(lang, case):
    assert reference(CASES[case][0], lang) == REFERENCE[lang][case]


def test_one_language_per_citation():
    """A citation never mixes languages: no "n.d." or "s." in Norwegian's, no "u.å." in English."""
    for (style, lang), expected in IN_TEXT.items():
        for case, text in expected.items():
            if lang == "nb":
                assert "n.d." not in text and " p." not in text and "pp." not in text, case
            else:
                assert "u.å." not in text and "s. " not in text and "mfl." not in text and " og " not in text, case
    assert "u.å." not in reference(NO_YEAR, "en") and "n.d." not in reference(NO_YEAR, "nb")


def test_page_part_and_bad_pages():
    assert page_part((3, 3), "en") == "p. 3"
    assert page_part((3, 4), "nb") == "s. 3–4"
    assert page_part(None) == ""
    for bad in (0, (0, 2), (5, 4)):
        with pytest.raises(ValueError):
            in_text(ONE, bad)


def test_bad_style_is_an_error():
    with pytest.raises(ValueError, match="unknown citation style"):
        in_text(ONE, 1, "mla")


def test_no_author_no_title_never_uses_the_file_name():
    bare = Work(doc="000_56c92893e0805444.txt")
    assert in_text(bare, 9, "apa", "nb") == "([Uten tittel], u.å., s. 9)"
    assert in_text(bare, 9, "apa", "en") == "([Untitled], n.d., p. 9)"
    assert reference(bare, "nb") == "[Uten tittel]. (u.å.)."
    described = Work(degree="Bachelor i sosialt arbeid", doc="002_70b37341d0292a91.txt")
    assert in_text(described, 2, "norwegian", "nb") == "([Bacheloroppgave], u.å., s. 2)"
    assert reference(described, "en") == "[Bachelor's thesis]. (n.d.)."
    for text in (in_text(bare, 9), reference(bare), bibtex(bare), in_text(described, 2), reference(described)):
        assert "000_" not in text and "56c92893" not in text and "70b37341" not in text


def test_authors_without_title():
    w = Work(authors=("Fugletveit, Ragnhild", "Tonholm, Trude"), year=2010, doc="001_x.txt")
    assert reference(w, "nb") == "Fugletveit, R. & Tonholm, T. (2010). [Uten tittel]."
    assert reference(w, "en") == "Fugletveit, R., & Tonholm, T. (2010). [Untitled]."


def test_citation_strings_follow_the_language():
    assert citation_strings(TWO, 3, "en") == {
        "apa": "(Hansen & Berg, 2018, p. 3)",
        "norwegian": "(Hansen and Berg, 2018, p. 3)",
        "reference_apa": "Hansen, K., & Berg, P. (2018). Samarbeid [Bachelor's thesis, Nord universitet].",
    }
    assert citation_strings(NO_YEAR, (40, 41), "no")["apa"] == "(Øydgard, u.å., s. 40–41)"


# --- reference list details -------------------------------------------------------------------

def test_thesis_type():
    assert thesis_type("Master i rehabilitering") == "Masteroppgave"
    assert thesis_type("Master i rehabilitering", "en") == "Master's thesis"
    assert thesis_type("Bachelor i sosialt arbeid") == "Bacheloroppgave"
    assert thesis_type("Ph.d. i helsevitenskap", "en") == "Doctoral dissertation"
    assert thesis_kind("Doktorgrad") == "phd"
    assert thesis_kind("Hovedoppgave i pedagogikk") == "hovedoppgave"
    assert thesis_type("Praktisk-pedagogisk utdanning") == "Upublisert oppgave"
    assert thesis_type("") is None


def test_reference_hyphenated_given_names_and_bare_surname():
    w = Work(title="Tittel", authors=("Åsmund-Hansen, Hans-Petter Øystein", "Lie"), year="2012")
    assert reference(w, "en") == "Åsmund-Hansen, H.-P. Ø., & Lie. (2012). Tittel."
    assert in_text(w, 1) == "(Åsmund-Hansen & Lie, 2012, s. 1)"


def test_reference_many_authors():
    names = tuple(f"N{i}, A" for i in range(1, 23))
    listed = ", ".join(f"N{i}, A." for i in range(1, 20))
    assert reference(Work(title="T", authors=names, year="2000")) == f"{listed}, . . . N22, A. (2000). T."
    twenty = reference(Work(title="T", authors=names[:20], year="2000"), "en")
    assert twenty.startswith("N1, A., N2, A.,") and twenty.endswith(", & N20, A. (2000). T.")


def test_reference_title_ending_in_question_mark():
    w = Work(title="Hva nå?", authors=("Lie, Ola",), year="2001")
    assert reference(w) == "Lie, O. (2001). Hva nå?"


# --- BibTeX -----------------------------------------------------------------------------------

def _parse_bibtex(text: str):
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    (entry,) = library.entries
    return entry.entry_type, entry.key, {f.key: f.value for f in entry.fields}


def test_ascii_fold():
    assert ascii_fold("Ærlig Øydgård-Åsen Müller Čapek") == "Aerlig Oydgard-Asen Muller Capek"


def test_bibtex_master_round_trip():
    assert _parse_bibtex(bibtex(ONE, "en")) == ("mastersthesis", "hansen2019_010", {
        "author": ["Hansen, Kari Marie"], "title": "Mestring i hverdagen",
        "school": "Universitetet i Oslo", "type": "Master's thesis", "year": "2019"})


def test_bibtex_bachelor_two_authors_is_misc_with_note():
    assert _parse_bibtex(bibtex(TWO)) == ("misc", "hansen2018_011", {
        "author": ["Hansen, Kari", "Berg, Per"], "title": "Samarbeid",
        "note": "Bacheloroppgave, Nord universitet", "year": "2018"})


def test_bibtex_three_authors_unknown_degree():
    assert _parse_bibtex(bibtex(THREE)) == ("misc", "hansen2020_012", {
        "author": ["Hansen, Kari", "Berg, Per", "Lie, Ola"], "title": "Tre stemmer", "year": "2020"})


def test_bibtex_no_author_no_year_derived_title():
    entry_type, key, fields = _parse_bibtex(bibtex(DERIVED, "nb"))
    assert (entry_type, key) == ("misc", "hvilkennd_002")
    assert fields == {"title": FULL, "note": "Bacheloroppgave. Tittelen er utledet fra teksten, ikke oppgitt i oppgaven"}
    entry_type, key, fields = _parse_bibtex(bibtex(NO_AUTHOR, "en"))
    assert (entry_type, key) == ("mastersthesis", "barn2015_020")
    assert fields == {"title": "Barn i barnevernet: en kvalitativ studie", "school": "NTNU",
                      "type": "Master's thesis", "year": "2015"}


def test_bibtex_no_year():
    assert _parse_bibtex(bibtex(NO_YEAR)) == ("mastersthesis", "oydgardnd_003", {
        "author": ["Øydgard, Guro"], "title": "Veien videre", "school": "Universitetet i Nordland",
        "type": "Masteroppgave"})


def test_bibtex_phd_and_nothing_known():
    w = Work(title="T", authors=("Lie, Ola",), year="2005", institution="UiB", degree="Ph.d.", doc="030_q.txt")
    assert _parse_bibtex(bibtex(w))[:2] == ("phdthesis", "lie2005_030")
    assert _parse_bibtex(bibtex(Work(doc="000_56c.txt"), "en")) == ("misc", "anonnd_000", {"title": "[Untitled]"})


def test_bibtex_escaping_round_trips():
    assert bibtex_escape("a{b}c%d&e$f#g_h") == r"a\{b\}c\%d\&e\$f\#g\_h"
    assert bibtex_escape("a\\b~c^d") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}d"
    w = Work(title="Rus & psykisk helse: 50% {mer} #1", authors=("Lie, Ola",), year="2001",
             institution="Høgskolen i Oslo & Akershus", degree="Master", doc="040_x.txt")
    text = bibtex(w)
    assert "  title = {Rus \\& psykisk helse: 50\\% \\{mer\\} \\#1},\n" in text
    fields = _parse_bibtex(text)[2]
    assert fields["title"] == "Rus & psykisk helse: 50% {mer} #1"
    assert fields["school"] == "Høgskolen i Oslo & Akershus"


def test_bibtex_key_folds_norwegian_letters():
    assert bibtex_key(Work(authors=("Bjørnstad-Ærø, Åse",), year="2011", doc="007_z.txt")) == "bjornstadaero2011_007"
    assert bibtex_key(Work(authors=("Lie, Ola",), year="2001")) == "lie2001"
    assert bibtex_key(Work(title="Ærlig talt", doc="009_q.txt")) == "aerlignd_009"


# --- RIS --------------------------------------------------------------------------------------

def _parse_ris(text: str) -> dict:
    (record,) = rispy.loads(text)
    return record


def test_ris_full_record_round_trip():
    text = ris(ONE, "en")
    assert text.endswith("ER  - \n") and "\r" not in text
    assert _parse_ris(text) == {
        "type_of_reference": "THES", "authors": ["Hansen, Kari Marie"], "title": "Mestring i hverdagen",
        "year": "2019", "publisher": "Universitetet i Oslo", "type_of_work": "Master's thesis",
        "accession_number": "010_abc123.txt"}


def test_ris_three_authors_unknown_fields_left_out():
    assert _parse_ris(ris(THREE)) == {
        "type_of_reference": "THES", "authors": ["Hansen, Kari", "Berg, Per", "Lie, Ola"],
        "title": "Tre stemmer", "year": "2020", "accession_number": "012_ghi.txt"}


def test_ris_no_author_no_year_derived_title():
    assert _parse_ris(ris(DERIVED, "nb")) == {
        "type_of_reference": "THES", "title": FULL, "type_of_work": "Bacheloroppgave",
        "notes": ["Tittelen er utledet fra teksten, ikke oppgitt i oppgaven"],
        "accession_number": "002_70b37341d0292a91.txt"}
    record = _parse_ris(ris(Work(doc="000_x.txt"), "en"))
    assert record["title"] == "[Untitled]" and "year" not in record


# --- attribution ------------------------------------------------------------------------------

def test_with_attribution_carries_a_following_reference():
    text = ("Carballo sin studie viste at familien var viktigst. (Carballo mfl., 2007, referert i "
            "Landheim, 2016). Når man har hatt et problematisk forhold til rus ...")
    end = text.index(" (Carballo")
    new_end = with_attribution(text, 0, end)
    assert text[:new_end].endswith("(Carballo mfl., 2007, referert i Landheim, 2016).")


@pytest.mark.parametrize("after", [
    " (i 2010) var det slik.", " (se figur 3).", "\n\n(Hansen, 2010).", " Neste setning (Hansen, 2010).",
    " (uten årstall her)."])
def test_with_attribution_leaves_other_text(after):
    text = "Dette er en setning." + after
    assert with_attribution(text, 0, 20) == 20


def test_with_attribution_forms():
    for ref in ("(Dalen 2004:17)", "(ibid.)", "(jf. Hansen, 2010)", "(Helsedirektoratet, u.å.)"):
        text = f"«Et sitat.» {ref} Videre."
        assert text[:with_attribution(text, 0, 11)] == f"«Et sitat.» {ref}"
    with pytest.raises(ValueError):
        with_attribution("abc", 2, 1)


# --- the real catalog ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog() -> dict[str, Work]:
    from indexer.catalog import load_catalog

    return {doc: Work(title=m.title, authors=tuple(m.authors), year=m.year, institution=m.institution,
                      degree=m.degree, doc=doc) for doc, m in load_catalog(CATALOG).items()}


def test_every_catalog_entry_yields_citations_and_exports(catalog):
    assert catalog
    for doc, w in catalog.items():
        for lang in ("nb", "en"):
            strings = citation_strings(w, 1, lang)
            assert all(strings.values()), doc
            assert doc.removesuffix(".txt") not in " ".join(strings.values()), doc
            assert _parse_ris(ris(w, lang))["title"], doc
            assert _parse_bibtex(bibtex(w, lang))[2]["title"], doc


def test_printed_page_labels_are_cited_as_printed():
    assert page_part("iv") == "s. iv" and page_part(("iv", "v"), "en") == "pp. iv–v"
    with pytest.raises(ValueError):
        page_part(" ")


def test_with_attribution_on_the_corpus():
    """The secondary citation after a sentence of thesis 002 travels with the quote."""
    from indexer.reader import read_thesis
    from indexer.sentences import split_sentences
    from indexer.thesis import parse_structure

    path = next(CATALOG.parent.glob("002_*.txt"))
    text = parse_structure(path.name, read_thesis(path)[0]).text
    start = text.index("Carballo sin studie viste som nevnt")
    (span,) = [s for s in split_sentences(text, start, text.index("\n\n", start)) if s[0] == start]
    assert text[span[0]:span[1]].endswith("naturlig recovery.")  # the splitter ends it before the reference
    end = with_attribution(text, *span)
    assert text[start:end].endswith("recovery. (Carballo mfl., 2007, referert i Landheim, 2016).")
    # a sentence whose reference is inside it keeps its end
    inside = text.index("Viktige faktorer for å opprettholde bedring")
    (span,) = [s for s in split_sentences(text, inside, text.index("\n\n", inside)) if s[0] == inside]
    assert with_attribution(text, *span) == span[1]


def test_with_derived_fills_only_empty_fields_and_marks_them():
    stated = Work(authors=("Øydgard, Guro",), degree="Master i rehabilitering", doc="003_x.txt")
    derived = {"title": "Hvilke mål har de  for fremtiden …", "degree": "Master", "topic": "Hvilke mål?",
               "year": "1999"}
    w = stated.with_derived(derived)
    assert (w.title, w.degree, w.topic, w.year) == ("Hvilke mål har de for fremtiden …", "Master i rehabilitering",
                                                    "Hvilke mål?", "")
    assert w.derived == {"title", "topic"}
    assert in_text(w, 4) == "(Øydgard, u.å., s. 4)"
    assert reference(w) == "Øydgard, G. (u.å.). [Hvilke mål?] [Masteroppgave]."  # the whole question it was cut from
    assert stated.with_derived({}) == stated and stated.with_derived({"title": "  "}) == stated


def test_a_work_without_pages_is_located_by_its_section():
    work = Work(authors=("Hansen, Kari",), year="2019")
    assert in_text(work, None, "apa", "nb", section="4.2 Funn") == "(Hansen, 2019, avsnitt «4.2 Funn»)"
    assert in_text(work, None, "norwegian", "en", section="4.2 Funn") == "(Hansen, 2019, section “4.2 Funn”)"
    assert in_text(work, 12, "apa", "nb", section="4.2 Funn") == "(Hansen, 2019, s. 12)"  # pages win
    assert in_text(work, None, "apa", "nb") == "(Hansen, 2019)"


def test_the_display_title_is_never_the_file_name():
    assert display_title(Work(doc="007_fotnote.pdf")) == "[Uten tittel]"
    assert display_title(Work(doc="007_fotnote.pdf"), "en") == "[Untitled]"
    assert display_title(Work(doc="x.pdf", title="Hva hjelper?", derived=frozenset({"title"}))) == "[Hva hjelper?]"
    assert display_title(Work(doc="x.pdf", title="Veien ut")) == "Veien ut"
