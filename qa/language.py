"""The language of a question: langdetect, with a word-list fallback for very short ones."""
from __future__ import annotations

import re

from indexer.language import detect_language

_ENGLISH = frozenset("what which who whom whose why how when where does did do is are was were the of and "
                     "in to for with about according find quote".split())
_NORWEGIAN = frozenset("hva hvilke hvilken hvem hvorfor hvordan når hvor er var det den de og i på til for "
                       "med om ifølge finn sitat ikke som av".split())
_SHORT = 4  # words; below this langdetect guesses
_CLEAR = 2  # function words of one language and none of the other: no need to ask langdetect


def question_language(question: str) -> str:
    """`"no"` or `"en"` (other languages are treated as Norwegian, the corpus language).

    Short questions, and questions whose function words are clearly of one language, are
    decided by the word lists; the rest by langdetect (which costs ~10 ms a question).
    """
    words = re.findall(r"\w+", question.lower())
    english, norwegian = sum(w in _ENGLISH for w in words), sum(w in _NORWEGIAN for w in words)
    if len(words) < _SHORT:
        if re.search(r"[æøå]", question.lower()):
            return "no"
        return "en" if english > norwegian else "no"
    if min(english, norwegian) == 0 and max(english, norwegian) >= _CLEAR:
        return "en" if english else "no"
    return "en" if detect_language(question) == "en" else "no"
