"""Language of a passage, detected with langdetect (seeded, so results are reproducible)."""
from __future__ import annotations

from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0
# langdetect often takes Bokmål for Danish (and sometimes Swedish or Nynorsk); in a corpus of
# Norwegian theses those are Norwegian.
_NORWEGIAN = {"no", "nb", "nn", "da", "sv"}


@lru_cache(maxsize=4096)
def detect_language(text: str, default: str = "no") -> str:
    """`"no"`, `"en"` or another ISO 639-1 code; `default` when the text has too few letters."""
    if sum(ch.isalpha() for ch in text) < 3:
        return default
    try:
        best = max(detect_langs(text), key=lambda lang: lang.prob).lang
    except LangDetectException:
        return default
    return "no" if best in _NORWEGIAN else best
