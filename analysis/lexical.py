"""BM25 text analysis per language: lower-cased words minus stop words, Snowball-stemmed.

Norwegian text is lower-cased, stripped of Norwegian stop words and stemmed with the Snowball
Norwegian stemmer; English text (abstracts, quotes) the same way with English resources. The
build indexes passages with it and the query side analyses questions with it.
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_NORWEGIAN

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
