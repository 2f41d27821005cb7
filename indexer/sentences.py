"""A sentence splitter that knows Norwegian abbreviations and academic citations.

It splits after `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by white space
and a capital letter, digit or opening quote — except after an abbreviation (`f.eks.`, `bl.a.`,
`s.`, `jf.`, `et al.`, …), after an initial (`E. Goffman`) and inside parentheses, so that
`(Topor, 2006, s. 12)` stays in its sentence.
"""
from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """
    f.eks. eks. bl.a. s. ss. jf. jfr. dvs. d.v.s. osv. ca. nr. mv. m.v. m.fl. m.m. pga. p.g.a. evt.
    ev. ift. iflg. ifm. mht. m.h.t. vs. etc. f. ff. kap. tlf. pr. ref. red. o.l. e.l. o.a. osb.
    div. inkl. ekskl. dr. prof. st. t.o.m. f.o.m. t.d. mill. mrd. kr. stk. kl. ibid. al. jan. feb.
    mar. apr. jun. jul. aug. sep. sept. okt. nov. des. e.g. i.e. cf. pp. p. vol. no. ed. eds. fig.
    tab. nb. obs. resp. sml. gr. h.h.v. hhv. bd. utg. årg. mr. mrs. ms. ph.d. pkt.
    """.split()
)
_CANDIDATE = re.compile(r"[.!?…]+[»”\"'’)\]]*(?=\s+[\"«“(\[–-]?[A-ZÆØÅÄÖÜ0-9])")
_MAX_PAREN_SPAN = 400  # an unclosed "(" further back than this is a list marker, not a citation


def _token_before(text: str, end: int) -> str:
    """The white-space-delimited token that ends at `end` (the candidate's punctuation included)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _is_abbreviation(token: str) -> bool:
    token = token.lstrip("(«\"“[").lower()
    if token in ABBREVIATIONS:
        return True
    core = token.rstrip(".")
    return len(core) == 1 and core.isalpha()  # an initial: "E. Goffman"


def _open_paren_before(text: str, pos: int) -> bool:
    depth = 0
    for i in range(pos - 1, max(-1, pos - _MAX_PAREN_SPAN - 1), -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return True
            depth -= 1
    return False


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text[start:end]`, stripped of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for m in _CANDIDATE.finditer(text, start, end):
        stop = m.end()
        if m.group()[0] == "." and _is_abbreviation(_token_before(text, m.start() + 1)):
            continue
        if _open_paren_before(text, m.start()):
            continue
        spans.append((sentence_start, stop))
        sentence_start = stop
    spans.append((sentence_start, end))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
