"""BM25 text analysis per language: lower-cased words minus stop words, Snowball-stemmed.

Norwegian text is lower-cased, stripped of Norwegian stop words and stemmed with the Snowball
Norwegian stemmer; English text (abstracts, quotes) the same way with English resources. The
build indexes passages with it and the query side analyses questions with it, and asks which of
a question's words an index never uses (`unknown_words`), a Norwegian compound counting as known
when its parts are, and which of its words are more than function words (`content_words`).
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Container, Sequence
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS, STOPWORDS_NORWEGIAN

_TOKEN = re.compile(r"\w\w+|\d+", re.UNICODE)
# Format characters that PDF extraction leaves inside words (zero-width space/joiners, soft hyphen,
# word joiner, BOM). The cleaner removes them from thesis text; analysis removes them from questions.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_LANGUAGES = {"no": ("norwegian", STOPWORDS_NORWEGIAN), "en": ("english", STOPWORDS_EN)}


@lru_cache(maxsize=None)
def _analyser(language: str) -> tuple[Stemmer.Stemmer, frozenset[str]]:
    name, stopwords = _LANGUAGES.get(language, _LANGUAGES["no"])
    return Stemmer.Stemmer(name), frozenset(stopwords)


_STEMS: dict[str, dict[str, str]] = {}  # per language: word -> stem (stemming dominated large builds)
_STEM_CACHE_WORDS = 1_000_000


def analyse(text: str, language: str = "no") -> list[str]:
    """The index terms of `text`: lower-cased words minus stop words, stemmed for `language`."""
    stemmer, stopwords = _analyser(language)
    words = [w for w in _TOKEN.findall(text.translate(_DROP_INVISIBLE).lower()) if w not in stopwords]
    stems = _STEMS.setdefault(language, {})
    if len(stems) > _STEM_CACHE_WORDS:
        stems.clear()
    new = [w for w in set(words) if w not in stems]
    if new:
        stems.update(zip(new, stemmer.stemWords(new)))
    return [stems[w] for w in words]


# Function words, for asking whether a question has any other words: BM25's English list (33 words)
# lacks "what", "who", "he" and "about", so "what is it" kept a term and got an answer.
_FUNCTION_WORDS = {"no": frozenset(STOPWORDS_NORWEGIAN), "en": frozenset(STOPWORDS_EN_PLUS)}


def content_words(text: str, language: str) -> list[str]:
    """The words of `text` (lower-cased, once each, in order) that are neither function words of
    `language` nor numbers."""
    function_words = _FUNCTION_WORDS.get(language, _FUNCTION_WORDS["no"])
    words = _TOKEN.findall(text.translate(_DROP_INVISIBLE).lower())
    return list(dict.fromkeys(w for w in words if w not in function_words and not w.isdigit()))


_COMPOUND_PART = 3  # the shortest part of a Norwegian compound ("rus" in "rusbekjentskap")
_COMPOUND_WORD = 48  # longer words are not split (the splits of a long word multiply)


def unknown_words(text: str, language: str, known: Container[str], ordered: Sequence[str] = ()) -> list[str]:
    """The words of `text` (lower-cased, once each, in order) whose stem is not among the `known`
    index terms, stemmed as `language` or as the other language analysed here (a Norwegian
    question borrows English terms: "recovery capital"); in Norwegian not even as a compound of
    known parts ("rusbekjentskapene" is known if "rus" and "bekjentskap" are, with or without a
    linking s or e), nor as the first part of a known compound (`ordered`: the known terms sorted;
    "trinn" of "trinnsmodell")."""
    stemmer, stopwords = _analyser(language)
    stemmers = [_analyser(other)[0] for other in (language, *(o for o in _LANGUAGES if o != language))]
    out: list[str] = []
    for word in _TOKEN.findall(text.translate(_DROP_INVISIBLE).lower()):
        if word in stopwords or word in out or word.isdigit():
            continue
        if all(s.stemWord(word) not in known for s in stemmers) and not (
                language == "no" and len(word) <= _COMPOUND_WORD and (
                    _splits(word, stemmer, known, {}) or _starts_compound(stemmer.stemWord(word), ordered))):
            out.append(word)
    return out


def _starts_compound(stem: str, ordered: Sequence[str]) -> bool:
    """Whether a term of `ordered` (sorted) is `stem` followed by a part of `_COMPOUND_PART` letters or
    more (the stem itself that long plus one: "trinn" of "trinnsmodell", not "tan" of "tannlege")."""
    if len(stem) <= _COMPOUND_PART:
        return False
    for term in itertools.islice(ordered, bisect.bisect_left(ordered, stem), None):
        if not term.startswith(stem):
            return False
        if len(term) - len(stem) >= _COMPOUND_PART:
            return True
    return False


def _splits(word: str, stemmer: Stemmer.Stemmer, known: Container[str], memo: dict[str, bool]) -> bool:
    """Whether `word` splits into a known head (less a linking s or e) and a rest that is known or
    splits in turn; `memo` holds the rests already tried."""
    if word not in memo:
        memo[word] = False
        for cut in range(len(word) - _COMPOUND_PART, _COMPOUND_PART - 1, -1):
            head, rest = word[:cut], word[cut:]
            heads = (head, head[:-1]) if head[-1] in "se" and cut > _COMPOUND_PART else (head,)
            if any(stemmer.stemWord(h) in known for h in heads) and (
                    stemmer.stemWord(rest) in known or _splits(rest, stemmer, known, memo)):
                memo[word] = True
                break
    return memo[word]
