"""Plain-text rendering of an answer for the terminal (`python -m qa ask`)."""
from __future__ import annotations

import textwrap

from qa.answer import Answer
from qa.citation import page_part, year_part

_LABELS = {
    "no": {"answer": "Svar", "sources": "Kilder", "passage": "Utdrag",
           "no_sources": "Ingen passasjer passer filtrene; fjern noen av dem",
           "high": "Godt belegg: kildene svarer på spørsmålet", "score": "poengsum",
           "low": "Usikkert svar: kildene svarer kanskje ikke på akkurat dette spørsmålet",
           "unknown": "Oppgavene bruker aldri disse ordene fra spørsmålet", "unknown_author": "Ukjent forfatter",
           "no_figure": "Spørsmålet spør etter et tall, men ingen av kildene oppgir et slikt tall",
           "no_terms": "Spørsmålet har ingen søkeord, bare småord eller tall"},
    "en": {"answer": "Answer", "sources": "Sources", "passage": "Excerpt",
           "no_sources": "No passages match the filters; remove some of them",
           "high": "Well supported: the sources answer the question", "score": "score",
           "low": "Uncertain answer: the sources may not answer exactly this question",
           "unknown": "The theses never use these words of the question", "unknown_author": "Unknown author",
           "no_figure": "The question asks for a figure, but none of the sources states one of that kind",
           "no_terms": "The question has no search words, only function words or numbers"},
}
_EXCERPT = 300


def render_answer(answer: Answer, width: int = 100) -> str:
    """The answer with its [n] markers, then the numbered sources with section, page and quote."""
    labels = _LABELS[answer.language]
    lines = [*(f"({notice})" for notice in answer.notices)]
    if answer.confidence.level in ("high", "low"):  # `none` says so in the answer itself
        level = answer.confidence.level
        lines.append(f"({labels[level]}; {labels['score']} {answer.confidence.score:.3f})")
    lines += [f"({labels[reason]})" for reason in answer.confidence.reasons if reason in ("no_figure", "no_terms")]
    if answer.signals and answer.signals.unknown:
        lines.append(f"({labels['unknown']}: {', '.join(answer.signals.unknown)})")
    lines += textwrap.wrap(f"{labels['answer']}: {answer.text}", width) + ["", f"{labels['sources']}:"]
    if not answer.sources:
        lines.append(f"    ({labels['no_sources']})")
    for source in answer.sources:
        work = source.work
        who = "; ".join(work.authors) or labels["unknown_author"]  # as the app writes it
        thesis = f"{who} ({year_part(work, answer.language)}) · {work.doc}"
        section = source.section or "—"
        page = f" · {page_part(source.pages, answer.language)}" if source.pages else ""
        lines.append(f"[{source.number}] {thesis} · {section}{page}")
        if source.quote:
            lines += textwrap.wrap(f"«{source.quote.text}»", width, initial_indent="    ", subsequent_indent="    ")
            cite = source.citations(answer.language)  # in the question's language, as the labels
            prose = "" if cite["norwegian"] == cite["apa"] else f"{cite['norwegian']}  ·  "
            lines.append(f"    {prose}APA: {cite['apa']}")
        else:
            lines += textwrap.wrap(f"{labels['passage']}: {_excerpt(source.hit.text)}", width, initial_indent="    ",
                                   subsequent_indent="    ")
    return "\n".join(lines)


def _excerpt(text: str) -> str:
    """`text`, or its start up to the last word that ends within `_EXCERPT` characters, with " …"."""
    text = " ".join(text.split())
    if len(text) <= _EXCERPT:
        return text
    cut = text.rfind(" ", 0, _EXCERPT + 1)
    return text[:cut if cut > 0 else _EXCERPT] + " …"
