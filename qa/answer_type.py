"""What kind of answer a question asks for, and whether a sentence can be such an answer.

A question that asks for a quantity ("Hvor mange …?", "How much …?", "Hvor stor andel …?") is
only answered by a sentence that states one: a number that is not a year or a page reference, or
a number word. Restricting answer sentences this way finds the figure the reader wants, and lets
the system abstain when the passages only talk around it.
"""
from __future__ import annotations

import re

_QUANTITY_QUESTION = re.compile(
    r"\b(hvor\s+(mange|mye|stor\w*|lang\w*|lenge|ofte|gammel|gamle|høy\w*)|hvilken\s+andel|hva\s+kost\w*|"
    r"how\s+(many|much|long|often|old|large|big|high)|what\s+(share|proportion|percentage|fraction|amount|number)|"
    r"what\s+(does|did|do)\b.*\bcost)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = frozenset(
    "to tre fire fem seks sju syv åtte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten tjue "
    "hundre tusen million millioner halvparten tredjedel tredjedelen firedel kvart prosent "
    "two three four five six seven eight nine ten eleven twelve fifteen twenty hundred thousand half percent".split()
)
_CITATION = re.compile(r"\([^()]*\d{4}[^()]*\)")  # (Topor, 2006, s. 12)
_PAGE_REF = re.compile(r"\b(s|side|p|pp)\.\s*\d+", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)(?![\w])")


def asks_for_quantity(question: str) -> bool:
    """Whether the question asks how many, how much, what share, how long, what it costs, …"""
    return bool(_QUANTITY_QUESTION.search(question))


def states_quantity(sentence: str) -> bool:
    """Whether the sentence gives a number other than a year, a citation or a page reference."""
    text = _PAGE_REF.sub(" ", _CITATION.sub(" ", sentence))
    for match in _NUMBER.finditer(text):
        value = match.group(1)
        if not (len(value) == 4 and value.isdigit() and 1800 <= int(value) <= 2099):
            return True
    words = set(re.findall(r"\w+", text.lower()))
    return bool(words & _NUMBER_WORDS)
