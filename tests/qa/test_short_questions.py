"""Short questions, as users type them, are answered.

No project question set holds one: every answerable question there has 14 to 46 tokens, and the
unanswerable ones are shorter. A confidence signal that tracked question length passed their
cross-validation and then refused every question below (eval/README.md, phase 23).
"""
from __future__ import annotations

import re

import pytest

from qa.answer import ask


@pytest.mark.parametrize("question, term", [
    ("Hva er gatekapital?", "gatekapital"), ("Hva betyr stigma?", "stigma"),
    ("Hva er skadereduksjon?", "skaderedu"), ("Hva er LAR?", "lar"), ("Hva er ettervern?", "ettervern"),
    ("Hva er sprøyterom?", "sprøyterom"),
])
def test_a_short_question_about_a_term_the_theses_discuss_is_answered_from_a_passage_using_it(engine, question, term):
    answer = ask(engine, question)
    assert answer.confidence.level != "none", answer.confidence
    used = re.compile(rf"\b{term}")  # a word starting so
    assert used.search(answer.sources[0].hit.text.lower()) and used.search(answer.text.lower())
