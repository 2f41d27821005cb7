"""Windows: runs of consecutive sentences inside one passage, embedded as texts of their own.

A window is what an answer span of several sentences is (`qa.span`), so its vector says how close
the span as a whole is to a question; the best cosine of the sentence vectors alone misses a span
whose meaning needs two sentences ("De marginaliserte kjennetegnes av …. Det motsatte er de
integrerte …"). A passage never crosses a section, so neither does a window.
"""
from __future__ import annotations

from collections.abc import Sequence

from indexer.params import DEFAULT_BUILD
from store.records import Thesis


def thesis_windows(thesis: Thesis, sizes: Sequence[int] = DEFAULT_BUILD.window_sizes) -> list[tuple[int, int]]:
    """(first, last) sentence indices (inclusive) of every window of `thesis`, each once, in text order."""
    windows = {(first, first + n - 1)
               for p in thesis.passages for first in range(p.first_sentence, p.last_sentence + 1)
               for n in sizes if n > 1 and first + n - 1 <= p.last_sentence}
    return sorted(windows)


def window_texts(thesis: Thesis, windows: Sequence[tuple[int, int]]) -> list[str]:
    """The text of each window: the thesis's text from its first sentence's start to its last's end."""
    return [thesis.text[thesis.sentences[first].start:thesis.sentences[last].end] for first, last in windows]
