"""Refuse clean text that is not running text: numbers, one word repeated, pages with nothing on them.

The reader already refuses empty, binary and blob files; these checks run on the clean text, after
page numbers are dropped and lines joined, where junk that looks like text shows what it is: a file of
100 000 lines of `1` (512 passages of digits), or 100 000 pages holding the word `ord` each.
"""
from __future__ import annotations

import re

from indexer.errors import ThesisReadError

# Real theses are 80-90 % letters (of the characters that are not white space); a table-heavy
# appendix lowers that locally, never for a whole file.
MIN_LETTER_SHARE = 0.5
# Any text of at least this many words uses more than MIN_DISTINCT_WORDS different ones.
MIN_WORDS_FOR_VOCABULARY = 1000
MIN_DISTINCT_WORDS = 20
# A dump's page holds hundreds of characters; a hundred pages with almost nothing on them is not a thesis.
MIN_PAGES_FOR_PAGE_SIZE = 100
MIN_CHARS_PER_PAGE = 20
_WORD = re.compile(r"[^\W\d_]{2,}")


def check_running_text(doc: str, text: str, pages: int) -> None:
    """Raise ThesisReadError saying why when the clean `text` of `doc` (on `pages` pages) is not running text."""
    visible = len(text) - sum(text.count(ch) for ch in " \n")
    letters = sum(ch.isalpha() for ch in text)
    if visible and letters < MIN_LETTER_SHARE * visible:
        raise ThesisReadError(f"{doc}: only {100 * letters / visible:.0f} % of its characters are letters "
                              f"(numbers and symbols otherwise); that is not running text")
    words = _WORD.findall(text.lower())
    distinct = len(set(words))
    if len(words) >= MIN_WORDS_FOR_VOCABULARY and distinct < MIN_DISTINCT_WORDS:
        raise ThesisReadError(f"{doc}: {_count(len(words))} words but only {distinct} different ones; "
                              f"that is not running text")
    if pages >= MIN_PAGES_FOR_PAGE_SIZE and len(text) < MIN_CHARS_PER_PAGE * pages:
        raise ThesisReadError(f"{doc}: {_count(pages)} pages with {len(text) / pages:.0f} characters each "
                              f"on average; that is not a thesis text dump")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")
