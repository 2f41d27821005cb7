"""The app's logic through Streamlit's AppTest, on the session index (its engine shared through qa.load)."""
from __future__ import annotations

import csv
import io
import json
import re
import string
from html import unescape

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.conftest import abstain_always
from ui.strings import t
from tests.ui.conftest import APP, HOSTILE_INSTITUTION, HOSTILE_TITLE
from ui import loader
from ui.render import markdown_text

TIMEOUT = 60
NO_QUESTION = "Hvilke former for sosial støtte skiller Schiefloe mellom?"
EN_QUESTION = "What four kinds of social support does Schiefloe distinguish?"


@pytest.fixture
def app_for(monkeypatch, engine):
    """A function returning a started AppTest over `index` (the session's index is already loaded
    into qa.load's shared cache by the `engine` fixture, so the app does not load it again)."""
    def start(index) -> AppTest:
        monkeypatch.setenv(loader.ENV_VAR, str(index))
        return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()

    return start


@pytest.fixture
def app(app_for, built_index) -> AppTest:
    at = app_for(built_index)
    assert not at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question)
    at.button[0].click().run()  # the form's submit button (Enter in the browser)
    assert not at.exception, at.exception
    return at


def last_answer(at: AppTest):
    return at.session_state["last_answer"][1]


def cards(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="ts-head"' in h.value]


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in (at.warning, at.info, at.error, at.markdown, at.caption)
                    for e in kind)


# --- asking ----------------------------------------------------------------------------------

def test_first_page_explains_what_to_do(app):
    assert app.title[0].value == "Tesesøk"
    assert "Skriv et spørsmål" in app.info[0].value
    assert app.text_input(key="question").value == ""
    assert len(app.tabs) == 4  # ask, read a thesis, corpus, add theses (localhost only: .streamlit/config.toml)


def test_asking_shows_answer_with_markers_and_source_cards(app, engine):
    ask(app, NO_QUESTION)
    answer = last_answer(app)
    assert not answer.abstained
    answer_html = next(h.value for h in app.html if 'class="ts-answer"' in h.value)
    for number, quote in answer.cited:
        assert f"[{number}]" in answer_html
        assert quote.text in unescape(answer_html)
    shown = cards(app)
    assert len(shown) == len(answer.sources) == 5
    for source, card in zip(answer.sources, shown):
        assert f'<span class="ts-num">{source.number}</span>' in card
        assert source.hit.doc in card
        if source.quote:  # the quoted sentence is highlighted, and is verbatim thesis text
            marked = unescape(re.search(r'<mark class="ts-quote">(.*?)</mark>', card, re.S).group(1))
            assert marked == source.quote.text
            assert marked in engine.thesis_text(source.hit.thesis_id)
            assert f"s. {source.quote.page}" in card
    copies = [c.value for c in app.code]
    assert len(copies) == len(answer.sources)
    assert copies[0].endswith(answer.sources[0].citation["reference_apa"])
    assert answer.sources[0].citation["apa"] in copies[0]


def test_a_pasted_phrase_is_found_and_its_sentence_highlighted_with_its_page(app, engine):
    phrase = "mitt tidligere nettverk oppsøkte meg. der jeg bodde tidligere"  # lower-cased, as typed
    ask(app, phrase)
    answer = last_answer(app)
    assert not answer.abstained
    number, quote = answer.cited[0]
    assert number == 1 and "Mitt tidligere nettverk oppsøkte meg. Der jeg bodde tidligere" in quote.text
    marked = unescape(re.search(r'<mark class="ts-quote">(.*?)</mark>', cards(app)[0], re.S).group(1))
    assert marked == quote.text and f"s. {quote.page}" in cards(app)[0]


def test_surrounding_text_is_the_neighbouring_passages(app, engine):
    ask(app, NO_QUESTION)
    source = last_answer(app).sources[0]
    context = next(h.value for h in app.html if "ts-context-label" in h.value)
    text = engine.thesis_text(source.hit.thesis_id)
    before = unescape(re.search(r'ts-context-muted">(.*?)</div>', context, re.S).group(1))
    assert before and before in text[:source.hit.start]
    assert len([e for e in app.expander if e.label == "Vis teksten rundt"]) == len(last_answer(app).sources)


def test_english_question_and_english_interface(app):
    app.radio(key="ui_lang").set_value("en").run()
    assert app.button[0].label == "Search"
    ask(app, EN_QUESTION)
    answer = last_answer(app)
    assert answer.language == "en" and answer.sources
    assert app.header[0].value in ("Answer", "Nearest passages")
    assert app.download_button[0].label == "Answer and sources (JSON)"


@pytest.mark.parametrize("lang, expected, other", [
    ("en", "The question seems to be in German.", "Spørsmålet"),
    ("nb", "Spørsmålet ser ut til å være på tysk.", "seems to be"),
])
def test_a_notice_is_in_the_interface_language_whatever_the_question_is_in(app, lang, expected, other):
    app.radio(key="ui_lang").set_value(lang).run()
    ask(app, "Welche Rolle spielt das soziale Netzwerk?")
    notices = [info.value for info in app.info]
    assert len(notices) == 1 and notices[0].startswith(expected) and other not in notices[0]
    assert last_answer(app).notices[0].startswith("Spørsmålet ser ut til å være på tysk.")  # the API's, unchanged


def test_example_question_is_asked_when_picked(app):
    example = app.button_group(key="example").options[0]
    app.button_group(key="example").select(example).run()
    assert app.text_input(key="question").value == example
    assert last_answer(app).question == example
    assert cards(app)


def test_citation_style_changes_the_copy_block(app):
    ask(app, NO_QUESTION)
    source = last_answer(app).sources[0]
    assert source.citation["apa"] in app.code[0].value
    app.radio(key="cite_style.nb").set_value("norwegian").run()
    assert source.citation["norwegian"] in app.code[0].value


def test_empty_question_gives_a_friendly_warning(app):
    ask(app, "   ")
    assert app.warning[0].value == "Skriv et spørsmål først."
    assert not cards(app)


def test_question_with_markup_is_shown_as_text(app):
    ask(app, "<script>alert(1)</script> Hva er sosial støtte?")
    question = next(h.value for h in app.html if "ts-question" in h.value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in question
    assert "<script>" not in " ".join(h.value for h in app.html)


# --- filters ---------------------------------------------------------------------------------

def test_thesis_filter_restricts_the_sources(app, engine):
    ask(app, NO_QUESTION)
    before = {s.hit.doc for s in last_answer(app).sources}
    other = next(doc for doc in sorted(engine.docs) if doc not in before)
    app.multiselect(key="f_theses.nb").select(other).run()
    after = last_answer(app)
    assert after.sources and {s.hit.doc for s in after.sources} == {other}
    assert all(other in card for card in cards(app))


def test_part_language_and_count_filters(app):
    ask(app, NO_QUESTION)
    app.multiselect(key="f_parts.nb").select("front").run()
    assert {s.hit.part for s in last_answer(app).sources} == {"front"}
    app.multiselect(key="f_parts.nb").unselect("front").run()
    app.multiselect(key="f_languages.nb").select("en").run()
    assert {s.hit.language for s in last_answer(app).sources} == {"en"}
    app.multiselect(key="f_languages.nb").unselect("en").run()
    app.slider(key="f_k").set_value(2).run()
    assert len(last_answer(app).sources) == 2 == len(cards(app))


def test_filters_that_exclude_everything_say_so(app):
    ask(app, NO_QUESTION)
    app.multiselect(key="f_theses.nb").select("003_5d318866ea7f4178.txt").run()
    app.multiselect(key="f_languages.nb").select("en").run()
    assert "Ingen passasjer passer filtrene" in texts(app)
    assert not cards(app)


def test_filters_survive_a_language_switch(app):
    app.multiselect(key="f_parts.nb").select("body").run()
    app.radio(key="ui_lang").set_value("en").run()
    assert app.multiselect(key="f_parts.en").value == ["body"]  # one widget per language, the value kept
    assert app.multiselect(key="f_parts.en").label == "Part of the thesis"
    assert app.radio(key="cite_style.en").value == "apa"


# --- abstention and errors -------------------------------------------------------------------

def test_abstention_is_clear_and_nearest_passages_are_listed(app_for, built_index, encoder, tmp_path):
    import shutil

    import qa

    index = tmp_path / "index"  # its own engine, whose parameters find nothing relevant enough
    shutil.copytree(built_index, index)
    qa.load(index, encoder=encoder, params=abstain_always())
    app = app_for(index)
    assert not app.exception
    ask(app, "Hvor mange medlemmer har Anonyme Narkomane i Norge?")
    answer = last_answer(app)
    assert answer.abstained and answer.sources
    assert "Fant ikke noe svar i korpuset." in app.warning[0].value
    assert app.header[0].value == "Nærmeste passasjer"
    assert not any('class="ts-answer"' in h.value for h in app.html)
    assert len(cards(app)) == len(answer.sources)
    assert all("ts-badge" not in card for card in cards(app))


def test_a_question_without_search_words_says_so(app):
    ask(app, "hva er det")
    answer = last_answer(app)
    assert answer.abstained and answer.confidence.reasons == ("no_terms",)
    assert "Spørsmålet har ingen søkeord, bare småord eller tall." in app.warning[0].value


def test_a_question_for_a_figure_no_passage_states_says_so(app):
    ask(app, "What proportion of patients in Norwegian opioid maintenance treatment (LAR) are women?")
    answer = last_answer(app)
    assert answer.abstained and answer.confidence.reasons == ("no_figure",) and answer.sources
    assert "ingen av de nærmeste passasjene oppgir et slikt tall" in app.warning[0].value
    assert len(cards(app)) == len(answer.sources)
    app.button(key="read-1").click().run()  # "Les i oppgaven" on a card that quotes nothing
    captions = [c.value for c in app.caption]
    assert "Passasjen fra kildekortet er uthevet." in captions and "Den siterte setningen er uthevet." not in captions


def test_a_low_confidence_answer_is_shown_with_a_marker(app_for, built_index, encoder, tmp_path):
    import shutil
    from dataclasses import replace

    import qa
    from qa.params import DEFAULT, Thresholds

    index = tmp_path / "index"  # its own engine, under which every answer is `low`
    shutil.copytree(built_index, index)
    low = Thresholds({"no": -9.0, "en": -9.0}, {"no": 10.0, "en": 10.0})
    qa.load(index, encoder=encoder, params=replace(DEFAULT, thresholds={key: low for key in DEFAULT.thresholds}))
    app = app_for(index)
    ask(app, "Hva er gatekapital?")
    answer = last_answer(app)
    assert answer.confidence.level == "low" and not answer.abstained
    assert any("Usikkert svar" in w.value for w in app.warning)
    assert any('class="ts-answer"' in h.value for h in app.html)


def test_a_low_answer_names_the_question_words_no_thesis_uses(app):
    ask(app, "Hvordan opplever samiske rusbrukere møtet med hjelpeapparatet?")
    assert last_answer(app).confidence.level == "low"
    assert any("Usikkert svar" in w.value and "bruker aldri disse ordene fra spørsmålet: «samiske»." in w.value
               for w in app.warning)


def test_a_confident_answer_says_so(app_for, built_index):
    app = app_for(built_index)
    ask(app, "Hva er gatekapital?")
    assert last_answer(app).confidence.level == "high"
    assert not any("Usikkert svar" in w.value for w in app.warning)
    assert [s.value for s in app.success] == [f"**{t('nb', 'high_confidence')}**"]


def test_missing_index_explains_what_to_run(app_for, tmp_path):
    at = app_for(tmp_path / "no-index")
    assert not at.exception
    assert at.warning[0].value == "Ingen indeks ennå"
    commands = [c.value for c in at.code]
    assert "make run" in commands
    assert any(c.startswith(".venv/bin/python -m indexer build") and str(tmp_path / "no-index") in c
               for c in commands)
    assert not at.tabs


# --- corpus view -----------------------------------------------------------------------------

def test_corpus_view_lists_theses_and_index(app, engine):
    table = app.table[0].value  # st.table: its cells are Markdown-escaped text
    assert sorted(table["Fil"]) == sorted(markdown_text(doc) for doc in engine.docs)
    assert (table["Sider"] > 0).all()
    assert not table["Tittel"].str.startswith("0").any()  # a title or a derived one, never the file name
    assert table["Tema (fra teksten)"].str.len().gt(10).all()
    assert table["Språk i passasjene"].str.contains("norsk").all()
    info = app.table[1].value
    assert markdown_text(engine.snapshot.manifest["model_id"]) in set(info["Verdi"])
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Oppgaver"] == str(len(engine.docs))


# --- reading a thesis ------------------------------------------------------------------------

def shown_as_written(markdown: str) -> str:
    """What Markdown `markdown` shows, asserting that none of it formats: every ASCII punctuation
    mark is backslash-escaped, so no "*", "$", "[…](…)" or "<" is left to make emphasis, math
    (KaTeX), a link or a tag, and a bare address has a word joiner (U+2060) that keeps GitHub's
    autolinks from making a link of it (they see the text with the escapes resolved)."""
    bare = re.sub(r"\\(.)", r"\1", markdown)
    assert not re.search("(?i)://|www\\.|[^\u2060]@", bare), f"a bare address in {markdown!r}"
    markdown = markdown.replace("\u2060", "")
    out, chars = [], iter(markdown)
    for char in chars:
        if char == "\\":
            char = next(chars, "")
            assert char in string.punctuation, f"a lone backslash in {markdown!r}"
        else:
            assert char not in string.punctuation, f"{char!r} unescaped in {markdown!r}"
        out.append(char)
    return "".join(out)


def test_thesis_view_shows_catalog_text_as_written(app_for, hostile_index, encoder):
    """A catalog title and institution holding Markdown, math and a link (tests/ui/conftest.py) are
    shown as written in "Les en oppgave": no emphasis, no KaTeX, no live link."""
    import qa

    qa.load(hostile_index, encoder=encoder)  # into the shared cache, with the session's encoder
    at = app_for(hostile_index)
    assert not at.exception, at.exception
    assert any(HOSTILE_TITLE in option for option in at.selectbox(key="read_doc").options)  # plain text
    headings = [h.value for h in at.header if "fellesskap" in h.value]
    assert [shown_as_written(h) for h in headings] == [HOSTILE_TITLE]
    details = [c.value for c in at.caption if "Universitetet" in c.value]
    assert len(details) == 1 and HOSTILE_INSTITUTION in shown_as_written(details[0])
    table = at.table[0].value  # the corpus tab's st.table renders Markdown too
    assert [shown_as_written(cell) for cell in table["Tittel"]] == [HOSTILE_TITLE]
    assert [shown_as_written(cell) for cell in table["Institusjon"]] == [HOSTILE_INSTITUTION]


def test_headings_have_no_anchor_links(app):
    """Streamlit's "Link to heading" anchor (English, and a tab stop) is off on every heading."""
    ask(app, NO_QUESTION)
    headings = [*app.title, *app.header, *app.subheader]
    assert len(headings) >= 6
    assert [h.value for h in headings if not h.proto.hide_anchor] == []


# --- export ----------------------------------------------------------------------------------

@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, bytes]]:
    """(file name, bytes) behind every download button's URL, recorded as the app adds them."""
    files: dict[str, tuple[str, bytes]] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            files[self.get_url(file_id)] = (filename or "", self.get_file(file_id).content)
            return file_id

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return files


def test_export_payloads(app, downloads):
    ask(app, NO_QUESTION)
    answer = last_answer(app)
    files = [downloads[b.proto.url] for b in app.download_button]
    buttons = {name.rsplit(".", 1)[1]: data for name, data in files}
    assert set(buttons) == {"json", "csv", "bib", "ris"}
    assert files[0][0] == "tesesok-hvilke-former-for-sosial-stotte-skiller.json"

    payload = json.loads(buttons["json"].decode("utf-8"))
    assert payload["question"] == NO_QUESTION and payload["answer"] == answer.text
    assert payload["abstained"] is False and payload["k"] == 5
    assert [p["number"] for p in payload["passages"]] == [1, 2, 3, 4, 5]
    for key in ("doc", "thesis", "section", "page", "start", "end", "score", "text", "quote", "citation"):
        assert key in payload["passages"][0]

    rows = list(csv.DictReader(io.StringIO(buttons["csv"].decode("utf-8-sig"))))
    assert len(rows) == len(answer.sources)
    assert rows[0]["quote"] == (answer.sources[0].quote.text if answer.sources[0].quote else "")

    docs = {s.hit.doc for s in answer.sources}
    assert buttons["bib"].decode().count("\n@") + 1 == len(docs)
    assert buttons["ris"].decode().count("TY  - THES") == len(docs)


def test_export_follows_the_filters(app, downloads):
    ask(app, NO_QUESTION)
    app.multiselect(key="f_parts.nb").select("body").run()
    name, data = downloads[app.download_button[0].proto.url]
    assert name.endswith(".json")
    payload = json.loads(data)
    assert payload["filters"]["parts"] == ["body"]
    assert {p["part"] for p in payload["passages"]} == {"body"}


def test_the_app_on_postgresql_shows_what_it_shows_on_the_embedded_store(app_for, tiny_built, tiny_pg_engine, encoder):
    """The same snapshot in both stores: the same answer, the same source cards."""
    import qa

    question = "Hva er viktig i ettervern etter døgnbasert rusbehandling?"
    shown = []
    for store in (tiny_built[1], tiny_pg_engine.snapshot.uri):
        qa.load(store, encoder=encoder)  # into the shared cache, with the session's encoder
        app = ask(app_for(store), question)
        shown.append((json.dumps(last_answer(app).to_json(), sort_keys=True), cards(app)))
    assert shown[0] == shown[1] and shown[0][1]
