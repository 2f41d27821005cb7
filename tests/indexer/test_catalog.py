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
