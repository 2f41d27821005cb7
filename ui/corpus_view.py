"""The corpus tab as a researcher uses it: what the corpus holds (a chart of theses × sections,
pages or passage languages), a table of the theses with title, author, year, degree and derived
topic, and the developer details (model, precision, folder) behind an "About the index" expander.
"""
from __future__ import annotations

import altair as alt
import streamlit as st

from qa import corpus
from qa.engine import Engine
from ui import render
from ui.strings import language_name, t
from ui.thesis_view import thesis_title

MEASURES = ("sections", "pages", "languages")
COLUMNS = ("col_title", "col_authors", "col_year", "col_degree", "col_topic", "col_pages", "col_languages",
           "col_institution", "col_doc")  # of the thesis table


def short_label(row: corpus.ThesisRow, lang: str, limit: int = 38) -> str:
    """A chart label that tells theses apart: "002 [Hvilken betydning har sosialt…]"."""
    title = thesis_title(row.thesis, lang)
    if len(title) > limit:
        title = title[:limit - 1].rstrip() + "…" + ("]" if title.startswith("[") else "")
    return f"{row.thesis.doc.split('_', 1)[0]} {title}"


def chart_rows(rows: list[corpus.ThesisRow], measure: str, lang: str) -> list[dict]:
    """Long-form rows (thesis, count[, language]) for the chart of `measure`."""
    thesis, count, language = t(lang, "chart_thesis"), t(lang, "chart_count"), t(lang, "chart_language")
    if measure == "languages":
        return [{thesis: short_label(r, lang), language: language_name(lang, code), count: n}
                for r in rows for code, n in r.languages.items()]
    return [{thesis: short_label(r, lang), count: getattr(r, measure)} for r in rows]


def corpus_chart(rows: list[corpus.ThesisRow], lang: str) -> None:
    st.subheader(t(lang, "chart_heading"), anchor=False)
    measure = st.segmented_control(t(lang, "chart_measure"), MEASURES, key="chart_measure", default="sections",
                                   format_func=lambda m: t(lang, f"chart_{m}")) or "sections"
    data = chart_rows(rows, measure, lang)
    thesis, count, language = t(lang, "chart_thesis"), t(lang, "chart_count"), t(lang, "chart_language")
    encoding = {"y": alt.Y(f"{thesis}:N", sort=None, axis=alt.Axis(title=None, labelLimit=320, labelOverlap=False)),
                "x": alt.X(f"sum({count}):Q", title=t(lang, f"chart_{measure}")),
                "tooltip": [alt.Tooltip(f"{thesis}:N"), alt.Tooltip(f"{count}:Q")]}
    if measure == "languages":
        encoding["color"] = alt.Color(f"{language}:N", legend=alt.Legend(orient="bottom", title=None))
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(**encoding).properties(height=56 * len(rows) + 30)
    st.altair_chart(chart, width="stretch", alt=t(lang, "chart_heading"))


def thesis_values(row: corpus.ThesisRow, lang: str) -> tuple[str | int, ...]:
    """The table's cells for one thesis, in the order of `COLUMNS`."""
    thesis = row.thesis
    return (thesis_title(thesis, lang), render.authors_text(thesis.authors, lang) or t(lang, "unknown_author"),
            thesis.year or t(lang, "no_year"), render.work_degree(thesis.work), thesis.work.topic, row.pages,
            render.language_mix(row.languages, lang), thesis.institution, thesis.doc)


def static_table(rows: list[dict[str, object]], key: str, alt: str) -> None:
    """`rows` (column header -> cell) as an `st.table`, whose cells wrap (an `st.dataframe` cuts
    them off), in a container with `key` for ui.page's CSS. The cells are Markdown-escaped text,
    whole numbers aside: `st.table` renders Markdown."""
    cells = [{header: value if isinstance(value, int) else render.markdown_text(str(value))
              for header, value in row.items()} for row in rows]
    with st.container(key=key):
        st.table(cells, border="horizontal", hide_index=True, alt=alt)


def thesis_table(rows: list[corpus.ThesisRow], lang: str) -> None:
    """The theses, one a row (`ui.page` gives the table the main area's width, wider than the text
    column, so that all its columns fit side by side, each wrapping at word breaks)."""
    headers = [t(lang, key) for key in COLUMNS]
    static_table([dict(zip(headers, thesis_values(row, lang))) for row in rows], "corpus_table",
                 t(lang, "corpus_heading"))


def about_index(info: corpus.IndexInfo, lang: str) -> None:
    """The developer details of the index (model, precision, folder, counts) behind an expander."""
    with st.expander(t(lang, "about_index"), icon=":material/info:"):
        details = ((t(lang, "index_model"), info.model_id), (t(lang, "index_built"), info.built_at),
                   (t(lang, "index_dtype"), info.dtype), (t(lang, "index_query_encoder"), info.query_encoder),
                   (t(lang, "index_encoder_choice"), info.encoder_choice), (t(lang, "index_folder"), info.folder),
                   (t(lang, "metric_passages"), corpus.format_count(info.passages, "\u00a0")),
                   (t(lang, "metric_sentences"), corpus.format_count(info.sentences, "\u00a0")))
        static_table([{t(lang, "index_property"): name, t(lang, "index_value"): value} for name, value in details],
                     "index_details", t(lang, "about_index"))
        st.markdown(t(lang, "corpus_add_md"))


def corpus_view(engine: Engine, lang: str) -> None:
    """The corpus tab."""
    info, rows = corpus.index_info(engine), corpus.thesis_rows(engine)
    st.header(t(lang, "corpus_heading"), anchor=False)
    metrics = (("metric_theses", info.theses), ("metric_pages", info.pages),
               ("chart_sections", sum(r.sections for r in rows)))
    for column, (label, value) in zip(st.columns(len(metrics)), metrics):
        column.metric(t(lang, label), corpus.format_count(value, "\u00a0"))
    corpus_chart(rows, lang)
    thesis_table(rows, lang)
    about_index(info, lang)
