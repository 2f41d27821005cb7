"""Passages: runs of whole sentences of one section that fit a token budget."""
from __future__ import annotations

from collections.abc import Callable

TokenCounter = Callable[[str], int]


def fit_to_budget(text: str, span: tuple[int, int], budget: int, count_tokens: TokenCounter) -> list[tuple[int, int]]:
    """Split a span that alone exceeds `budget` tokens at word boundaries; other spans pass through.

    The e5 tokenizer splits at white space first, so a piece costs the fixed overhead plus the sum
    of its words' tokens: each distinct word is counted once, which keeps this linear in the span.
    """
    start, end = span
    if count_tokens(text[start:end]) <= budget:
        return [span]
    overhead = 2 * count_tokens("a") - count_tokens("a a")
    cost: dict[str, int] = {}
    pieces: list[tuple[int, int]] = []
    words = [(start + i, start + i + len(w), w) for i, w in _words(text[start:end])]
    piece_start, last_end, used = words[0][0], words[0][1], overhead
    for w_start, w_end, word in words:
        if word not in cost:
            cost[word] = count_tokens(word) - overhead
        if used + cost[word] > budget and w_start > piece_start:
            pieces.append((piece_start, last_end))
            piece_start, used = w_start, overhead
        used += cost[word]
        last_end = w_end
    pieces.append((piece_start, last_end))
    return pieces


def _words(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for word in text.split():
        pos = text.index(word, pos)
        out.append((pos, word))
        pos += len(word)
    return out


def pack_passages(sentence_tokens: list[int], budget: int, overlap: int = 1) -> list[tuple[int, int]]:
    """Group consecutive sentences (all of one section) into passages of at most `budget` tokens.

    `sentence_tokens` are the sentences' token counts without the model's fixed overhead (the
    prompt and special tokens), which the caller subtracts from `budget`; the e5 tokenizer splits
    at white space first, so the count of a run of sentences is the sum of theirs. Returns
    (first, last) sentence indexes, inclusive. Each passage after the first repeats the last
    `overlap` sentences of the one before it, when they fit beside a new sentence.
    """
    groups: list[tuple[int, int]] = []
    first = 0
    while first < len(sentence_tokens):
        last, used = first, sentence_tokens[first]
        while last + 1 < len(sentence_tokens) and used + sentence_tokens[last + 1] <= budget:
            last += 1
            used += sentence_tokens[last]
        groups.append((first, last))
        if last + 1 >= len(sentence_tokens):
            break
        nxt = max(last + 1 - overlap, first + 1)
        while nxt <= last and sum(sentence_tokens[nxt : last + 2]) > budget:
            nxt += 1
        first = nxt
    return groups
