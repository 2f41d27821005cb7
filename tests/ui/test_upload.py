"""The upload tab (ui.upload): off on a server listening beyond localhost unless switched on; a
broken catalog never costs the user's file; an outcome is shown to the session that uploaded only."""
from __future__ import annotations

import re
import time

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

import qa.library
from qa.library import current_job
from tests.conftest import writable_copy
from tests.qa.test_library import broken_catalog_corpus, small_thesis_pdf
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
    assert names[0] == "Spør" and "Korpus" in names  # no icon: its name was read out as part of the tab's
    assert ("Legg til" in names) is shown


def test_the_upload_widget_states_the_limit_the_library_enforces(monkeypatch):
    """Streamlit's own limit is above the library's, so that a file a little over 50 MB reaches the
    library's check (told in the interface language), not Streamlit's English "File must be 50.0MB
    or smaller."; Streamlit's note under the widget and its refusal of a file over its own limit
    are shown in our words, with the library's limit."""
    import tomllib

    from qa.library import MAX_FILE_BYTES
    from ui import page

    settings = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    widget_mb = settings["server"]["maxUploadSize"]
    assert widget_mb * 2**20 >= 2 * MAX_FILE_BYTES
    limit = f"{MAX_FILE_BYTES // 2**20} MB"
    assert all(limit in text for key in ("st_upload_limit", "st_upload_too_large") for text in STRINGS[key].values())
    monkeypatch.setattr(config, "get_option", lambda name: widget_mb if name == "server.maxUploadSize" else None)
    for lang in ("nb", "en"):
        labels = page.labels(lang)
        assert labels[f"{widget_mb}MB per file"] == STRINGS["st_upload_limit"][lang]
        assert labels[f"File must be {widget_mb:.1f}MB or smaller."] == STRINGS["st_upload_too_large"][lang]
        assert labels["Error:"] == STRINGS["st_error"][lang]


def test_a_pdf_over_the_limit_is_refused_in_the_interface_language(monkeypatch, engine, built_index, tmp_path):
    """52 MB: more than qa.library takes, less than the widget's limit; the page says why, in Norwegian."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    monkeypatch.setenv(loader.ENV_VAR, str(built_index))
    monkeypatch.setenv(upload.UPLOAD_VAR, "on")
    monkeypatch.setenv(upload.CORPUS_VAR, str(corpus))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.file_uploader(key="upload_files").set_value([("stor.pdf", b"%PDF-1.4\n" + bytes(52 * 2**20), "application/pdf")])
    next(b for b in at.button if b.label == STRINGS["upload_add"]["nb"]).click().run()
    assert not at.exception, at.exception
    assert [w.value.replace("\\", "") for w in at.warning] == [  # Markdown escapes undone
        "Ikke lagt til: stor.pdf (for stor (52,0 MB; høyst 50 MB))"]
    assert list(corpus.iterdir()) == []


def test_adding_without_a_file_says_what_to_do(monkeypatch, engine, built_index):
    monkeypatch.setenv(loader.ENV_VAR, str(built_index))
    monkeypatch.setenv(upload.UPLOAD_VAR, "on")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    next(b for b in at.button if b.label == STRINGS["upload_add"]["nb"]).click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [STRINGS["upload_no_files"]["nb"]]


def _session(monkeypatch, index, corpus) -> AppTest:
    """A new browser session of the app over `index`, uploads going into `corpus`."""
    monkeypatch.setenv(loader.ENV_VAR, str(index))
    monkeypatch.setenv(upload.UPLOAD_VAR, "on")
    monkeypatch.setenv(upload.CORPUS_VAR, str(corpus))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(name, data, "application/pdf") for name, data in files])
    next(b for b in at.button if b.label == STRINGS["upload_add"]["nb"]).click().run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> list[str]:
    """The texts the page shows (Markdown escapes undone), progress bars' texts included."""
    texts = [str(e.value) for kind in (at.success, at.error, at.warning, at.info, at.markdown, at.caption) for e in kind]
    texts += [p.proto.text for p in at.get("progress")]
    return [re.sub(r"\\(.)", r"\1", text) for text in texts]


def _wait_for_build(index, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while current_job(index) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert current_job(index) is None, f"the build did not finish in {seconds} s"


def test_a_broken_catalog_refuses_the_upload_and_keeps_no_file(monkeypatch, engine, built_index, tmp_path):
    corpus, line = broken_catalog_corpus(tmp_path)
    before = sorted(p.name for p in corpus.iterdir())
    at = _upload(_session(monkeypatch, built_index, corpus),
                 [("Birøkt på Vestlandet.pdf", small_thesis_pdf(tmp_path / "src.pdf").read_bytes())])
    errors = [text for text in _shown(at) if text in {re.sub(r"\\(.)", r"\1", str(e.value)) for e in at.error}]
    assert len(errors) == 1 and errors[0].startswith(
        f"Ikke lagt til: katalogen corpus/catalog.toml har en feil på linje {line} (på engelsk: ")
    assert errors[0].endswith("). Ingen oppgaver kan indekseres før katalogen er rettet.")
    assert not any(str(tmp_path) in text for text in _shown(at))
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_a_build_failing_on_the_catalog_keeps_the_file_and_says_so(monkeypatch, engine, built_index, tmp_path):
    """The catalog broken after the upload was checked: the build fails as a whole (before it
    touches the index), and the page says why and that the file stays for the next build."""
    corpus, line = broken_catalog_corpus(tmp_path)
    monkeypatch.setattr(qa.library, "catalog_problem", lambda corpus_dir: "", raising=False)
    pdf = small_thesis_pdf(tmp_path / "src.pdf").read_bytes()
    at = _upload(_session(monkeypatch, built_index, corpus), [("Birøkt på Vestlandet.pdf", pdf)])
    _wait_for_build(built_index, 120)
    at.run()
    assert not at.exception, at.exception
    errors = [re.sub(r"\\(.)", r"\1", str(e.value)) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(
        f"Indekseringen mislyktes: katalogen corpus/catalog.toml har en feil på linje {line} (på engelsk: "), errors
    assert errors[0].endswith("). Filene ligger fortsatt i korpuset og indekseres ved neste vellykkede indeksering: "
                              "opplastet-birøkt-på-vestlandet.pdf"), errors
    assert "year must be a year like 2019" in errors[0] and str(tmp_path) not in errors[0]
    assert (corpus / "opplastet-birøkt-på-vestlandet.pdf").read_bytes() == pdf


def test_an_upload_outcome_is_shown_only_to_the_session_that_made_it(monkeypatch, engine, encoder, corpus_copy,
                                                                     built_index, tmp_path):
    import qa

    corpus, index = writable_copy(corpus_copy, built_index, tmp_path)
    qa.load(index, encoder=encoder)  # the app shares this engine instead of loading the model
    pdf = small_thesis_pdf(tmp_path / "src.pdf").read_bytes()
    mine = _upload(_session(monkeypatch, index, corpus),
                   [("Birøkt på Vestlandet.pdf", pdf), ("halv.pdf", pdf[: len(pdf) // 2])])
    names = ("opplastet-birøkt-på-vestlandet.pdf", "opplastet-halv.pdf")
    assert current_job(index) is not None, _shown(mine)
    assert any(text.startswith("Indekserer opplastet-birøkt") for text in _shown(mine)), _shown(mine)
    other = _session(monkeypatch, index, corpus)  # another browser, while the build runs
    assert not any(name in text for name in names for text in _shown(other)), _shown(other)
    assert "Andre oppgaver indekseres nå. Du kan legge til flere når det er ferdig." in _shown(other)
    assert not other.file_uploader  # one build at a time: no picker meanwhile
    _wait_for_build(index)
    mine.run()
    assert [s.value for s in mine.success] == [STRINGS["upload_added"]["nb"].format(name=names[0]).replace("-", "\\-")
                                               .replace(".", "\\.")]
    assert [e.value for e in mine.error][0].startswith("Ikke indeksert")
    for late in (other.run(), _session(monkeypatch, index, corpus)):  # the other session, and one opened after
        assert not late.exception, late.exception
        assert not late.success and not late.error, _shown(late)
        assert not any(name in text for name in names for text in _shown(late)), _shown(late)
        assert late.file_uploader(key="upload_files")
