"""A researcher uploads a PDF in the browser, sees the build's progress while the old index still
answers, and then finds a sentence of the new thesis, cited by its printed page."""
from __future__ import annotations

import re

import pytest

from tests.conftest import writable_copy
from tests.qa.test_library import BODY, small_thesis_pdf
from tests.ui.test_browser import ask, browser, open_app, page, shot, streamlit, wait_idle  # noqa: F401 - fixtures
from ui.upload import CORPUS_VAR, UPLOAD_VAR

BUILD = 600_000  # ms for the background build (loads the model, embeds the new thesis)
SAVED = "opplastet-birøkt-på-vestlandet.pdf"


@pytest.fixture(scope="module")
def upload_server(corpus_copy, built_index, tmp_path_factory, artifacts):
    """The app over writable copies of the session corpus and index, upload left to its default."""
    corpus, index = writable_copy(corpus_copy, built_index, tmp_path_factory.mktemp("upload-app"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CORPUS_VAR, str(corpus))
        patch.delenv(UPLOAD_VAR, raising=False)  # on: the test server listens on 127.0.0.1 only
        with streamlit(index, artifacts / "streamlit-upload.log") as url:
            yield url, corpus


def test_upload_a_pdf_then_find_a_sentence_of_it(page, upload_server, artifacts, tmp_path):  # noqa: F811
    url, corpus = upload_server
    pdf = small_thesis_pdf(tmp_path / "Birøkt på Vestlandet.pdf")
    open_app(page, url)
    page.get_by_role("tab", name="Legg til").click()
    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.get_by_text("50 MB per fil").wait_for()  # Streamlit's own texts in Norwegian, our limit
    assert uploader.get_by_text("Last opp", exact=True).count() == 1 and uploader.get_by_text("Upload", exact=True).count() == 0
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(pdf))
    page.locator('[data-testid="stFileUploader"]').get_by_text(re.compile(r"^Birøkt .*\.pdf$")).wait_for()  # name shortened
    page.get_by_role("button", name="Legg til og indekser").click()
    page.locator('[data-testid="stProgress"]').wait_for()
    shot(page, artifacts, "20-upload-progress")
    page.get_by_role("tab", name="Spør").click()
    ask(page, "Hva er sosial støtte?")  # the old index answers while the build runs
    assert page.locator("mark.ts-quote").count() >= 1
    page.get_by_role("tab", name="Legg til").click()
    page.get_by_text(f"Søkbar nå: {SAVED}").wait_for(timeout=BUILD)
    wait_idle(page)
    shot(page, artifacts, "21-upload-done")
    assert (corpus / SAVED).read_bytes() == pdf.read_bytes()
    page.get_by_role("tab", name="Spør").click()
    ask(page, BODY[1])
    first = page.locator(".st-key-source-1")
    assert BODY[1] in first.locator("mark.ts-quote").first.text_content()
    assert SAVED.removesuffix(".pdf") in first.inner_text() and "s. 1" in first.inner_text()
    shot(page, artifacts, "22-upload-found", height=1600)
    assert not page.dialogs


@pytest.mark.parametrize("language, tab, button, expected", [
    (None, "Legg til", "Legg til og indekser", "Ikke lagt til: notpdf.pdf (ikke en PDF-fil)"),
    ("English", "Add theses", "Add and index", "Not added: notpdf.pdf (not a PDF file)"),
])
def test_a_refused_upload_says_why_in_the_interface_language(page, upload_server, tmp_path,  # noqa: F811
                                                             language, tab, button, expected):
    url, corpus = upload_server
    fake = tmp_path / "notpdf.pdf"
    fake.write_text("<html>not a thesis</html>", encoding="utf-8")
    open_app(page, url)
    if language:
        page.locator('[data-testid="stSidebar"]').get_by_text(language).click()
        wait_idle(page)
    page.get_by_role("tab", name=tab).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(fake))
    page.locator('[data-testid="stFileUploader"]').get_by_text("notpdf.pdf").wait_for()  # uploaded, not only chosen
    wait_idle(page)
    page.get_by_role("button", name=button).click()
    page.get_by_text(expected, exact=True).wait_for()
    assert not (corpus / "opplastet-notpdf.pdf").exists()
