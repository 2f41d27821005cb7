"""Fixtures for the app's tests: one engine over the session index, a tiny hostile corpus, AppTest."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
ARTIFACTS = REPO / "tests" / "artifacts"

HOSTILE_FILE = "999_hostile.txt"
HOSTILE_LINES = (
    " Sammendrag ",
    "Denne oppgaven handler om rus og fellesskap i norske byer. Vi ser på hvordan ",
    "sosialt nettverk påvirker veien ut av rusavhengighet. ",
    "   ",
    " 1 Innledning ",
    "Noen informanter skrev koden <img src=x onerror=alert(1)> i et skjema, og andre ",
    "markerte ord som <b>fet</b> i svarene sine om rusfrie venner. ",
    "Fellesskapet i gatelaget ga informantene en ny identitet uten rus og en hverdag ",
    "med faste treningstider, og mange fortalte at vennskapet var viktigst. ",
)
# Markdown, math and a link beside the HTML: st.header and st.caption render Markdown (ui.thesis_view).
HOSTILE_TITLE = ("Rus <b>og</b> fellesskap <img src=x onerror=alert(2)>: $CO_2$-avgiften *konsekvenser* "
                 "[se nettside](https://example.org) for Stavanger")
HOSTILE_INSTITUTION = "Universitetet <script>alert(3)</script> i _Stavanger_ [lenke](https://example.org)"
HOSTILE_CATALOG = f"""["{HOSTILE_FILE}"]
title = "{HOSTILE_TITLE}"
authors = ["Hansen, <i>Kari</i>"]
year = 2021
institution = "{HOSTILE_INSTITUTION}"
degree = "Master i sosialt arbeid"
language = "nb"
"""


@pytest.fixture(scope="session")
def engine(built_index, encoder):
    """The shared engine (`qa.load`) over the session's index, with the session's encoder."""
    import qa

    return qa.load(built_index, encoder=encoder)


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory, encoder) -> Path:
    """A one-thesis index whose text and catalog entry hold HTML and script tags."""
    from indexer.build import build_index

    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / HOSTILE_FILE).write_text("".join(line + "\n\n" for line in HOSTILE_LINES), encoding="utf-8")
    (corpus / "catalog.toml").write_text(HOSTILE_CATALOG, encoding="utf-8")
    report = build_index(corpus, tmp_path_factory.mktemp("hostile") / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    return report.snapshot.parent.parent


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The git-ignored folder where tests leave screenshots and downloads."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
