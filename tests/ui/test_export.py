"""The app's pure helpers: download payloads (ui.export), escaped HTML (ui.render), texts (ui.strings)."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import string

import pytest

from qa.answer import ask
from qa.citation import Work
from qa.filters import Filters
from qa import corpus
from ui import export, render
from ui.strings import EXAMPLES, LANGUAGES, STRINGS, t

QUESTION = "Hva betyr det at rusmisbruket blir en masterstatus?"


@pytest.fixture(scope="module")
def answer(engine):
    answer = ask(engine, QUESTION, 5)
    assert answer.cited and len(answer.sources) == 5
    return answer


def hostile(answer):
    """The answer's first source with HTML in its passage, quote and metadata."""
    source = answer.sources[0]
    text = "Før <b>fet</b> <script>alert(1)</script> og etter."
    quote_at = text.index("<script>")
    quote = dataclasses.replace(source.quote or answer.cited[0][1], start=source.hit.start + quote_at,
                                end=source.hit.start + quote_at + 25, text=text[quote_at:quote_at + 25])
    hit = dataclasses.replace(source.hit, text=text, end=source.hit.start + len(text))
    work = Work(title="<img src=x onerror=alert(2)>", authors=("Hansen, <i>Kari</i>",), year="2020", doc="x.txt")
    return dataclasses.replace(source, hit=hit, quote=quote, work=work, section_title="<u>Seksjon</u>")


# --- export ----------------------------------------------------------------------------------

def test_json_is_the_batch_contract_plus_context(answer):
    filters = Filters.of(parts=["body"])
    payload = json.loads(export.answer_json(answer, filters, 5).decode("utf-8"))
    contract = answer.to_json()
    for key in ("question", "answer", "abstained"):
        assert payload[key] == contract[key]
    assert payload["filters"] == {"theses": [], "languages": [], "parts": ["body"]}
    assert payload["language"] == "no" and payload["k"] == 5
    cited = {n for n, _ in answer.cited}
    for source, passage, original in zip(answer.sources, payload["passages"], contract["passages"]):
        assert {k: passage[k] for k in original} == json.loads(json.dumps(original, ensure_ascii=False))
        assert passage["number"] == source.number and passage["cited"] == (source.number in cited)


def test_csv_has_one_row_per_source_and_a_bom(answer):
    data = export.sources_csv(answer)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == export.CSV_COLUMNS
    assert [int(r["number"]) for r in rows] == [s.number for s in answer.sources]
    for row, source in zip(rows, answer.sources):
        assert row["passage"] == source.hit.text and row["doc"] == source.hit.doc
        assert row["citation_norwegian"] == source.citation["norwegian"]


def test_exports_follow_the_interface_language(answer):
    """In English the exports cite as the English card does ("n.d.", "p."), not in Norwegian."""
    english = [s.citations("en") for s in answer.sources]
    assert all(c != s.citation for c, s in zip(english, answer.sources))
    assert all(("n.d." in c["apa"] or s.work.year) and "u.å." not in c["apa"] for c, s in zip(english, answer.sources))
    rows = list(csv.DictReader(io.StringIO(export.sources_csv(answer, "en").decode("utf-8-sig"))))
    assert [r["citation_apa"] for r in rows] == [c["apa"] for c in english]
    payload = json.loads(export.answer_json(answer, lang="en").decode("utf-8"))
    assert [p["citation"] for p in payload["passages"]] == english
    assert all(c["apa"] in render.copy_text(s, "apa", "en") for c, s in zip(english, answer.sources))
    assert export.bibtex_file(answer, "en") != export.bibtex_file(answer) or not any(
        s.work.derived for s in answer.sources)


def test_bibtex_and_ris_hold_each_thesis_once(answer):
    docs = list(dict.fromkeys(s.work.doc for s in answer.sources))
    assert [w.doc for w in export.works(answer)] == docs
    bib = export.bibtex_file(answer).decode("utf-8")
    assert len(re.findall(r"^@\w+\{", bib, re.M)) == len(docs)
    ris = export.ris_file(answer).decode("utf-8")
    assert ris.count("TY  - THES") == ris.count("ER  - ") == len(docs)
    assert all(f"AN  - {doc}" in ris for doc in docs)


@pytest.mark.parametrize(("question", "name"), [
    ("Hva er «recovery» på Østlandet?", "tesesok-hva-er-recovery-pa-ostlandet.json"),
    ("<script>", "tesesok-script.json"),
    ("???", "tesesok-svar.json"),
])
def test_file_names_are_safe(question, name):
    assert export.file_name(question, "json") == name


# --- render ----------------------------------------------------------------------------------

def test_quote_is_highlighted_at_its_offset(answer):
    for source in answer.sources:
        html = render.passage_html(source)
        if source.quote is None:
            assert "<mark" not in html
            continue
        offset = render.quote_offset(source)
        assert source.hit.text[offset:offset + len(source.quote.text)] == source.quote.text
        assert html.count("<mark") == 1


def test_corpus_and_query_text_is_escaped(answer):
    source = hostile(answer)
    card = render.card_html(source, "nb")
    assert "<script>" not in card and "<img" not in card and "<b>" not in card and "<i>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert '<mark class="ts-quote">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in card
    assert "&lt;img src=x onerror=alert(2)&gt;" in card and "Kari &lt;i&gt;" not in card
    assert "&lt;i&gt;Kari&lt;/i&gt; Hansen" in card
    context = render.context_html(source, corpus.Surroundings("<b>før</b>", "<em>etter</em>"), "nb")
    assert "<b>" not in context and "<em>" not in context and "&lt;em&gt;etter" in context
    assert "&lt;q&gt;" in render.question_html("<q>", "en")


def test_answer_html_escapes_and_numbers_the_sentences(answer):
    html = render.answer_html(answer)
    for number, quote in answer.cited:
        assert (f'{render.esc(quote.text)}<sup class="ts-ref"><a href="#ts-source-{number}" '
                f'aria-label="Kilde [{number}]">[{number}]</a></sup>') in html


def test_copy_block_quotes_and_cites(answer):
    source = answer.sources[0]
    for style in ("apa", "norwegian"):
        block = render.copy_text(source, style)
        assert block.startswith("«") and source.citation[style] in block
        assert block.endswith(source.citation["reference_apa"])


def test_labels_degrade_gracefully():
    assert render.who_and_year((), "", "nb") == "Ukjent forfatter (u.å.)"
    assert render.who_and_year(("Hansen, Kari", "Berg, Per"), "2019", "en") == "Kari Hansen and Per Berg (2019)"
    assert render.thesis_label(Work(authors=("Øydgard, Guro",), degree="Master", doc="003_abc.txt"), "nb") == \
        "003 · Guro Øydgard (u.å.) · Master"
    derived = Work(doc="002_x.txt").with_derived({"title": "Hvilken betydning har nettverk?", "degree": "Bachelor"})
    assert render.thesis_label(derived, "en") == "002 · Unknown author (n.d.) · [Hvilken betydning har nettverk?]"
    assert render.thesis_label(Work(doc="004_y.txt").with_derived({"degree": "Master"}), "nb").endswith(" · [Master]")
    assert render.language_mix({"no": 299, "en": 1}, "nb") == "norsk 100\u00a0% · engelsk <1\u00a0%"


def test_markdown_text_shows_as_written():
    assert render.markdown_text("<b>x</b> _y_ [a](b) 2 %") == r"\<b\>x\<\/b\> \_y\_ \[a\]\(b\) 2 \%"
    # a bare address: a word joiner where GitHub's autolinks would start a link (they ignore escapes)
    joiner = render.WORD_JOINER
    assert render.markdown_text("https://x.no WWW.y.no a@b.no") == (
        f"https\\:{joiner}\\/\\/x\\.no WWW{joiner}\\.y\\.no a{joiner}\\@b\\.no")


# --- strings ---------------------------------------------------------------------------------

def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, entry in STRINGS.items():
        assert set(entry) == set(LANGUAGES), key
        assert fields(entry["nb"]) == fields(entry["en"]), key
    assert set(EXAMPLES) == set(LANGUAGES)
    assert t("xx", "ask_button") == t("nb", "ask_button") == "Søk"


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0-255 channels)."""
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("background", [render.DARK_BACKGROUND, "#171614"])  # Streamlit's; one measured in a browser
def test_the_dark_theme_colours_meet_wcag_aa(background):
    page = _hex(background)
    assert _contrast(_hex(render.DARK_ACCENT), page) >= 4.5 and _contrast(_hex(render.DARK_MUTED), page) >= 4.5
    *mark, alpha = render.DARK_MARK
    highlight = tuple(alpha * m + (1 - alpha) * p for m, p in zip(mark, page))
    assert _contrast((250, 250, 250), highlight) >= 4.5  # the dark theme's text on a quote's highlight
    assert _contrast(_hex(render.ACCENT), page) < 4.5, "the light accent would not do here (why DARK_STYLE exists)"
