"""Verbatim phrases: does a text contain the query word for word?

Students paste a sentence they remember to find where it stands, so that they can cite it.
Words are compared lower-cased, and punctuation, quotation marks and line breaks between them
are ignored: «Mitt tidligere nettverk oppsøkte meg» matches "mitt tidligere nettverk oppsøkte meg".
"""
from __future__ import annotations

import re

WORD = re.compile(r"\w+")
MIN_WORDS = 5  # shorter queries are keywords or questions, not remembered phrases


def phrase_words(text: str) -> list[str]:
    """The words of `text`, lower-cased."""
    return WORD.findall(text.lower())


def is_phrase(query: str) -> bool:
    """Whether `query` is to be looked up word for word: five words or more, and not a question.

    A question (ending in "?") is asked, not quoted; looking each one up would cost every question
    1-2 ms on the 5 theses.
    """
    return not query.rstrip().endswith("?") and len(phrase_words(query)) >= MIN_WORDS


def phrase_pattern(text: str) -> re.Pattern[str]:
    """A pattern finding the words of `text` in lower-cased text, anything but letters between them.

    It starts with a literal word, which `re` looks for quickly; word boundaries at either end are
    checked by `find_phrase` (a leading look-behind made the search 15x slower here).
    """
    return re.compile(r"\W+".join(map(re.escape, phrase_words(text))))


def lower_keeping_offsets(text: str) -> str:
    """`text` lower-cased character by character, so that offsets stay those of `text`.

    ``str.lower`` alone turns a few characters into two (the dotted capital İ).
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in text)


def find_phrase(lowered: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of every whole-word match of `pattern` in `lowered` (from `lower_keeping_offsets`)."""
    spans = []
    for match in pattern.finditer(lowered):
        start, end = match.span()
        if not (_word_char(lowered, start - 1) or _word_char(lowered, end)):
            spans.append((start, end))
    return spans


def _word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")
