"""Text and HTML for the answer and its source cards.

Every piece of corpus or query text that ends up in HTML goes through `esc` (html.escape), so a
thesis or a question holding `<script>` or `<img onerror=…>` is shown as text, never run. The
HTML built here is the only HTML the app inserts (`st.html`); everything else uses native
Streamlit elements. Plain-text helpers (labels, the copy-ready block) need no escaping.
"""
from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable

from qa.answer import Answer, Source
from qa.citation import Work, display_title
from qa.corpus import Surroundings, TocEntry
from qa.engine import ThesisInfo
from qa.filters import Filters
from ui.strings import language_name, part_name, t

ACCENT = "#1f6f5c"

STYLE = f"""<style>
.ts-question {{ color: rgba(110,110,110,1); font-size: .95rem; margin-bottom: .35rem; overflow-wrap: anywhere; }}
.ts-answer {{ font-size: 1.08rem; line-height: 1.65; padding: .85rem 1.1rem; border-left: 4px solid {ACCENT};
  background: rgba(31,111,92,.08); border-radius: .4rem; overflow-wrap: anywhere; }}
.ts-ref {{ font-weight: 700; color: {ACCENT}; font-size: .8em; margin-left: .1em; }}
.ts-ref a {{ color: inherit; text-decoration: none; }}
.ts-ref a:focus, .ts-ref a:hover {{ text-decoration: underline; }}
.ts-chips {{ display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: .2rem 0 .6rem; font-size: .85rem; }}
.ts-chip {{ border: 1px solid {ACCENT}; color: {ACCENT}; border-radius: 1em; padding: .05em .6em; overflow-wrap: anywhere; }}
.ts-toc-entry {{ line-height: 1.5; overflow-wrap: anywhere; }}
.ts-toc-2 {{ margin-left: 1.2em; }} .ts-toc-3 {{ margin-left: 2.4em; }} .ts-toc-4 {{ margin-left: 3.6em; }}
.ts-toc-page {{ color: rgba(110,110,110,1); font-size: .85em; }}
.ts-topic {{ margin: .3rem 0 .8rem; overflow-wrap: anywhere; }}
.ts-topic-label {{ font-weight: 600; }}
.ts-read {{ line-height: 1.65; white-space: pre-line; overflow-wrap: anywhere; max-height: 70vh; overflow-y: auto;
  padding: .6rem .9rem; border: 1px solid rgba(128,128,128,.3); border-radius: .4rem; }}
.ts-head {{ font-weight: 600; font-size: 1.02rem; line-height: 1.4; overflow-wrap: anywhere;
  scroll-margin-top: 4.5rem; }}  /* an [n] link puts it below Streamlit's fixed header */
.ts-num {{ display: inline-block; min-width: 1.8em; text-align: center; border-radius: .9em; background: {ACCENT};
  color: #fff; font-size: .85em; margin-right: .45em; padding: 0 .35em; }}
.ts-badge {{ font-size: .72rem; font-weight: 600; border: 1px solid {ACCENT}; color: {ACCENT}; border-radius: .7em;
  padding: 0 .5em; margin-left: .45em; vertical-align: middle; white-space: nowrap; }}
.ts-work {{ font-size: .9rem; margin-top: .1rem; overflow-wrap: anywhere; }}
.ts-meta {{ color: rgba(110,110,110,1); font-size: .85rem; margin: .2rem 0 .55rem; overflow-wrap: anywhere; }}
.ts-passage {{ line-height: 1.6; white-space: pre-line; overflow-wrap: anywhere; }}
mark.ts-quote {{ background: rgba(255,205,40,.5); color: inherit; padding: .05em .15em; border-radius: .2em; }}
.ts-context {{ line-height: 1.55; white-space: pre-line; overflow-wrap: anywhere; }}
.ts-context-muted {{ color: rgba(110,110,110,1); }}
.ts-context-label {{ font-size: .75rem; letter-spacing: .04em; text-transform: uppercase;
  color: rgba(110,110,110,1); margin-top: .4rem; }}
</style>"""

# Streamlit's dark theme (its background #0e1117): the light theme's accent, greys and highlight
# fall under WCAG AA there (3.0-3.9:1), so the dark page gets lighter ones (tests/ui/test_export.py
# measures each against that background).
DARK_BACKGROUND = "#0e1117"
DARK_ACCENT = "#5cc9a7"
DARK_MUTED = "#b4b4b4"
DARK_MARK = (180, 140, 0, 0.55)  # RGBA of a quote's highlight
DARK_STYLE = f"""<style>
.ts-question, .ts-meta, .ts-context-muted, .ts-context-label, .ts-toc-page {{ color: {DARK_MUTED} !important; }}
.ts-ref, .ts-badge, .ts-chip {{ color: {DARK_ACCENT} !important; border-color: {DARK_ACCENT} !important; }}
.ts-answer {{ border-left-color: {DARK_ACCENT} !important; }}
mark.ts-quote {{ background: rgba{DARK_MARK} !important; }}
</style>"""


def esc(text: object) -> str:
    """`text` escaped for HTML (quotes too)."""
    return html.escape(str(text), quote=True)


# Where Streamlit's Markdown (GitHub's autolinks, found in the text after escapes are resolved)
# would make a link of a bare "https://…", "www.…" or "name@host": an invisible word joiner goes there.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def markdown_text(text: str) -> str:
    """`text` for Markdown with every ASCII punctuation mark backslash-escaped, so that none of
    them formats ("_x_"), makes math of "$x$", a link of "[a](b)" or opens an HTML tag, and a
    word joiner (U+2060, invisible) inside every bare web or e-mail address, so that it is no
    link either: it shows as written."""
    text = _AUTOLINK.sub(WORD_JOINER, text)
    return "".join("\\" + c if c in string.punctuation else c for c in text)


def markdown_words(words: Iterable[str]) -> str:
    """Words for a Markdown message, each in «» and escaped (`markdown_text`)."""
    return ", ".join(f"«{markdown_text(w)}»" for w in words)


# --- plain-text labels -----------------------------------------------------------------------

def person(author: str) -> str:
    """"Etternavn, Fornavn" as "Fornavn Etternavn"."""
    surname, _, given = author.partition(",")
    return f"{given.strip()} {surname.strip()}".strip()


def authors_text(authors: tuple[str, ...], lang: str) -> str:
    """"A", "A og B", "A, B og C" (English: "and"); "" without authors."""
    names = [person(a) for a in authors]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {t(lang, 'and')} " + names[-1]


def who_and_year(authors: tuple[str, ...], year: str, lang: str) -> str:
    """"Guro Øydgard (u.å.)", "Ukjent forfatter (2010)"."""
    who = authors_text(authors, lang) or t(lang, "unknown_author")
    return f"{who} ({year or t(lang, 'no_year')})"


def thesis_label(work: Work, lang: str) -> str:
    """A one-line label for a thesis, as in the thesis filter: "003 · Guro Øydgard (u.å.) · Master i …";
    its title (else its degree), in brackets where derived from the text."""
    tag = work.doc.split("_", 1)[0] if "_" in work.doc else work.doc
    detail = display_title(work, lang) if work.title or not work.degree else work_degree(work)
    return f"{tag} · {who_and_year(work.authors, work.year, lang)} · {detail}"


def work_degree(work: Work) -> str:
    """The degree a reader sees: the catalog's, or one derived from the text in brackets ("" if unknown)."""
    return f"[{work.degree}]" if work.degree and "degree" in work.derived else work.degree


def page_text(start: int | str, end: int | str, lang: str) -> str:
    return t(lang, "page", page=start) if start == end else t(lang, "pages", start=start, end=end)


# --- answer ----------------------------------------------------------------------------------

def question_html(question: str, lang: str) -> str:
    return f'<div class="ts-question">{esc(t(lang, "asked"))}: <q>{esc(question)}</q></div>'


def answer_html(answer: Answer, lang: str = "nb") -> str:
    """The answer: each cited sentence, escaped, followed by its source marker [n], a link to the
    source card. `data-ts-announce` is what `ui.page`'s live region reads out when it arrives."""
    if answer.cited:
        parts = [f'{esc(quote.text)}<sup class="ts-ref"><a href="#{source_anchor(number)}" '
                 f'aria-label="{esc(t(lang, "context_this", number=number))}">[{number}]</a></sup>'
                 for number, quote in answer.cited]
        body = " ".join(parts)
    else:
        body = esc(answer.text)
    said = f'{t(lang, "answer_heading")}: {answer.text}'
    key = f"{len(answer.text)}-{hash((answer.question, answer.text)) & 0xffffffff:x}"
    return f'<div class="ts-answer" data-ts-announce="{esc(said)}" data-ts-key="{key}">{body}</div>'


# --- source cards ----------------------------------------------------------------------------

def quote_offset(source: Source) -> int | None:
    """Where the source's quote starts inside its passage text, or None when it has no quote."""
    quote, hit = source.quote, source.hit
    if quote is None:
        return None
    offset = quote.start - hit.start
    if 0 <= offset and hit.text[offset:offset + len(quote.text)] == quote.text:
        return offset
    found = hit.text.find(quote.text)
    return found if found >= 0 else None


def passage_html(source: Source) -> str:
    """The passage text, escaped, with the quoted sentence (if any) in a <mark>."""
    text, offset = source.hit.text, quote_offset(source)
    if offset is None:
        return f'<div class="ts-passage">{esc(text)}</div>'
    end = offset + len(source.quote.text)
    return (f'<div class="ts-passage">{esc(text[:offset])}<mark class="ts-quote">{esc(text[offset:end])}</mark>'
            f'{esc(text[end:])}</div>')


def meta_text(source: Source, lang: str) -> str:
    """"Seksjon 2.1 Tittel · s. 12 · Hoveddel · norsk" (plain text)."""
    hit = source.hit
    section = source.section
    pages = source.pages
    page = page_text(*pages, lang) if isinstance(pages, tuple) else t(lang, "page", page=pages) if pages else ""
    parts = [f"{t(lang, 'section')} {section}" if section else "", page, part_name(lang, hit.part),
             language_name(lang, hit.language)]
    return " · ".join(p for p in parts if p)


def source_anchor(number: int) -> str:
    """The id of source card `number`, the target of the answer's [n] link."""
    return f"ts-source-{number}"


def card_html(source: Source, lang: str) -> str:
    """A source card's body: number, thesis, section and page, and the passage with its quote marked."""
    work = source.work
    badge = f'<span class="ts-badge">{esc(t(lang, "cited_badge"))}</span>' if source.quote else ""
    details = [display_title(work, lang), work.degree, work.institution, work.doc]
    return (
        f'<div class="ts-head" id="{source_anchor(source.number)}" tabindex="-1">'
        f'<span class="ts-num">{source.number}</span>'
        f'{esc(who_and_year(work.authors, work.year, lang))}{badge}</div>'
        f'<div class="ts-work">{esc(" · ".join(d for d in details if d))}</div>'
        f'<div class="ts-meta">{esc(meta_text(source, lang))}</div>'
        f"{passage_html(source)}"
    )


def context_html(source: Source, around: Surroundings, lang: str) -> str:
    """The passage between the text before and after it, the neighbours muted, all escaped."""
    def label(key: str, section: str) -> str:
        extra = f" — {t(lang, 'context_other_section', section=section)}" if section else ""
        return f'<div class="ts-context-label">{esc(t(lang, key) + extra)}</div>'

    before = esc(around.before) if around.before else esc(t(lang, "context_none_before"))
    after = esc(around.after) if around.after else esc(t(lang, "context_none_after"))
    return (f'{label("context_before", around.before_section)}'
            f'<div class="ts-context ts-context-muted">{before}</div>'
            f'<div class="ts-context-label">{esc(t(lang, "context_this", number=source.number))}</div>'
            f'{passage_html(source)}'
            f'{label("context_after", around.after_section)}'
            f'<div class="ts-context ts-context-muted">{after}</div>')


def copy_text(source: Source, style: str, lang: str = "nb") -> str:
    """The copy-ready block in interface language `lang`: «quote» (in-text citation), a blank line,
    the APA reference entry. `style` is "apa" or "norwegian"; without a quote only the in-text
    citation of the passage's pages and the reference (the passage is on the card already).
    """
    citation = source.citations(lang)  # the printed labels, as on the card
    in_text = citation.get(style) or citation["apa"]
    head = f"«{source.quote.text}» {in_text}" if source.quote else in_text
    return f"{head}\n\n{citation['reference_apa']}"


def language_mix(counts: dict[str, int], lang: str) -> str:
    """Passage counts per language as shares: "norsk 96 % · engelsk 4 %" (largest first)."""
    total = sum(counts.values())
    if not total:
        return ""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return " · ".join(f"{language_name(lang, code)} {_share(n, total)}" for code, n in ordered)


def _share(n: int, total: int) -> str:
    percent = round(100 * n / total)
    return "<1\u00a0%" if n and not percent else f"{percent}\u00a0%"  # no line break before %


def filter_chips(filters: Filters, theses: dict[str, ThesisInfo], lang: str) -> str:
    """The active filters as a row of chips, in interface language `lang` ("" when none is on)."""
    names = [thesis_label(theses[doc].work, lang) if doc in theses else doc for doc in filters.theses]
    names += [language_name(lang, code) for code in filters.languages]
    names += [part_name(lang, part) for part in filters.parts]
    if not names:
        return ""
    chips = "".join(f'<span class="ts-chip">{esc(name)}</span>' for name in names)
    return (f'<div class="ts-chips" role="group" aria-label="{esc(t(lang, "filter_chips"))}">'
            f'<span>{esc(t(lang, "filter_chips"))}</span>{chips}</div>')


# --- thesis view -----------------------------------------------------------------------------

def toc_html(toc: list[TocEntry], lang: str) -> str:
    """The table of contents as a list, each heading with its page, escaped."""
    items = []
    for entry in toc:
        label = f"{entry.number} {entry.title}".strip() or t(lang, "read_front")
        level = min(max(entry.level, 1), 4)
        items.append(f'<div class="ts-toc-entry ts-toc-{level}">{esc(label)} '
                     f'<span class="ts-toc-page">{esc(t(lang, "page", page=entry.page))}</span></div>')
    return f'<div class="ts-toc">{"".join(items)}</div>'


def section_html(text: str, span: tuple[int, int] | None) -> str:
    """The section text, escaped, with `text[span[0]:span[1]]` in a <mark> when given."""
    if span is None:
        return f'<div class="ts-read">{esc(text)}</div>'
    a, b = span
    return (f'<div class="ts-read">{esc(text[:a])}<mark class="ts-quote" id="ts-read-mark">'
            f'{esc(text[a:b])}</mark>{esc(text[b:])}</div>')


def topic_html(label: str, topic: str) -> str:
    """ "Tema (avledet fra teksten): …", the label in bold, both escaped."""
    return f'<div class="ts-topic"><span class="ts-topic-label">{esc(label)}</span>: {esc(topic)}</div>'
