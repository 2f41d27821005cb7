"""Answer types: quantity questions need sentences that state a quantity; quote questions favour quoted words."""
import pytest

from qa.answer_type import (asks_for_quantity, asks_for_quote, quantities, quantity_kinds, quoted_regions, quoted_share,
                            states_quantity)


# Which questions ask for a quantity (advantages, meanings and distributions of work do not) and
# which ask for a quote.
@pytest.mark.parametrize("detect, question, expected", [
    (asks_for_quantity, "Hvor mange informanter ble intervjuet?", True),
    (asks_for_quantity, "Hvor stor andel svarte nei?", True),
    (asks_for_quantity, "Hvor lenge varte intervjuene?", True),
    (asks_for_quantity, "How many young people had been offered cannabis?", True),
    (asks_for_quantity, "What proportion of patients are women?", True),
    (asks_for_quantity, "What does one day of treatment cost?", True),
    (asks_for_quantity, "Hva koster et døgn i behandling?", True),
    (asks_for_quantity, "Hva var svarprosenten i spørreundersøkelsen?", True),
    (asks_for_quantity, "Hvor vanlig er pengespillproblemer blant unge?", True),
    (asks_for_quantity, "How common is relapse after treatment?", True),
    (asks_for_quantity, "What daily dose do patients usually receive?", True),
    (asks_for_quantity, "Hvordan fordelte deltakerne seg på kjønn og alder?", True),
    (asks_for_quantity, "Hva var kjønnsfordelingen blant informantene?", True),
    (asks_for_quantity, "What was the age distribution of the informants?", True),
    (asks_for_quantity, "Hva er gatekapital?", False),
    (asks_for_quantity, "Why is loneliness a risk?", False),
    (asks_for_quantity, "Hvordan beskriver Goffman frontstage?", False),
    (asks_for_quantity, "Hvor hadde forfatteren praksis?", False),
    (asks_for_quantity, "Hvilke fordeler har lavterskeltilbud?", False),
    (asks_for_quantity, "What does Goffman mean by stigma?", False),
    (asks_for_quantity, "Hvordan fordeles ansvaret mellom NAV og kommunen?", False),
    (asks_for_quantity, "Hva sier de om arbeidsfordelingen i teamet?", False),
    (asks_for_quantity, "How is responsibility distributed between the services?", False),
    (asks_for_quote, "Finn et sitat som viser hvordan informantene opplevde LAR.", True),
    (asks_for_quote, "Jeg trenger en definisjon jeg kan sitere.", True),
    (asks_for_quote, "Hvilke utsagn viser at ettervernet hjalp?", True),
    (asks_for_quote, "Find a quote about loneliness after treatment.", True),
    (asks_for_quote, "Find an informant's statement on housing.", True),
    (asks_for_quote, "I need an interviewee's words about debt.", True),
    (asks_for_quote, "How do the young people describe it in their own words?", True),
    (asks_for_quote, "Hva er gatekapital?", False),
    (asks_for_quote, "Hvordan beskriver informantene LAR?", False),
    (asks_for_quote, "What did the informants say mattered most?", False),
    (asks_for_quote, "Hvor mange informanter ble intervjuet?", False),
])
def test_what_a_question_asks_for(detect, question, expected):
    assert detect(question) is expected


@pytest.mark.parametrize("sentence, expected", [
    ("Informantene består av 5 kvinner og 3 menn i alderen ca. 30-50 år.", True),
    ("I 1964 mente 80 % av respondentene at utsagnet karakteriserte misbruk.", True),
    ("Halvparten av deltakerne hadde en viktig person i nettverket.", True),
    ("Dette er beskrevet tidligere (Topor, 2006, s. 12).", False),
    ("Loven ble endret i 2004 etter lang debatt.", False),
    ("Se s. 45 for en oversikt.", False),
    ("Nåværende situasjon og erfaringer Innsats/Bistand Fremtidsmål Figur 3", False),  # a label
    ("Funnene drøftes i kapittel 4.2 og i tabell 2.", False),
    ("Oppgaven har fire kapitler.", True),
    ("Fredrikstad 14. januar 2010 Ragnhild Fugletveit og Trude Tonholm", False),
    ("The interviews took place on March 3 and lasted long.", False),
    ("Informantene beskriver en type rusmestring.", False),
])
def test_sentences_stating_a_quantity(sentence, expected):
    assert states_quantity(sentence) is expected


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
    ("Hvor mange år hadde de vært rusfrie?", {"count", "duration"}),  # a count of time units
    ("How many months did the stay last?", {"count", "duration"}),
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


@pytest.mark.parametrize("sentence, expected", [
    ("Natthjemmet har 12 senger.", True),
    ("Natthjemmet åpnet dørene kl 20.00 hver kveld.", False),  # a time of day
    ("Dørene åpnes klokken 8 og stenger 16:30.", False),
    ("Klokken halv ti neste morgen måtte alle være ute igjen av natthjemmet.", False),  # in words
    ("Overdose har de siste 10 årene vært den nest viktigste dødsårsaken.", False),  # a duration
    ("En 48 år gammel mann forteller om fellesskapet.", False),  # an age
    ("I løpet av 5 måneder døde fem av de sju.", True),  # counts beside a duration
    ("Vi intervjuet to informanter i to timer.", True),
])
def test_a_count_is_not_answered_by_a_time_of_day_a_duration_or_an_age(sentence, expected):
    kinds = quantity_kinds("Hvor mange plasser har natthjemmet?")
    assert kinds == {"count"} and states_quantity(sentence, "no", frozenset(), kinds) is expected


def test_an_english_time_of_day_is_no_count():
    kinds = quantity_kinds("How many beds does the night shelter have?")
    assert not states_quantity("The doors opened at nine o'clock.", "en", frozenset(), kinds)
    assert states_quantity("The shelter had nine beds.", "en", frozenset(), kinds)


def test_a_count_of_years_takes_a_duration():
    kinds = quantity_kinds("Hvor mange år hadde de vært rusfrie?")
    assert states_quantity("De hadde vært rusfrie i minst tre år.", "no", frozenset(), kinds)
    assert not states_quantity("De ble intervjuet kl 14.00.", "no", frozenset(), kinds)


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
