from __future__ import annotations

from pathlib import Path

import pytest

from indexer.catalog import load_catalog
from store.records import ThesisMeta
from indexer.errors import CatalogError

REAL_CATALOG = Path(__file__).resolve().parents[2] / "corpus" / "catalog.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_real_catalog_loads_and_names_corpus_files():
    catalog = load_catalog(REAL_CATALOG)
    corpus_files = {p.name for p in REAL_CATALOG.parent.glob("*.txt")}
    assert catalog, "corpus/catalog.toml is missing or empty"
    assert set(catalog) <= corpus_files
    for meta in catalog.values():
        assert isinstance(meta, ThesisMeta)
        assert all(isinstance(a, str) and a for a in meta.authors)
        assert meta.year is None or 1900 < meta.year < 2100


def test_fields_are_read(tmp_path):
    path = write(tmp_path, '''
["a.txt"]
title = " Rus og arbeid "
authors = ["Nordmann, Kari", "Hansen, Per"]
year = 2019
institution = "Høgskolen i Oslo"
degree = "master"
language = "no"
evidence = "Forord, s. 2"
keep_personal_data = true

["b.txt"]
year = ""
''')
    catalog = load_catalog(path)
    assert catalog["a.txt"] == ThesisMeta(
        title="Rus og arbeid", authors=["Nordmann, Kari", "Hansen, Per"], year=2019,
        institution="Høgskolen i Oslo", degree="master", language="no", keep_personal_data=True)
    assert catalog["b.txt"] == ThesisMeta()


def test_missing_catalog_is_empty(tmp_path):
    assert load_catalog(tmp_path / "nope.toml") == {}


def test_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, '["a.txt"]\ntitle = "x"\nyear = = 2019\n')
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert str(path) in str(info.value)
    assert "line 3" in str(info.value)


def test_unknown_key_is_refused(tmp_path):
    path = write(tmp_path, '["a.txt"]\ntitel = "x"\nforfatter = "y"\n')
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    message = str(info.value)
    assert "titel" in message and "forfatter" in message and "a.txt" in message


@pytest.mark.parametrize("body", [
    'year = "2019"', "year = 2019.5", "authors = 5", 'authors = ["a", 2]', "title = 3",
    'keep_personal_data = "yes"',
])
def test_wrong_types_are_refused(tmp_path, body):
    path = write(tmp_path, f'["a.txt"]\n{body}\n')
    with pytest.raises(CatalogError, match="a.txt"):
        load_catalog(path)


def test_top_level_value_must_be_a_table(tmp_path):
    with pytest.raises(CatalogError, match="must be a table"):
        load_catalog(write(tmp_path, 'title = "x"\n'))


# --- `indexer catalog --suggest` output pasted into the catalog ---------------------------------------

def _master_thesis_pdf(path: Path, author: str = "Kari Nordmann") -> Path:
    """A master's thesis as a real PDF: a title page stating author, degree, institution and term; an
    abstract printed "ii"; the body from 1. The text never calls itself "denne masteroppgaven"."""
    from bench.pdfgen import PageSpec, PdfSpec, write_pdf

    title = PageSpec(["Arbeid og tilhørighet blant unge voksne", "Kari Nordmann", "Masteroppgave i sosiologi",
                      "Institutt for sosiologi", "Universitetet i Bergen", "Vår 2021"], "")
    abstract = PageSpec(["Sammendrag", "Oppgaven handler om arbeid og tilhørighet blant unge voksne i Bergen.",
                         "Jeg har intervjuet tolv unge voksne om hvordan de opplever sin første jobb."], "ii")
    body = PageSpec(["1 Innledning", "Problemstillingen er: Hvordan opplever unge voksne tilhørighet på sin første "
                     "arbeidsplass?", "Studien bygger på kvalitative intervjuer med tolv informanter i Bergen."], "1")
    return write_pdf(PdfSpec([title, abstract, body], front_pages=2, header="Arbeid og tilhørighet", author=author),
                     path)


@pytest.mark.parametrize("author, authors", [
    ("Kari Nordmann", ["Nordmann, Kari"]),
    ("Kari Nordmann og Per Hansen", ["Nordmann, Kari", "Hansen, Per"]),
    ("Kari Nordmann, Per Olav Hansen & Ola Berg", ["Nordmann, Kari", "Hansen, Per Olav", "Berg, Ola"]),
    ("Nordmann, Kari; Hansen, Per", ["Nordmann, Kari", "Hansen, Per"]),
])
def test_suggestions_pasted_into_the_catalog_load_as_the_catalog_states_them(tmp_path, capsys, author, authors):
    """README: copy the printed lines into the thesis's table; `indexer catalog` then accepts them, and
    the citations name the author by surname, the year, and the kind of thesis."""
    from indexer.__main__ import main
    from qa.citation import Work, bibtex, in_text, reference

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _master_thesis_pdf(corpus / "010_arbeid.pdf", author)
    catalog = corpus / "catalog.toml"
    catalog.write_text('["010_arbeid.pdf"]\ninstitution = "Universitetet i Bergen"\n', encoding="utf-8")
    assert main(["catalog", "--suggest", "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    table, lines = '["010_arbeid.pdf"]', out.splitlines()
    pasted = lines[lines.index(table) + 1:]  # the lines under the thesis's table header
    with open(catalog, "a", encoding="utf-8") as f:
        f.write("\n".join(pasted) + "\n")
    assert main(["catalog", "--corpus", str(corpus)]) == 0, capsys.readouterr().err
    meta = load_catalog(catalog)["010_arbeid.pdf"]
    assert meta.year == 2021
    assert meta.authors == authors
    assert meta.degree == "Masteroppgave i sosiologi"
    assert meta.title == "Arbeid og tilhørighet blant unge voksne"
    # the evidence names pages as printed on them: the abstract is "ii", the title page "i"
    assert "s. ii, Sammendrag" in out or "Sammendrag" not in out
    assert "s. 2" not in out and "s. 1:" not in out
    work = Work(title=meta.title, authors=tuple(meta.authors), year=meta.year, institution=meta.institution,
                degree=meta.degree)
    surname = authors[0].split(",")[0]
    assert in_text(work).startswith(f"({surname}") and in_text(work).endswith(", 2021)")
    assert "[Masteroppgave" in reference(work) and "Upublisert" not in reference(work)
    assert bibtex(work).startswith("@mastersthesis{" + surname.lower())


def test_authors_as_a_bare_string_is_refused_naming_the_line(tmp_path):
    path = write(tmp_path, '["a.txt"]\ntitle = "x"\nauthors = "Kari Nordmann"\n')
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    message = str(info.value)
    assert f"{path}, line 3" in message and "a list" in message and '["Etternavn, Fornavn"]' in message
