"""Issue 22 class 5 in the browser: the app says why the index cannot be loaded, never a traceback.

For each case a `streamlit run app.py` serves the broken index and headless Chromium (Playwright,
the fixtures of tests/ui/test_browser.py) loads the page: it shows "Indeksen kunne ikke lastes."
with the message the command line prints, and no traceback or server source path.
"""
from __future__ import annotations

import json

import pytest

from store.layout import CURRENT, MANIFEST, current_snapshot
from tests.ui.test_browser import FIRST_LOAD, browser, page, streamlit  # noqa: F401 (fixtures)


def index_is_a_file(index):
    index.rename(index.with_name("moved"))
    index.write_text("not a folder")


def current_out_of_snapshots(index):
    (index / CURRENT).write_text("../..\n")


def model_id_a_hub_name(index):
    path = current_snapshot(index) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["model_id"] = "someone/not-a-real-model"
    path.write_text(json.dumps(manifest), encoding="utf-8")


CASES = {
    "index is a file": (index_is_a_file, "is a file, not an index folder"),
    "CURRENT ../..": (current_out_of_snapshots, "which is not a snapshot folder"),
    "manifest model_id a hub name": (model_id_a_hub_name, "cannot be loaded here"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_page_shows_the_message_not_a_traceback(fake, page, tmp_path, case):  # noqa: F811
    damage, message = CASES[case]
    index = fake[1]
    damage(index)
    with streamlit(index, tmp_path / "streamlit.log") as url:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("Indeksen kunne ikke lastes.").wait_for(timeout=FIRST_LOAD)
        page.get_by_text(message).first.wait_for()
        body = page.locator("body").inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body and 'File "/' not in body and ".py\", line" not in body, body
