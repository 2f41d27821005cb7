"""Tesesøk in the browser: ask the theses a question, read cited sources, browse the corpus.

Start with `make run` (or `streamlit run app.py`); the index folder comes from `TESESOK_INDEX`
(default `index`). A thin layer over `qa`: answers come from `qa.answer.ask`, the page is built
from `ui` (texts in `ui.strings`, escaped HTML in `ui.render`, downloads in `ui.export`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from qa.errors import IndexMissingError, ModelError, QueryError, StoreError, describe
from qa.answer import Answer, Source, ask
from qa.engine import Engine
from qa.filters import PARTS, Filters
from qa import corpus
from ui import export, page, render, upload
from ui.corpus_view import corpus_view
from ui.thesis_view import TAB_KEY, open_source, thesis_view
from ui.loader import DEFAULT_INDEX, PROJECT_DIR, get_engine, index_dir
from ui.strings import DEFAULT_LANGUAGE, EXAMPLES, LANGUAGES, language_name, part_name, t

MAX_SOURCES = 10
DEFAULT_SOURCES = 5
CITATION_STYLES = ("apa", "norwegian")
EXPORTS_PER_ROW = 2


@dataclass(frozen=True)
class Settings:
    """What the sidebar asks for: search filters, number of sources and citation style."""

    filters: Filters
    k: int
    style: str


def main() -> None:
    # "auto": the sidebar starts collapsed on narrow screens (phones), open on wide ones.
    st.set_page_config(page_title="Tesesøk", page_icon="🔎", layout="centered", initial_sidebar_state="auto")
    st.html(render.STYLE)
    if st.context.theme.type == "dark":
        st.html(render.DARK_STYLE)
    lang = choose_language()
    st.html(page.page_html(lang), unsafe_allow_javascript=True)
    st.title(t(lang, "page_title"), anchor=False)
    st.caption(t(lang, "tagline"))
    if lang != DEFAULT_LANGUAGE:
        st.caption(t(lang, "verbatim_note"))
    engine = load_engine(lang)
    if engine is None:
        return
    settings = sidebar(engine, lang)
    labels = [t(lang, key) for key in ("tab_ask", "tab_read", "tab_corpus")]
    labels += [t(lang, "upload_tab")] if upload.enabled() else []
    if st.session_state.get(TAB_KEY) not in labels:  # e.g. after a language switch: the same tab
        st.session_state[TAB_KEY] = labels[min(st.session_state.get("main_tab_index", 0), len(labels) - 1)]
    tabs = st.tabs(labels, key=TAB_KEY, on_change="rerun")
    st.session_state["main_tab_index"] = labels.index(st.session_state[TAB_KEY])
    with tabs[0]:
        ask_view(engine, settings, lang)
    with tabs[1]:
        thesis_view(engine, lang)
    with tabs[2]:
        corpus_view(engine, lang)
    if len(tabs) > 3:
        with tabs[3]:
            upload.upload_view(engine.index_dir, lang)


# --- set-up ----------------------------------------------------------------------------------

def choose_language() -> str:
    """The interface language chosen at the top of the sidebar (bokmål by default)."""
    choice = st.sidebar.radio(t(DEFAULT_LANGUAGE, "interface_language"), list(LANGUAGES),
                              format_func=LANGUAGES.__getitem__, key="ui_lang", horizontal=True)
    return choice or DEFAULT_LANGUAGE


def load_engine(lang: str) -> Engine | None:
    """The shared engine; None (with a message on the page) when the index is missing or broken."""
    folder = index_dir()
    try:
        with st.spinner(t(lang, "loading")):
            return get_engine(folder)
    except IndexMissingError:
        no_index_message(folder, lang)
    except (StoreError, ModelError) as exc:
        index_error(str(exc), lang)
    except (OSError, ValueError, RecursionError, OverflowError) as exc:  # what the CLI reports too (qa.errors)
        index_error(describe(exc), lang)
    return None


def index_error(message: str, lang: str) -> None:
    """Say that the index could not be loaded, and why (as text: never a traceback)."""
    st.error(t(lang, "index_error"))
    st.code(message, language=None, wrap_lines=True)


def no_index_message(folder: Path, lang: str) -> None:
    """Explain that there is no index yet and what to run to build one."""
    st.warning(t(lang, "no_index_title"), icon=":material/folder_off:")
    st.markdown(t(lang, "no_index_md"))
    st.caption(t(lang, "no_index_folder"))
    st.code(str(folder), language=None)
    build = ".venv/bin/python -m indexer build"
    if folder != (PROJECT_DIR / DEFAULT_INDEX).resolve():
        build += f" --index {folder}"
    st.caption(t(lang, "no_index_make"))
    st.code("make run", language="bash")
    st.caption(t(lang, "no_index_build"))
    st.code(build, language="bash")


def sidebar(engine: Engine, lang: str) -> Settings:
    """Filters (thesis, passage language, part, number of sources) and the citation style."""
    bar = st.sidebar
    bar.header(t(lang, "filters_heading"), anchor=False)
    theses = {info.doc: info for info in engine.theses.values()}

    def thesis_label(doc: str) -> str:
        return render.thesis_label(theses[doc].work, lang)

    common = {"placeholder": t(lang, "filter_all"), "help": t(lang, "filter_help")}
    docs = bar.multiselect(t(lang, "filter_theses"), sorted(theses), format_func=thesis_label,
                           **kept("f_theses", lang), **common)
    languages = bar.multiselect(t(lang, "filter_languages"), corpus.passage_languages(engine),
                                format_func=lambda code: language_name(lang, code), **kept("f_languages", lang), **common)
    parts = bar.multiselect(t(lang, "filter_parts"), list(PARTS), format_func=lambda part: part_name(lang, part),
                            **kept("f_parts", lang), **common)
    k = bar.slider(t(lang, "filter_k"), 1, MAX_SOURCES, DEFAULT_SOURCES, key="f_k")
    bar.header(t(lang, "settings_heading"), anchor=False)
    style = bar.radio(t(lang, "citation_style"), CITATION_STYLES, format_func=lambda s: t(lang, f"style_{s}"),
                      **kept("cite_style", lang))
    return Settings(Filters.of(docs, languages, parts), int(k), style or CITATION_STYLES[0])


def kept(setting: str, lang: str) -> dict:
    """`key` and `on_change` for a widget whose labels depend on the language, so that its value
    survives a language switch: the widget has one key per language ("f_parts.en"), the value
    lives in `st.session_state[setting]` and is given to the widget whenever they differ."""
    widget = f"{setting}.{lang}"
    if setting in st.session_state and st.session_state.get(widget) != st.session_state[setting]:
        st.session_state[widget] = st.session_state[setting]

    def keep() -> None:
        st.session_state[setting] = st.session_state[widget]

    return {"key": widget, "on_change": keep}


# --- asking ----------------------------------------------------------------------------------

def ask_view(engine: Engine, settings: Settings, lang: str) -> None:
    question_form(lang)
    question = st.session_state.get("active_question")
    if question is None:
        st.info(t(lang, "welcome"), icon=":material/lightbulb:")
    else:
        answer = answer_for(engine, question, settings, lang)
        if answer is not None:
            show_answer(engine, answer, settings, lang)
    st.divider()
    st.caption(t(lang, "footer"))


def question_form(lang: str) -> None:
    """The question box (Enter submits) and the example questions."""
    with st.form("ask_form", border=False, enter_to_submit=True):
        box, button = st.columns([6, 1], vertical_alignment="bottom")
        box.text_input(t(lang, "question_label"), key="question", placeholder=t(lang, "question_placeholder"),
                       label_visibility="collapsed")
        submitted = button.form_submit_button(t(lang, "ask_button"), type="primary", width="stretch")
    if submitted:
        st.session_state["active_question"] = st.session_state.get("question", "")
    st.pills(t(lang, "examples_label"), EXAMPLES.get(lang, EXAMPLES[DEFAULT_LANGUAGE]), key="example",
             on_change=use_example)


def use_example() -> None:
    """Callback of the example pills: put the example in the box and ask it."""
    example = st.session_state.get("example")
    if example:
        st.session_state["question"] = example
        st.session_state["active_question"] = example
    st.session_state["example"] = None


def is_blank(question: str) -> bool:
    return not "".join(ch for ch in question if ch.isprintable()).strip()


def answer_for(engine: Engine, question: str, settings: Settings, lang: str) -> Answer | None:
    """The answer to `question` under `settings`, computed once per change; None after a warning."""
    if is_blank(question):
        st.warning(t(lang, "empty_question"), icon=":material/edit:")
        return None
    key = (id(engine), question, settings.filters, settings.k)
    cached = st.session_state.get("last_answer")
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with st.spinner(t(lang, "searching")):
            answer = ask(engine, question, settings.k, settings.filters)
    except QueryError as exc:
        st.warning(t(lang, "query_error"), icon=":material/warning:")
        st.text(str(exc))
        return None
    except StoreError as exc:  # the index was damaged after it was loaded
        index_error(str(exc), lang)
        return None
    st.session_state["last_answer"] = (key, answer)
    return answer


def show_answer(engine: Engine, answer: Answer, settings: Settings, lang: str) -> None:
    st.html(render.question_html(answer.question, lang))
    filter_chips(engine, answer, settings, lang)
    for note in answer.notes:  # in the interface language, not the question's (`answer.notices`)
        st.info(note.text(lang), icon=":material/info:")
    if not answer.sources:
        st.warning(t(lang, "no_passages"), icon=":material/filter_alt_off:")
        return
    if answer.abstained:
        hint = next((f"abstained_hint_{r}" for r in answer.confidence.reasons if r in ("no_figure", "no_terms")),
                    "abstained_hint")
        st.warning(" ".join([f"**{t(lang, 'abstained')}** {t(lang, hint)}", *unknown_note(answer, lang)]),
                   icon=":material/search_off:")
        st.header(t(lang, "nearest_heading"), anchor=False)
    else:
        st.header(t(lang, "answer_heading"), anchor=False)
        if answer.confidence.level == "high":
            st.success(f"**{t(lang, 'high_confidence')}**", icon=":material/verified:")
        elif answer.confidence.level == "low":
            st.warning(" ".join([f"**{t(lang, 'low_confidence')}**",
                                 *(t(lang, f"low_reason_{r}") for r in answer.confidence.reasons
                                   if r in ("few_terms", "uncalibrated")), *unknown_note(answer, lang)]),
                       icon=":material/help:")
        st.html(render.answer_html(answer, lang))
        st.header(t(lang, "sources_heading"), anchor=False)
    for source in answer.sources:
        source_card(engine, source, settings.style, lang)
    export_buttons(answer, settings, lang)


def unknown_note(answer: Answer, lang: str) -> list[str]:
    """The sentence naming the question's words that no thesis uses, if any (Markdown-escaped)."""
    words = answer.signals.unknown if answer.signals else ()
    return [t(lang, "unknown_words", words=render.markdown_words(words))] if words else []


def source_card(engine: Engine, source: Source, style: str, lang: str) -> None:
    """One numbered source: thesis, section, page, passage with the quote marked, context, citation."""
    with st.container(border=True, key=f"source-{source.number}"):
        st.html(render.card_html(source, lang))
        with st.expander(t(lang, "context_label"), icon=":material/article:"):
            st.html(render.context_html(source, corpus.surroundings(engine, source.hit), lang))
        st.button(t(lang, "read_open"), key=f"read-{source.number}", icon=":material/menu_book:",
                  on_click=open_source, args=(engine, source, t(lang, "tab_read")))
        st.caption(t(lang, "copy_label" if source.quote else "copy_label_passage"))
        st.code(render.copy_text(source, style, lang), language=None, wrap_lines=True)


def filter_chips(engine: Engine, answer: Answer, settings: Settings, lang: str) -> None:
    """The active filters as a chip row above the results, a button clearing them, and why fewer
    sources came back than were asked for."""
    if settings.filters == Filters():
        return
    st.html(render.filter_chips(settings.filters, {i.doc: i for i in engine.theses.values()}, lang))
    if 0 < len(answer.sources) < settings.k:
        st.caption(t(lang, "fewer_sources", found=len(answer.sources), asked=settings.k))
    st.button(t(lang, "filter_clear"), key="clear_filters", icon=":material/filter_alt_off:", on_click=clear_filters)


def clear_filters() -> None:
    for key in ("f_theses", "f_languages", "f_parts"):
        st.session_state[key] = []
        for lang in LANGUAGES:
            st.session_state.pop(f"{key}.{lang}", None)


def export_buttons(answer: Answer, settings: Settings, lang: str) -> None:
    """The download buttons: the answer as JSON, the sources as CSV, the theses as BibTeX and RIS."""
    st.header(t(lang, "export_heading"), anchor=False)
    files = (
        ("export_json", "json", "application/json", export.answer_json(answer, settings.filters, settings.k, lang)),
        ("export_csv", "csv", "text/csv", export.sources_csv(answer, lang)),
        ("export_bibtex", "bib", "application/x-bibtex", export.bibtex_file(answer, lang)),
        ("export_ris", "ris", "application/x-research-info-systems", export.ris_file(answer, lang)),
    )
    with st.container(key="downloads"):  # two rows of two: each label whole on one line (ui.page wraps longer ones)
        for first in range(0, len(files), EXPORTS_PER_ROW):
            row = files[first:first + EXPORTS_PER_ROW]
            for column, (label, extension, mime, data) in zip(st.columns(EXPORTS_PER_ROW), row):
                column.download_button(t(lang, label), data, file_name=export.file_name(answer.question, extension),
                                       mime=mime, key=f"download_{extension}", on_click="ignore",
                                       icon=":material/download:", width="stretch")


if __name__ == "__main__":
    main()
