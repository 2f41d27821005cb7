"""qa.citation: in-text citations, reference entries, BibTeX and RIS, with exact strings."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.citation import (Work, ascii_fold, bibtex, bibtex_escape, bibtex_key, citation_strings,
                         in_text_apa, in_text_norwegian, reference_apa, ris,
                         thesis_type)

CATALOG = Path(__file__).resolve().parents[2] / "corpus" / "catalog.toml"

ONE = Work(title="Mestring i hverdagen", authors=("Hansen, Kari Marie",), year="2019",
           institution="Universitetet i Oslo", degree="Master i sosialt arbeid", doc="010_abc123.txt")
TWO = Work(title="Samarbeid", authors=("Hansen, Kari", "Berg, Per"), year="2018",
           institution="Nord universitet", degree="Bachelor i sosialt arbeid", doc="011_def.txt")
THREE = Work(title="Tre stemmer", authors=("Hansen, Kari", "Berg, Per", "Lie, Ola"), year="2020",
             institution="", degree="", doc="012_ghi.txt")


# --- Work -------------------------------------------------------------------------------------

def test_work_normalises_year_authors_and_whitespace():
    w = Work(title="  Et   tema ", authors=["Hansen,  Kari", " ", ""], year=2010, doc="x.txt")
    assert w.title == "Et tema"
    assert w.authors == ("Hansen, Kari",)
    assert w.year == "2010"
    assert Work(year=None).year == ""
    assert w.label == "x"


# --- in-text ----------------------------------------------------------------------------------

def test_one_author():
    assert in_text_apa(ONE, 12) == "(Hansen, 2019, s. 12)"
    assert in_text_norwegian(ONE, 12) == "(Hansen, 2019, s. 12)"


def test_two_authors():
    assert in_text_apa(TWO, 3) == "(Hansen & Berg, 2018, s. 3)"
    assert in_text_norwegian(TWO, 3) == "(Hansen og Berg, 2018, s. 3)"


def test_three_authors():
    assert in_text_apa(THREE, 7) == "(Hansen et al., 2020, s. 7)"
    assert in_text_norwegian(THREE, 7) == "(Hansen mfl., 2020, s. 7)"


def test_no_year():
    w = Work(authors=("Øydgard, Guro",), doc="003_x.txt")
    assert in_text_apa(w, 5) == "(Øydgard, n.d., s. 5)"
    assert in_text_norwegian(w, 5) == "(Øydgard, u.å., s. 5)"


def test_no_page():
    assert in_text_apa(TWO, None) == "(Hansen & Berg, 2018)"
    assert in_text_norwegian(THREE, None) == "(Hansen mfl., 2020)"


def test_no_author_uses_title_shortened_at_colon():
    w = Work(title="Barn i barnevernet: en kvalitativ studie", year="2015", doc="020_x.txt")
    assert in_text_apa(w, 4) == "(«Barn i barnevernet», 2015, s. 4)"
    assert in_text_norwegian(w, None) == "(«Barn i barnevernet», 2015)"


def test_no_author_no_title_uses_document_label():
    w = Work(doc="000_56c92893e0805444.txt")
    assert in_text_apa(w, 9) == "(000_56c92893e0805444, n.d., s. 9)"
    assert in_text_norwegian(w, None) == "(000_56c92893e0805444, u.å.)"


def test_page_below_one_is_an_error():
    with pytest.raises(ValueError):
        in_text_apa(ONE, 0)


def test_citation_strings():
    assert citation_strings(TWO, 3) == {
        "apa": "(Hansen & Berg, 2018, s. 3)",
        "norwegian": "(Hansen og Berg, 2018, s. 3)",
        "reference_apa": "Hansen, K., & Berg, P. (2018). Samarbeid [Bacheloroppgave, Nord universitet].",
    }


# --- reference list ---------------------------------------------------------------------------

def test_thesis_type():
    assert thesis_type("Master i rehabilitering") == "Masteroppgave"
    assert thesis_type("Bachelor i sosialt arbeid") == "Bacheloroppgave"
    assert thesis_type("Ph.d. i helsevitenskap") == "Doktoravhandling"
    assert thesis_type("Doktorgrad") == "Doktoravhandling"
    assert thesis_type("Hovedoppgave i pedagogikk") == "Hovedoppgave"
    assert thesis_type("Praktisk-pedagogisk utdanning") == "Upublisert oppgave"
    assert thesis_type("") is None


def test_reference_master_one_author_with_middle_name():
    assert reference_apa(ONE) == (
        "Hansen, K. M. (2019). Mestring i hverdagen [Masteroppgave, Universitetet i Oslo].")


def test_reference_bachelor_two_authors():
    assert reference_apa(TWO) == (
        "Hansen, K., & Berg, P. (2018). Samarbeid [Bacheloroppgave, Nord universitet].")


def test_reference_unknown_degree_and_institution_three_authors():
    assert reference_apa(THREE) == "Hansen, K., Berg, P., & Lie, O. (2020). Tre stemmer."
    w = Work(title="Tema", authors=("Lie, Ola",), year="2001", institution="Høgskolen i Molde",
             degree="Praktisk-pedagogisk utdanning")
    assert reference_apa(w) == "Lie, O. (2001). Tema [Upublisert oppgave, Høgskolen i Molde]."
    w = Work(title="Tema", authors=("Lie, Ola",), year="2001", degree="Master")
    assert reference_apa(w) == "Lie, O. (2001). Tema [Masteroppgave]."


def test_reference_hyphenated_given_names_and_bare_surname():
    w = Work(title="Tittel", authors=("Åsmund-Hansen, Hans-Petter Øystein", "Lie"), year="2012")
    assert reference_apa(w) == "Åsmund-Hansen, H.-P. Ø., & Lie. (2012). Tittel."
    assert in_text_apa(w, 1) == "(Åsmund-Hansen & Lie, 2012, s. 1)"


def test_reference_many_authors():
    names = tuple(f"N{i}, A" for i in range(1, 23))
    w = Work(title="T", authors=names, year="2000")
    listed = ", ".join(f"N{i}, A." for i in range(1, 20))
    assert reference_apa(w) == f"{listed}, . . . N22, A. (2000). T."
    twenty = Work(title="T", authors=names[:20], year="2000")
    assert reference_apa(twenty).startswith("N1, A., N2, A.,")
    assert ", & N20, A. (2000). T." in reference_apa(twenty)


def test_reference_no_year():
    w = Work(title="Tittel", authors=("Lie, Ola",), degree="Bachelor")
    assert reference_apa(w) == "Lie, O. (n.d.). Tittel [Bacheloroppgave]."


def test_reference_no_author_moves_title_first():
    w = Work(title="Barn i barnevernet", year="2015", institution="NTNU", degree="Master i barnevern")
    assert reference_apa(w) == "Barn i barnevernet. (2015). [Masteroppgave, NTNU]."


def test_reference_no_title():
    w = Work(authors=("Øydgard, Guro",), institution="Universitetet i Nordland",
             degree="Master i rehabilitering", doc="003_5d318866ea7f4178.txt")
    assert reference_apa(w) == (
        "Øydgard, G. (n.d.). [Uten tittel] [Masteroppgave, Universitetet i Nordland].")


def test_reference_no_author_no_title():
    w = Work(degree="Bachelor i sosialt arbeid", doc="002_70b37341d0292a91.txt")
    assert reference_apa(w) == "002_70b37341d0292a91 [Uten tittel]. (n.d.). [Bacheloroppgave]."
    assert reference_apa(Work(doc="000_x.txt")) == "000_x [Uten tittel]. (n.d.)."


def test_reference_title_ending_in_question_mark():
    w = Work(title="Hva nå?", authors=("Lie, Ola",), year="2001")
    assert reference_apa(w) == "Lie, O. (2001). Hva nå?"


# --- BibTeX -----------------------------------------------------------------------------------

def test_ascii_fold():
    assert ascii_fold("Ærlig Øydgård-Åsen Müller Čapek") == "Aerlig Oydgard-Asen Muller Capek"


def test_bibtex_master():
    assert bibtex(ONE) == (
        "@mastersthesis{hansen2019_010,\n"
        "  author = {Hansen, Kari Marie},\n"
        "  title = {Mestring i hverdagen},\n"
        "  school = {Universitetet i Oslo},\n"
        "  type = {Masteroppgave},\n"
        "  year = {2019}\n"
        "}\n")


def test_bibtex_bachelor_is_misc_with_note():
    assert bibtex(TWO) == (
        "@misc{hansen2018_011,\n"
        "  author = {Hansen, Kari and Berg, Per},\n"
        "  title = {Samarbeid},\n"
        "  note = {Bacheloroppgave, Nord universitet},\n"
        "  year = {2018}\n"
        "}\n")


def test_bibtex_phd():
    w = Work(title="T", authors=("Lie, Ola",), year="2005", institution="UiB", degree="Ph.d.",
             doc="030_q.txt")
    assert bibtex(w).startswith("@phdthesis{lie2005_030,\n")
    assert "  type = {Doktoravhandling},\n" in bibtex(w)


def test_bibtex_key_folds_norwegian_letters():
    w = Work(authors=("Øydgard, Guro",), doc="003_5d318866ea7f4178.txt")
    assert bibtex_key(w) == "oydgardnd_003"
    w = Work(authors=("Bjørnstad-Ærø, Åse",), year="2011", doc="007_z.txt")
    assert bibtex_key(w) == "bjornstadaero2011_007"
    assert bibtex_key(Work(doc="000_56c.txt")) == "anonnd_000"
    assert bibtex_key(Work(authors=("Lie, Ola",), year="2001")) == "lie2001"


def test_bibtex_keeps_unicode_in_values():
    w = Work(authors=("Øydgard, Guro",), institution="Universitetet i Nordland",
             degree="Master i rehabilitering", doc="003_5d318866ea7f4178.txt")
    assert bibtex(w) == (
        "@mastersthesis{oydgardnd_003,\n"
        "  author = {Øydgard, Guro},\n"
        "  school = {Universitetet i Nordland},\n"
        "  type = {Masteroppgave}\n"
        "}\n")


def test_bibtex_escaping():
    assert bibtex_escape("a{b}c%d&e$f#g_h") == r"a\{b\}c\%d\&e\$f\#g\_h"
    assert bibtex_escape("a\\b~c^d") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}d"
    w = Work(title="Rus & psykisk helse: 50% {mer}", authors=("Lie, Ola",), year="2001",
             institution="Høgskolen i Oslo & Akershus", degree="Master", doc="040_x.txt")
    text = bibtex(w)
    assert "  title = {Rus \\& psykisk helse: 50\\% \\{mer\\}},\n" in text
    assert "  school = {Høgskolen i Oslo \\& Akershus},\n" in text


def test_bibtex_no_fields():
    assert bibtex(Work(doc="000_56c92893e0805444.txt")) == "@misc{anonnd_000,\n}\n"


# --- RIS --------------------------------------------------------------------------------------

def test_ris_full_record():
    assert ris(ONE) == (
        "TY  - THES\n"
        "AU  - Hansen, Kari Marie\n"
        "TI  - Mestring i hverdagen\n"
        "PY  - 2019\n"
        "PB  - Universitetet i Oslo\n"
        "M3  - Masteroppgave\n"
        "N1  - 010_abc123.txt\n"
        "ER  - \n")


def test_ris_structure():
    lines = ris(THREE).split("\n")
    assert lines[0] == "TY  - THES"
    assert lines[-2:] == ["ER  - ", ""]  # LF line ends, final newline
    assert [l for l in lines if l.startswith("AU  - ")] == [
        "AU  - Hansen, Kari", "AU  - Berg, Per", "AU  - Lie, Ola"]
    assert not any(l.startswith(("PB", "M3")) for l in lines)  # unknown fields left out
    assert "\r" not in ris(THREE)


# --- the real catalog ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog() -> dict[str, Work]:
    from indexer.catalog import load_catalog

    return {doc: Work(title=m.title, authors=tuple(m.authors), year=m.year, institution=m.institution,
                      degree=m.degree, doc=doc) for doc, m in load_catalog(CATALOG).items()}


def _by_prefix(catalog: dict[str, Work], prefix: str) -> Work:
    (work,) = [w for doc, w in catalog.items() if doc.startswith(prefix)]
    return work


def test_catalog_two_authors(catalog):
    w = _by_prefix(catalog, "001_")
    assert in_text_apa(w, 12) == "(Fugletveit & Tonholm, 2010, s. 12)"
    assert in_text_norwegian(w, 12) == "(Fugletveit og Tonholm, 2010, s. 12)"
    assert reference_apa(w) == "Fugletveit, R., & Tonholm, T. (2010). [Uten tittel]."
    assert bibtex_key(w) == "fugletveit2010_001"


def test_catalog_no_year(catalog):
    w = _by_prefix(catalog, "003_")
    assert citation_strings(w, 40) == {
        "apa": "(Øydgard, n.d., s. 40)",
        "norwegian": "(Øydgard, u.å., s. 40)",
        "reference_apa": "Øydgard, G. (n.d.). [Uten tittel] [Masteroppgave, Universitetet i Nordland].",
    }


def test_catalog_no_author_no_year(catalog):
    w = _by_prefix(catalog, "000_")
    assert in_text_apa(w, 2) == "(000_56c92893e0805444, n.d., s. 2)"
    assert in_text_norwegian(w, 2) == "(000_56c92893e0805444, u.å., s. 2)"


def test_every_catalog_entry_yields_citations(catalog):
    assert catalog
    for doc, w in catalog.items():
        strings = citation_strings(w, 1)
        assert all(strings.values()), doc
        if not w.year:
            assert "n.d." in strings["apa"] and "u.å." in strings["norwegian"], doc
        record = ris(w)
        assert record.startswith("TY  - THES\n") and record.endswith("ER  - \n"), doc
        assert record.count("AU  - ") == len(w.authors), doc
        assert bibtex(w).startswith("@"), doc
