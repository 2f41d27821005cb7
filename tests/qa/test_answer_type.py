"""Answer types: quantity questions need sentences that state a quantity; quote questions favour quoted words."""
import pytest

from qa.answer_type import (asks_for_quantity, asks_for_quote, quantities, quantity_kinds, quoted_regions, quoted_share,
                            states_quantity)


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
    ("Fredrikstad 14. januar 2010 Ragnhild Fugletveit og Trude Tonholm", False),
    ("The interviews took place on March 3 and lasted long.", False),
    ("Informantene beskriver en type rusmestring.", False),
])
def test_sentences_stating_a_quantity(sentence, expected):
    assert states_quantity(sentence) is expected


@pytest.mark.parametrize("question", [
    "Hva var svarprosenten i spørreundersøkelsen?", "Hvor vanlig er pengespillproblemer blant unge?",
    "How common is relapse after treatment?", "What daily dose do patients usually receive?",
    "Hvordan fordelte deltakerne seg på kjønn og alder?", "Hva var kjønnsfordelingen blant informantene?",
    "What was the age distribution of the informants?",
])
def test_more_ways_of_asking_for_a_quantity(question):
    assert asks_for_quantity(question)


@pytest.mark.parametrize("question", [
    "Hvilke fordeler har lavterskeltilbud?", "What does Goffman mean by stigma?",
    "Hvordan fordeles ansvaret mellom NAV og kommunen?", "Hva sier de om arbeidsfordelingen i teamet?",
    "How is responsibility distributed between the services?",
])
def test_advantages_and_meanings_are_not_quantities(question):
    assert not asks_for_quantity(question)


def test_number_words_follow_the_sentence_language():
    english = "Treatment could be necessary to help adolescents in a vulnerable period."
    assert not states_quantity(english, "en")  # "to" is two only in Norwegian
    assert states_quantity("Vi intervjuet to informanter.", "no")
    assert states_quantity("We interviewed two informants.", "en")


def test_a_quantity_the_question_names_is_not_an_answer():
    named = quantities("How long did each interview with the eight former addicts last?", "en")
    assert not states_quantity("Rapporten bygger på intervjuer med 8 informanter.", "no", named)
    assert not states_quantity("Rapporten bygger på intervjuer med åtte informanter.", "no", named)
    assert states_quantity("Hvert intervju varte i 90 minutter med 8 informanter.", "no", named)


@pytest.mark.parametrize("question, kinds", [
    ("Hvor mange informanter ble intervjuet?", {"count"}),
    ("Hvor stor andel av deltakerne har egen bolig?", {"share"}),
    ("How common is relapse after treatment?", {"share"}),
    ("Hva var svarprosenten?", {"share"}),
    ("Hva koster et døgn i behandling?", {"money"}),
    ("How much money was set aside for the plan?", {"money"}),
    ("How many places do the units in Norwegian prisons have?", {"count"}),  # prisons: no price
    ("Hvor lenge varte intervjuene?", {"duration"}),
    ("What daily dose do patients usually receive?", {"dose"}),
    ("Hvor mange ble intervjuet, og hvor lenge varte intervjuene?", {"count", "duration"}),
    ("Hvor gamle var informantene?", set()),  # ages: any number
    ("Hva er kostholdet til de innlagte?", set()),  # kosthold: no cost
])
def test_the_kinds_of_quantity_a_question_asks_for(question, kinds):
    assert quantity_kinds(question) == kinds


@pytest.mark.parametrize("kind, sentence, expected", [
    ("share", "Omtrent 1 av 3 ungdommer oppgir at de er blitt tilbudt cannabis.", True),
    ("share", "Dette utgjør 40 % av endringen.", True),
    ("share", "Alle har rett til å få vurdert denne innen 30 dager.", False),
    ("money", "En plass koster 4 500 kroner i døgnet.", True),
    ("money", "Opptrappingsplanen kom i 2016 og gjaldt 14 kommuner.", False),
    ("money", "Det er nok de færreste som vil regne et natthjem som bolig.", False),  # nok: enough
    ("money", "Det er nok 5 år siden.", False),
    ("money", "Planen fikk 2 millioner kroner.", True),
    ("money", "Prisen var kr. 450 per døgn.", True),
    ("money", "Egenandelen er 5 000 NOK i året.", True),
    ("duration", "Intervjuet vil ta cirka en time.", True),
    ("duration", "De hadde vært rusfrie i to år.", True),
    ("duration", "En 48 år gammel mann forteller om fellesskapet.", False),  # an age
    ("duration", "Jeg intervjuet syv personer i alderen 20 til 60 år.", False),
    ("dose", "Vanlig dose er 16 mg om dagen.", True),
    ("dose", "Mange får behandling i 10 år.", False),
    ("share", "Hver tredje informant hadde barn.", True),
    ("share", "Fem av de åtte informantene var kvinner.", True),  # number words, as theses write them
    ("share", "Tre av informantene hadde egen bolig.", True),
    ("share", "Omtrent ti prosent fikk tilbakefall.", True),
    ("share", "En av informantene bodde på institusjon i 30 dager.", False),  # one of them: no share
    ("share", "Dette er en av de viktigste faktorene.", False),
    ("share", "Studieåret 2015/2016 begynte hun i behandling.", False),
    ("share", "Hver kommende uke var det samtaler.", False),
    ("duration", "Det var en av dagene han husket best.", False),
    ("duration", "Hun hadde bodd der i et halvt år.", True),
    ("duration", "Intervjuene varte i halvannen time.", True),
    ("duration", "Intervjuene varte i en og en halv time.", True),
])
def test_a_typed_quantity_question_takes_only_a_sentence_of_its_kind(kind, sentence, expected):
    assert states_quantity(sentence, "no", frozenset(), frozenset({kind})) is expected


def test_a_count_takes_any_quantity_beside_a_typed_kind():
    kinds = frozenset({"count", "duration"})
    assert states_quantity("Vi intervjuet 5 kvinner og 3 menn.", "no", frozenset(), kinds)
    assert not states_quantity("Informantene beskriver en type rusmestring.", "no", frozenset(), kinds)


@pytest.mark.parametrize("question", [
    "Finn et sitat som viser hvordan informantene opplevde LAR.", "Jeg trenger en definisjon jeg kan sitere.",
    "Hvilke utsagn viser at ettervernet hjalp?", "Find a quote about loneliness after treatment.",
    "Find an informant's statement on housing.", "I need an interviewee's words about debt.",
    "How do the young people describe it in their own words?",
])
def test_quote_questions(question):
    assert asks_for_quote(question)


@pytest.mark.parametrize("question", [
    "Hva er gatekapital?", "Hvordan beskriver informantene LAR?", "What did the informants say mattered most?",
    "Hvor mange informanter ble intervjuet?",
])
def test_questions_not_asking_for_a_quote(question):
    assert not asks_for_quote(question)


def _quoted(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [text[a:b] for a, b in quoted_regions(text, start, end)]


@pytest.mark.parametrize("text, expected", [
    ('En informant sa: "Man trenger mye omsorg." Så gikk hun.', ["Man trenger mye omsorg."]),
    ("Han kalte det «gatekapital» og «ressurser».", ["gatekapital", "ressurser"]),
    ("Skjælaaen definerer dette som ”hva rusen gjør for oss”. Videre …", ["hva rusen gjør for oss"]),
    ("Hun sa „nei“ og “ja”.", ["nei", "ja"]),
    ('Et løst merke " i en linje.\n\nNeste avsnitt uten sitat.', [" i en linje."]),  # closed at the break
    ("Ingen sitater her.", []),
])
def test_quoted_regions(text, expected):
    assert _quoted(text) == expected


def test_a_passage_starting_inside_a_quotation_is_scanned_from_its_paragraph():
    text = 'Forrige avsnitt.\n\n"Jeg klarte det ikke. Det var nedverdigende." Sa hun.'
    inside = text.index("Det var")
    assert _quoted(text, inside) == ["Jeg klarte det ikke. Det var nedverdigende."]
    assert quoted_share(quoted_regions(text, inside), inside, text.index('."')) == 1.0
    assert quoted_share(quoted_regions(text, inside), text.index("Sa hun"), len(text)) == 0.0
