"""Answer types: quantity questions need sentences that state a quantity."""
import pytest

from qa.answer_type import asks_for_quantity, states_quantity


@pytest.mark.parametrize("question", [
    "Hvor mange informanter ble intervjuet?", "Hvor stor andel svarte nei?", "Hvor lenge varte intervjuene?",
    "How many young people had been offered cannabis?", "What proportion of patients are women?",
    "What does one day of treatment cost?", "Hva koster et døgn i behandling?",
])
def test_quantity_questions(question):
    assert asks_for_quantity(question)


@pytest.mark.parametrize("question", [
    "Hva er gatekapital?", "Why is loneliness a risk?", "Hvordan beskriver Goffman frontstage?",
    "Hvor hadde forfatteren praksis?",
])
def test_other_questions(question):
    assert not asks_for_quantity(question)


@pytest.mark.parametrize("sentence, expected", [
    ("Informantene består av 5 kvinner og 3 menn i alderen ca. 30-50 år.", True),
    ("I 1964 mente 80 % av respondentene at utsagnet karakteriserte misbruk.", True),
    ("Halvparten av deltakerne hadde en viktig person i nettverket.", True),
    ("Dette er beskrevet tidligere (Topor, 2006, s. 12).", False),
    ("Loven ble endret i 2004 etter lang debatt.", False),
    ("Se s. 45 for en oversikt.", False),
    ("Informantene beskriver en type rusmestring.", False),
])
def test_sentences_stating_a_quantity(sentence, expected):
    assert states_quantity(sentence) is expected
