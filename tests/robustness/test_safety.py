"""Safety: any text in a thesis or a query is shown as text; the app listens on localhost only;
the query side reads no file a user names.

The property tests generate arbitrary text (with `<script>`, `<img onerror=…>`, quotes, `&`,
entities and control characters mixed in), put it wherever corpus or query text reaches the
HTML of `ui.render`, parse the HTML, and require that the markup is exactly the template's own
tags and that the text comes back unchanged as text.
"""
from __future__ import annotations

import ast
import builtins
import html
import io
import os
import pathlib
import re
import string
import tomllib
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.answer import Answer, Quote, Source
from qa.citation import Work
from qa.search import Hit
from tests.robustness.conftest import REPO

render = pytest.importorskip("ui.render", reason="ui/render.py (the UI helper's) is not there yet")
from qa.corpus import Surroundings  # noqa: E402  (after the importorskip on purpose)
from ui.strings import t  # noqa: E402

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "'", '"',
           "&", "&amp;", "&lt;b&gt;", "</div>", "<!--", "-->", "<![CDATA[x]]>", "javascript:alert(1)",
           "<style>*{display:none}</style>", "\x00", "\r\n", "\u202e", "{", "}", "{page}", "%s", "`", "\\"]
# Hostile fragments mixed with arbitrary text (no surrogates: they cannot be encoded for a page).
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), max_size=8).map("".join)
NONEMPTY = TEXT.filter(lambda s: s.strip() != "")
LANG = st.sampled_from(["nb", "en"])
TEMPLATE_TAGS = {"div", "span", "sup", "q", "mark", "a"}
# The template's own attributes besides class: an in-page link to a source card, the card's id
# (focusable by script), a label and the live region's announcement (escaped text).
TEMPLATE_ATTRIBUTES = {"href": r"#ts-source-\d+", "id": r"ts-[a-z0-9-]+", "tabindex": r"-1", "role": r"group",
                       "data-ts-key": r"[0-9a-f-]+", "aria-label": r"(?s).*", "data-ts-announce": r"(?s).*"}
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Parsed(HTMLParser):
    """Tags (with attributes) and text of an HTML fragment, entities decoded."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []
        self.marked: list[str] = []
        self._in_mark = 0
        self.comments: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_mark += tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark -= tag == "mark"

    def handle_data(self, data):
        self.text.append(data)
        if self._in_mark:
            self.marked.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.comments.append(decl)

    def unknown_decl(self, data):
        self.comments.append(data)

    @property
    def data(self) -> str:
        return "".join(self.text)


def assert_only_template_markup(fragment: str) -> Parsed:
    parsed = Parsed(fragment)
    assert not parsed.comments
    for tag, attrs in parsed.tags:
        assert tag in TEMPLATE_TAGS, (tag, fragment)
        assert all(re.fullmatch(r"ts-[a-z0-9-]+( ts-[a-z0-9-]+)*", value or "") if name == "class" else
                   name in TEMPLATE_ATTRIBUTES and re.fullmatch(TEMPLATE_ATTRIBUTES[name], value or "")
                   for name, value in attrs), attrs
        assert tag != "a" or dict(attrs).get("href"), (tag, attrs)
    assert not re.search(r"<\s*(script|img|svg|style|iframe)", fragment, re.IGNORECASE)
    return parsed


def make_source(passage: str, quote: str | None, *, title="", authors=(), degree="", institution="",
                doc="000_x.txt", section_number="1.2", section_title="Metode", number=1) -> Source:
    prefix = "Før sitatet. "
    text = prefix + (quote or "") + passage
    hit = Hit(passage_id=1, doc=doc, thesis_id=1, section_id=1, section=f"{section_number} {section_title}",
              part="body", language="no", start=100, end=100 + len(text), text=text, page_start=3, page_end=4,
              score=0.9, dense=0.9, sentence=0.9, lexical=0.1)
    q = Quote(sentence_id=1, start=100 + len(prefix), end=100 + len(prefix) + len(quote), text=quote, page=3,
              score=0.9) if quote else None
    work = Work(title=title, authors=tuple(authors), year="2020", institution=institution, degree=degree, doc=doc)
    return Source(number, hit, work, section_number, section_title, q,
                  {"apa": "(X, 2020, s. 3)", "norwegian": "(X, 2020, s. 3)", "reference_apa": "X. (2020)."})


@PROPERTY
@given(TEXT)
def test_esc_round_trips_and_leaves_no_markup(text):
    escaped = render.esc(text)
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == text


@PROPERTY
@given(st.lists(NONEMPTY, min_size=1, max_size=3))
def test_markdown_words_escape_every_mark(words):
    """The words an answer's marker names (`app.unknown_note`) cannot format or link in Markdown
    (a bare address gets an invisible word joiner, `render.WORD_JOINER`, that GitHub's autolinks miss)."""
    out = render.markdown_words(words)
    assert not re.search(f"(?i)://|www\\.|[^{render.WORD_JOINER}]@", re.sub(r"\\(.)", r"\1", out))
    out = out.replace(render.WORD_JOINER, "")
    marks = re.escape(string.punctuation)
    shown = [w.replace(render.WORD_JOINER, "") for w in words]  # the words' own joiners go with ours
    assert re.sub(rf"\\([{marks}])", r"\1", out) == ", ".join(f"«{w}»" for w in shown)
    bare = re.sub(rf"\\[{marks}]", "", out)
    assert re.findall(f"[{marks}]", bare) == [","] * (len(words) - 1)


@PROPERTY
@given(TEXT, LANG)
def test_question_is_text(question, lang):
    parsed = assert_only_template_markup(render.question_html(question, lang))
    assert parsed.data == f"{t(lang, 'asked')}: {question}"


@PROPERTY
@given(st.lists(NONEMPTY, min_size=1, max_size=3), TEXT)
def test_answer_sentences_are_text(sentences, abstention_text):
    quotes = [(n + 1, Quote(n, 0, len(s), s, 1, 0.9)) for n, s in enumerate(sentences)]
    answer = Answer("q", "no", "ignored", False, [], 0.9, quotes)
    parsed = assert_only_template_markup(render.answer_html(answer))
    assert parsed.data == " ".join(f"{s}[{n}]" for n, s in enumerate(sentences, start=1))
    abstained = Answer("q", "no", abstention_text, True, [], 0.1, [])
    assert assert_only_template_markup(render.answer_html(abstained)).data == abstention_text


@PROPERTY
@given(TEXT, st.one_of(st.none(), NONEMPTY))
def test_passage_and_quote_are_text(passage, quote):
    source = make_source(passage, quote)
    parsed = assert_only_template_markup(render.passage_html(source))
    assert parsed.data == source.hit.text
    assert "".join(parsed.marked) == (quote or "")


@PROPERTY
@given(TEXT, st.lists(TEXT, max_size=3), TEXT, TEXT, TEXT, TEXT, TEXT, st.one_of(st.none(), NONEMPTY), LANG)
def test_source_card_is_text(title, authors, degree, institution, section_title, passage, doc, quote, lang):
    source = make_source(passage, quote, title=title, authors=authors, degree=degree, institution=institution,
                         doc=doc or "x.txt", section_title=section_title)
    parsed = assert_only_template_markup(render.card_html(source, lang))
    work = source.work
    for value in (work.title, work.degree, work.institution, work.doc, source.hit.text):
        assert value in parsed.data
    for author in work.authors:
        assert render.person(author) in parsed.data


@PROPERTY
@given(TEXT, TEXT, TEXT, TEXT, TEXT, LANG)
def test_context_is_text(before, after, before_section, after_section, passage, lang):
    source = make_source(passage, None)
    parsed = assert_only_template_markup(
        render.context_html(source, Surroundings(before, after, before_section, after_section), lang))
    for value in (before, after, before_section, after_section, source.hit.text):
        assert value in parsed.data


def test_the_app_inserts_html_only_from_ui_render():
    """app.py and ui/: every st.html(...) shows a ui.render result; nothing opts out of Streamlit's
    escaping; the one script is ui.page's, which holds fixed strings only (see the next test)."""
    for path in [REPO / "app.py", *sorted((REPO / "ui").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source, path
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "html":
                (arg,) = node.args
                target = arg.func if isinstance(arg, ast.Call) else arg
                scripted = any(k.arg == "unsafe_allow_javascript" for k in node.keywords)
                allowed = "page.page_html" if scripted else "render"
                assert isinstance(target, ast.Attribute) and (
                    ast.unparse(target) if scripted else ast.unparse(target.value)) == allowed, \
                    f"{path.name}:{node.lineno}: st.html({ast.unparse(arg)})"


def test_the_page_script_holds_fixed_strings_only():
    """ui.page.page_html takes the interface language only; its JSON ends no script early."""
    import inspect

    from ui import page

    assert list(inspect.signature(page.page_html).parameters) == ["lang"]
    for lang in ("nb", "en", "<script>"):
        html_ = page.page_html(lang)
        assert html_.count("<script") == 1 and html_.count("</script>") == 1
        body = html_.split("<script", 1)[1]
        assert "</" not in body[:body.rindex("</script>")]
    assert 'lang": "nb"' in page.page_html("<script>")  # an unknown language is the default one


def test_the_app_listens_on_localhost_only():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    (run,) = [line for line in makefile.splitlines() if "--server.address" in line]  # make run (ui.serve)
    assert "--server.address localhost" in run
    assert "0.0.0.0" not in makefile
    with (REPO / ".streamlit" / "config.toml").open("rb") as config:  # a bare `streamlit run app.py` too
        assert tomllib.load(config)["server"]["address"] == "localhost"


def test_queries_open_no_files_whatever_they_name(tiny_engine, monkeypatch):
    """Questions and filters that look like paths are text: a loaded engine opens no file at all."""
    from qa.answer import ask
    from qa.errors import QueryError
    from qa.filters import Filters
    from qa.search import search

    opened: list[str] = []

    def spy(real):
        def wrapped(file, *args, **kwargs):
            opened.append(str(file))
            return real(file, *args, **kwargs)
        return wrapped

    for module, name in ((builtins, "open"), (io, "open"), (os, "open"), (pathlib.Path, "open")):
        monkeypatch.setattr(module, name, spy(getattr(module, name)))
    for question in ("/etc/passwd", "../corpus/catalog.toml", "file:///etc/shadow", "index/CURRENT"):
        search(tiny_engine, question, k=3)
        ask(tiny_engine, question, k=3)
    for filters in (Filters.of(theses=["/etc/passwd"]), Filters.of(theses=["../../index/CURRENT"]),
                    Filters.of(theses=["000_56c92893e0805444.txt/../../../etc/passwd"])):
        with pytest.raises(QueryError, match="unknown thesis filter"):
            ask(tiny_engine, "rus", filters=filters)
    monkeypatch.undo()
    assert opened == []
