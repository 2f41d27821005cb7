"""The thesis view: one thesis's title, derived topic, table of contents with pages, and any
section readable in full, with a cited sentence highlighted when opened from a source card.

State lives in `st.session_state`: "read_doc" (the thesis), "read_section" (index into its table
of contents) and "read_highlight" ((doc, start, end, quoted): what to mark, in thesis offsets, and
whether it is a quote of the answer or a whole passage).
"""
from __future__ import annotations

import streamlit as st

from qa import corpus
from qa.answer import Source
from qa.citation import display_title
from qa.engine import Engine, ThesisInfo
from ui import render
from ui.strings import t

TAB_KEY = "main_tab"


def thesis_title(info: ThesisInfo, lang: str) -> str:
    return display_title(info.work, lang)


def thesis_option(info: ThesisInfo, lang: str) -> str:
    """ "002 · [Hvilken betydning har …] · Ukjent forfatter (u.å.)" """
    tag = info.doc.split("_", 1)[0]
    return f"{tag} · {thesis_title(info, lang)} · {render.who_and_year(info.authors, info.year, lang)}"


def section_option(entry: corpus.TocEntry, lang: str) -> str:
    indent = "\u2003" * (entry.level - 1)
    label = entry.number + " " + entry.title if entry.number or entry.title else t(lang, "read_front")
    return f"{indent}{label.strip()} · {t(lang, 'page', page=entry.page)}"


def innermost(toc: list[corpus.TocEntry], offset: int) -> int:
    """The index of the section of `toc` holding thesis offset `offset`."""
    found = 0
    for i, entry in enumerate(toc):
        if entry.start <= offset:
            found = i
    return found


def open_source(engine: Engine, source: Source, tab_label: str) -> None:
    """Callback of a source card's "read in the thesis" button: show its section, sentence marked."""
    hit = source.hit
    start, end = (source.quote.start, source.quote.end) if source.quote else (hit.start, hit.end)
    toc = corpus.table_of_contents(engine, hit.thesis_id)
    st.session_state["read_doc"] = hit.doc
    st.session_state["read_section"] = innermost(toc, start)
    st.session_state["read_highlight"] = (hit.doc, start, end, bool(source.quote))
    st.session_state[TAB_KEY] = tab_label


def _new_thesis() -> None:
    st.session_state["read_section"] = 0
    st.session_state.pop("read_highlight", None)


def thesis_view(engine: Engine, lang: str) -> None:
    """Choose a thesis and a section; read the section with its subsections in full."""
    theses = {info.doc: info for info in sorted(engine.theses.values(), key=lambda i: i.doc)}
    doc = st.selectbox(t(lang, "read_thesis"), list(theses), key="read_doc", on_change=_new_thesis,
                       format_func=lambda d: thesis_option(theses[d], lang))
    info = theses[doc or next(iter(theses))]
    work = info.work
    # Catalog text as written: st.header and st.caption render Markdown (emphasis, $math$, links).
    st.header(render.markdown_text(thesis_title(info, lang)), anchor=False)
    details = [render.who_and_year(info.authors, info.year, lang), render.work_degree(work), work.institution, info.doc]
    st.caption(render.markdown_text(" · ".join(d for d in details if d)))
    if work.topic:
        marker = f" ({t(lang, 'read_derived')})" if "topic" in work.derived else ""
        st.html(render.topic_html(f"{t(lang, 'read_topic')}{marker}", work.topic))
    toc = corpus.table_of_contents(engine, info.id)
    if not toc:
        return
    if st.session_state.get("read_section", 0) >= len(toc):
        st.session_state["read_section"] = 0
    with st.expander(t(lang, "read_toc"), icon=":material/toc:"):
        st.html(render.toc_html(toc, lang))
    i = st.selectbox(t(lang, "read_section"), range(len(toc)), key="read_section",
                     format_func=lambda n: section_option(toc[n], lang))
    start, end = corpus.section_span(toc, i or 0)
    mark = st.session_state.get("read_highlight")
    span = None
    if mark and mark[0] == doc and start <= mark[1] < end:
        st.caption(t(lang, "read_cited" if mark[3] else "read_passage"))
        span = (mark[1] - start, min(mark[2], end) - start)
    st.html(render.section_html(corpus.section_text(engine, info.id, toc, i or 0), span))
