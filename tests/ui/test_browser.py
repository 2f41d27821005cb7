"""What a person sees: Debian's headless Chromium, driven by Playwright, against `streamlit run app.py`.

Two servers run for this module: one over the session index, one over a one-thesis index whose
text and metadata hold HTML. Screenshots and the downloaded JSON land in tests/artifacts/
(git-ignored). Skipped when /usr/bin/chromium is missing (`apt-get install chromium`).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.ui.conftest import APP, HOSTILE_FILE, HOSTILE_INSTITUTION, HOSTILE_TITLE, REPO

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install playwright)")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START = 90  # seconds for `streamlit run` to answer its health check
FIRST_LOAD = 180_000  # ms for the first page load (it loads the model and the index)
STEP = 60_000  # ms for any later step
PLACEHOLDER = "Skriv et spørsmål på norsk eller engelsk og trykk Enter"
NO_QUESTION = "Hvilke former for sosial støtte skiller Schiefloe mellom?"
EN_QUESTION = "How can social networks help people recover from addiction?"
FILTER_QUESTION = "Hva er sosial støtte?"
FILTER_DOC = "001_5f65321a06df774d.txt"


# --- server and browser ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout:.0f} s")


@contextmanager
def streamlit(index: Path, log: Path, *, warm: bool = False) -> Iterator[str]:
    """`streamlit run app.py` (`warm`: `python -m ui.serve`, as `make run` starts it) over `index` on a
    free local port; yields its URL, stops it after."""
    port = free_port()
    env = {**os.environ, "TESESOK_INDEX": str(index), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    launcher = ["-m", "ui.serve"] if warm else ["-m", "streamlit", "run", str(APP)]
    command = [sys.executable, *launcher, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--client.toolbarMode", "viewer"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, process, SERVER_START * (2 if warm else 1))  # warm: the model loads first
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture(scope="module")
def server(built_index, artifacts) -> Iterator[str]:
    with streamlit(built_index, artifacts / "streamlit-corpus.log") as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server(hostile_index, artifacts) -> Iterator[str]:
    with streamlit(hostile_index, artifacts / "streamlit-hostile.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context with a fresh profile; downloads allowed."""
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="nb-NO")
        context.set_default_timeout(STEP)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser):
    """A new tab that records every JavaScript dialog (alert, confirm, …) it is shown."""
    tab = browser.new_page()
    tab.dialogs = []

    def on_dialog(dialog) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def thesis_texts(built_index) -> list[str]:
    from store.reader import open_index

    with open_index(built_index, vectors=False) as snapshot:
        return [row["text"] for row in snapshot.query("SELECT text FROM theses")]


# --- page helpers ----------------------------------------------------------------------------

def open_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=FIRST_LOAD)
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run (its 'running' indicator is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=STEP)


def ask(page, question: str) -> None:
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    box.press("Enter")
    page.locator(".ts-question q").filter(has_text=question).wait_for()
    wait_idle(page)


def shot(page, artifacts: Path, name: str, height: int | None = None) -> None:
    """Save a screenshot; with `height`, the window is made that tall first to show more."""
    if height:
        page.set_viewport_size({"width": 1280, "height": height})
        page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / f"{name}.png"))
    if height:
        page.set_viewport_size({"width": 1280, "height": 900})


OVERFLOWING = """root => [root, ...root.querySelectorAll('*')]
    .filter(e => (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
                 || e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => `${e.tagName.toLowerCase()} ${e.scrollWidth}>${e.clientWidth}: ${e.textContent.trim().slice(0, 50)}`)"""


def overflowing(element) -> list[str]:
    """What in `element` (a locator for one element, itself included) holds more than it shows,
    cut off ("…", clipped) or behind a sideways scroll, or runs past the window's right edge."""
    return element.evaluate(OVERFLOWING)


def check_answer_with_verbatim_quote(page, thesis_texts: list[str]) -> None:
    assert page.locator(".ts-answer").count() == 1
    assert page.locator(".ts-head").count() >= 1
    marks = page.locator("mark.ts-quote")
    assert marks.count() >= 1
    for i in range(marks.count()):
        quote = marks.nth(i).text_content()
        assert quote and any(quote in text for text in thesis_texts), quote


# --- tests -----------------------------------------------------------------------------------

def test_first_visit(page, server, artifacts):
    open_app(page, server)
    shot(page, artifacts, "01-first-visit")
    assert page.get_by_role("heading", name="Tesesøk").is_visible()
    assert page.get_by_text("Skriv et spørsmål over.").is_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Filtre").is_visible()
    assert sidebar.get_by_text("Antall kilder").is_visible()


def test_corpus_tab(page, server, artifacts, thesis_texts):
    open_app(page, server)
    page.get_by_role("tab", name="Korpus").click()
    page.get_by_role("heading", name="Oppgavene i indeksen").wait_for()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Oppgaver")
    assert metric.locator('[data-testid="stMetricValue"]').inner_text() == str(len(thesis_texts))
    page.wait_for_timeout(500)
    shot(page, artifacts, "08-corpus-tab", height=1300)


def test_norwegian_question(page, server, artifacts, thesis_texts):
    open_app(page, server)
    ask(page, NO_QUESTION)
    check_answer_with_verbatim_quote(page, thesis_texts)
    shot(page, artifacts, "02-norwegian-answer", height=2000)
    page.set_viewport_size({"width": 1280, "height": 2600})
    first_card = page.locator(".st-key-source-1")
    first_card.locator('[data-testid="stExpander"] summary').click()
    page.locator(".ts-context-label").first.wait_for()
    page.wait_for_timeout(500)
    first_card.screenshot(path=str(artifacts / "03-source-card-with-context.png"))
    assert not page.dialogs


def test_english_question_and_interface(page, server, artifacts, thesis_texts):
    open_app(page, server)
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.get_by_placeholder("Type a question in Norwegian or English and press Enter").wait_for()
    wait_idle(page)
    box = page.get_by_placeholder("Type a question in Norwegian or English and press Enter")
    box.fill(EN_QUESTION)
    box.press("Enter")
    page.locator(".ts-question q").filter(has_text=EN_QUESTION).wait_for()
    wait_idle(page)
    check_answer_with_verbatim_quote(page, thesis_texts)
    assert page.get_by_role("heading", name="Sources").is_visible()
    shot(page, artifacts, "04-english-answer", height=1600)


def test_thesis_filter(page, server, artifacts):
    open_app(page, server)
    ask(page, FILTER_QUESTION)
    docs_before = {page.locator(".ts-work").nth(i).inner_text().rsplit(" · ", 1)[-1]
                   for i in range(page.locator(".ts-work").count())}
    assert docs_before != {FILTER_DOC}
    theses = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    theses.locator("input").click()
    page.get_by_role("option", name=FILTER_DOC[:3], exact=False).first.click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "doc => { const w = [...document.querySelectorAll('.ts-work')];"
        " return w.length > 0 && w.every(e => e.textContent.endsWith(doc)); }", arg=FILTER_DOC, timeout=STEP)
    wait_idle(page)
    works = page.locator(".ts-work")
    assert works.count() >= 1
    assert all(works.nth(i).inner_text().endswith(FILTER_DOC) for i in range(works.count()))
    shot(page, artifacts, "05-thesis-filter", height=1400)


@pytest.fixture(scope="module")
def question_per_level(built_index, encoder) -> dict[str, str]:
    """For each confidence level, the Norwegian project question (dev, unanswerable) that the shipped
    thresholds put deepest inside that level, so that the server's query precision cannot move it."""
    from qa.answer import ask as answer
    from qa.engine import Engine
    from qa.evaluation.evaluate import load_questions

    engine = Engine(built_index, encoder=encoder)
    thresholds = engine.params.confidence_thresholds(encoder.model_id, encoder.dtype)
    none_below, high_from = thresholds.none_below["no"], thresholds.high_from["no"]
    best: dict[str, tuple[float, str]] = {}
    for name in ("dev.jsonl", "unanswerable.jsonl"):
        for q in load_questions(REPO / "eval" / name):
            if q["lang"] != "no":
                continue
            confidence = answer(engine, q["question"], k=10).confidence
            depth = min(abs(confidence.score - none_below), abs(confidence.score - high_from))
            if depth > best.get(confidence.level, (-1.0, ""))[0]:
                best[confidence.level] = (depth, q["question"])
    engine.close()
    assert set(best) == {"high", "low", "none"}, best
    return {level: question for level, (_, question) in best.items()}


def test_the_three_confidence_levels(page, server, artifacts, thesis_texts, question_per_level):
    """A `high` answer says it is well supported, a `low` one is shown with the marker and why,
    `none` says that the corpus holds no answer and lists the nearest passages instead."""
    supported, marker, absent = "Godt belegg", "Usikkert svar", "Fant ikke noe svar i korpuset."
    open_app(page, server)
    for level in ("high", "low", "none"):
        ask(page, question_per_level[level])
        main = page.locator('[data-testid="stMain"]')
        if level == "none":
            assert main.get_by_text(absent).is_visible() and page.locator(".ts-answer").count() == 0
            assert page.get_by_role("heading", name="Nærmeste passasjer").is_visible()
        else:
            check_answer_with_verbatim_quote(page, thesis_texts)
            assert main.get_by_text(marker).count() == (level == "low") and main.get_by_text(absent).count() == 0
            assert main.get_by_text(supported).count() == (level == "high")
        shot(page, artifacts, f"09-confidence-{level}", height=1400)


def test_a_low_answer_names_the_words_no_thesis_uses(page, server, artifacts, thesis_texts):
    open_app(page, server)
    ask(page, "Hvordan opplever samiske rusbrukere møtet med hjelpeapparatet?")
    check_answer_with_verbatim_quote(page, thesis_texts)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="Usikkert svar")
    assert alert.get_by_text("Oppgavene bruker aldri disse ordene fra spørsmålet: «samiske».").is_visible()
    shot(page, artifacts, "09-confidence-low-unknown-words")


def test_download_json(page, server, artifacts):
    open_app(page, server)
    ask(page, NO_QUESTION)
    button = page.locator('[data-testid="stDownloadButton"] button').filter(has_text="JSON")
    with page.expect_download(timeout=STEP) as download:
        button.click()
    target = artifacts / "answer.json"
    download.value.save_as(str(target))
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["question"] == NO_QUESTION
    assert payload["passages"] and payload["passages"][0]["citation"]["apa"].startswith("(")
    assert download.value.suggested_filename.endswith(".json")


def test_question_with_script_is_shown_as_text(page, server, artifacts):
    open_app(page, server)
    question = "<script>alert(1)</script>"
    ask(page, question)
    page.wait_for_timeout(1000)
    assert page.locator(".ts-question q").inner_text() == question
    assert page.locator(".ts-question script").count() == 0
    assert not page.dialogs
    shot(page, artifacts, "06-script-question")


def test_thesis_with_html_is_shown_as_text(page, hostile_server, artifacts):
    open_app(page, hostile_server)
    ask(page, "Hva skrev informantene i skjemaet?")
    page.wait_for_timeout(1000)
    card = page.locator(".ts-passage").filter(has_text="onerror").first
    text = card.inner_text()
    assert "<img src=x onerror=alert(1)>" in text and "<b>fet</b>" in text
    assert card.locator("img, b").count() == 0
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('img[src="x"], script:not(#ts-page-script)').count() == 0  # ui.page's own script aside
    assert "<i>Kari</i> Hansen (2021)" in page.locator(".ts-head").first.inner_text()
    assert HOSTILE_FILE in page.locator(".ts-work").first.inner_text()
    assert not page.dialogs
    shot(page, artifacts, "07-html-in-thesis", height=1400)
    # "Les en oppgave": the catalog's title and institution (Markdown, $math$, a link) as written
    page.get_by_role("tab", name="Les en oppgave").click()
    wait_idle(page)
    panel = main.get_by_role("tabpanel", name="Les en oppgave")
    title = panel.locator("h2").first
    assert title.inner_text().replace("\u2060", "") == HOSTILE_TITLE  # an invisible word joiner unlinks the address
    assert HOSTILE_INSTITUTION in panel.inner_text().replace("\u2060", "")
    assert main.locator("a[href*='example.org'], .katex, em, img[src='x']").count() == 0  # the corpus table too
    assert not page.dialogs
    shot(page, artifacts, "07b-markdown-in-catalog", height=1000)
