"""The upload setting (ui.upload): off on a server listening beyond localhost unless switched on."""
from __future__ import annotations

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP
from ui import loader, upload
from ui.strings import STRINGS

TIMEOUT = 60


@pytest.fixture
def tab_names(monkeypatch, engine, built_index):
    """The app's tab labels over the session index, under a server address and an upload setting."""
    def run(address: str, setting: str | None) -> list[str]:
        monkeypatch.setenv(loader.ENV_VAR, str(built_index))
        if setting is None:
            monkeypatch.delenv(upload.UPLOAD_VAR, raising=False)
        else:
            monkeypatch.setenv(upload.UPLOAD_VAR, setting)
        previous = config.get_option("server.address")
        config.set_option("server.address", address)  # what `streamlit run --server.address` sets
        try:
            at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
        finally:
            config.set_option("server.address", previous)
        assert not at.exception, at.exception
        return [tab.label for tab in at.tabs]

    return run


@pytest.mark.parametrize("address, setting, shown", [
    ("localhost", None, True), ("127.0.0.1", None, True), ("", None, False), ("0.0.0.0", None, False),
    ("10.0.0.5", None, False), ("0.0.0.0", "on", True), ("localhost", "off", False),
])
def test_upload_tab_follows_the_setting(tab_names, address, setting, shown):
    names = tab_names(address, setting)
    assert names[0] == ":material/search: Spør" and ":material/library_books: Korpus" in names
    assert (":material/upload_file: Legg til" in names) is shown


def test_the_upload_widget_states_the_limit_the_library_enforces():
    """Streamlit prints its own per-file limit under the widget; it must be ours (qa.library)."""
    import tomllib

    from qa.library import MAX_FILE_BYTES

    settings = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["maxUploadSize"] * 2**20 == MAX_FILE_BYTES
    assert all(f"{MAX_FILE_BYTES // 2**20} MB" in text for text in STRINGS["st_upload_limit"].values())


def test_adding_without_a_file_says_what_to_do(monkeypatch, engine, built_index):
    monkeypatch.setenv(loader.ENV_VAR, str(built_index))
    monkeypatch.setenv(upload.UPLOAD_VAR, "on")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    next(b for b in at.button if b.label == STRINGS["upload_add"]["nb"]).click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [STRINGS["upload_no_files"]["nb"]]
