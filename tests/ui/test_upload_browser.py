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


def test_a_pdf_over_the_limit_is_refused_in_norwegian(page, upload_server, tmp_path):  # noqa: F811
    """52 MB (over qa.library's 50, under the widget's own limit): the app's reason; 101 MB (over the
    widget's limit too): Streamlit refuses it before the upload, in our words, not "Error: File must be …"."""
    url, corpus = upload_server
    big, huge = tmp_path / "stor.pdf", tmp_path / "enorm.pdf"
    for path, mb in ((big, 52), (huge, 101)):
        with path.open("wb") as out:
            out.write(b"%PDF-1.4\n")
            out.truncate(mb * 2**20)
    open_app(page, url)
    page.get_by_role("tab", name="Legg til").click()
    uploader = page.locator('[data-testid="stFileUploader"]')
    uploader.locator('input[type="file"]').set_input_files(str(big))
    uploader.get_by_text("stor.pdf").wait_for()
    wait_idle(page)
    assert uploader.get_by_role("alert").count() == 0  # Streamlit lets it through to the app's check
    chip = uploader.locator('[data-testid="stFileChip"]')  # the chosen file, its size and its remove button
    size = re.compile(r"\d+,\d MB")  # Streamlit's "54.5MB" (decimal megabytes) written the Norwegian way
    assert size.fullmatch(chip.get_attribute("aria-label").removeprefix("stor.pdf, "))
    assert size.search(chip.inner_text())
    chip.get_by_role("button", name="Fjern stor.pdf").wait_for()  # "Avbryt opplastingen av stor.pdf" until sent
    page.get_by_role("button", name="Legg til og indekser").click()
    page.get_by_text("Ikke lagt til: stor.pdf (for stor (52,0 MB; høyst 50 MB))", exact=True).wait_for()
    uploader.locator('input[type="file"]').set_input_files(str(huge))
    alert = uploader.get_by_role("alert")
    alert.wait_for()
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stFileUploader"] [role="alert"]')]
        .every(e => !e.textContent.includes('File must be'))""", timeout=5000)
    assert " ".join(alert.inner_text().split()) == "Feil: Fila er for stor: høyst 50 MB."
    assert not [p for p in corpus.iterdir() if p.name.startswith("opplastet-stor") or p.name.startswith("opplastet-enorm")]
