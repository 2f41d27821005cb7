"""Language of a passage (langdetect, seeded so results are reproducible) and of a question."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect_langs
from langdetect.detector_factory import init_factory

DetectorFactory.seed = 0
# langdetect often takes Bokmål for Danish (and sometimes Swedish or Nynorsk); in a corpus of
# Norwegian theses those are Norwegian.
_NORWEGIAN = {"no", "nb", "nn", "da", "sv"}


_PROFILES_LOCK = threading.Lock()


def load_profiles() -> None:
    """Read langdetect's language profiles (0.3-0.5 s, once per process). The first text that needs
    them does; a server calls this at start-up so that its first question is not slow. Locked:
    langdetect publishes its factory before filling it, so a second thread could use it half-read."""
    with _PROFILES_LOCK:
        init_factory()


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "no") -> str:
    """`"no"`, `"en"` or another ISO 639-1 code; `default` when the text has too few letters."""
    if sum(ch.isalpha() for ch in text) < 3:
        return default
    load_profiles()
    try:
        best = max(detect_langs(text), key=lambda lang: lang.prob).lang
    except LangDetectException:
        return default
    return "no" if best in _NORWEGIAN else best

_ENGLISH_WORDS = frozenset("what which who whom whose why how when where does did do is are was were the of and "
                     "in to for with about according find quote".split())
_NORWEGIAN_WORDS = frozenset("hva hvilke hvilken hvem hvorfor hvordan når hvor er var det den de og i på til for "
                       "med om ifølge finn sitat ikke som av".split())
_SHORT = 4  # words; below this langdetect guesses
# Scripts written without spaces between words (Chinese, Japanese, Thai): each letter counts as a word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CLEAR = 2  # function words of one language and none of the other: no need to ask langdetect


def question_language(question: str) -> str:
    """`"no"` or `"en"` (other languages are treated as Norwegian, the corpus language).

    Short questions, and questions whose function words are clearly of one language, are
    decided by the word lists; the rest by langdetect (which costs ~10 ms a question).
    """
    words, english, norwegian = _function_words(question)
    if len(words) < _SHORT:
        if re.search(r"[æøå]", question.lower()):
            return "no"
        return "en" if english > norwegian else "no"
    if min(english, norwegian) == 0 and max(english, norwegian) >= _CLEAR:
        return "en" if english else "no"
    return "en" if detect_language(question) == "en" else "no"


def other_language(question: str) -> str | None:
    """The ISO 639-1 code of the language `question` is written in when it is clearly neither
    Norwegian nor English ("de" for "Welche Rolle spielt die Familie?"), else None; questions
    shorter than four words (or, in a script without spaces, four letters) are never judged
    (langdetect guesses on them). Danish and Swedish count as Norwegian (`_NORWEGIAN`)."""
    words, english, norwegian = _function_words(question)
    short = len(words) < _SHORT and len(_UNSPACED.findall(question)) < _SHORT
    if short or (min(english, norwegian) == 0 and max(english, norwegian) >= _CLEAR):
        return None
    code = detect_language(question)
    return None if code in ("no", "en") else code


def _function_words(question: str) -> tuple[list[str], int, int]:
    """The question's words, and how many are English and Norwegian function words."""
    words = re.findall(r"\w+", question.lower())
    return words, sum(w in _ENGLISH_WORDS for w in words), sum(w in _NORWEGIAN_WORDS for w in words)
