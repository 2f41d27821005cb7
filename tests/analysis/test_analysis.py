"""analysis: language of passages and questions, BM25 terms, number formatting (no model needed)."""
from __future__ import annotations

import json
import time

from analysis.language import detect_language, other_language, question_language
from analysis.lexical import analyse, content_words, unknown_words
from analysis.numbers import format_count


def test_question_language_from_function_words_and_letters():
    assert question_language("Hva er gatekapital?") == "no"
    assert question_language("What is street capital?") == "en"
    assert question_language("ettervern rus") == "no"
    assert question_language("Hvordan beskriver informantene overgangen fra fengsel til et liv uten rus?") == "no"
    assert question_language("How do the informants describe leaving prison for a life without drugs?") == "en"


def test_a_question_in_a_third_language_is_named_and_read_as_norwegian():
    assert other_language("Welche Rolle spielt die Familie im Genesungsprozess?") == "de"
    assert other_language("Quel est le rôle de la famille?") == "fr"
    assert question_language("Welche Rolle spielt die Familie im Genesungsprozess?") == "no"
    for question in ("Hva er gatekapital?", "Hvordan opplever informantene overgangen til egen bolig?",
                     "What is recovery capital?", "recovery capital og bolig først i Oslo", "Rolle der Familie",
                     "康复？", "Vilken roll spelar familjen för unga missbrukare?"):
        assert other_language(question) is None, question  # Norwegian (Swedish counts), English, or too short
    assert other_language("社会网络在康复中起什么作用？") == "zh-cn"  # no spaces: letters count as words


def test_no_project_question_is_taken_for_a_third_language():
    from pathlib import Path

    sets = ("dev", "unanswerable", "heldout", "fresh")  # never sealed
    questions = [json.loads(line) for name in sets
                 for line in (Path(__file__).parents[2] / "eval" / f"{name}.jsonl").read_text().splitlines()]
    flagged = [q["id"] for q in questions if other_language(q["question"]) and q["kind"] != "unanswerable"]
    assert len(questions) >= 120 and flagged == []


def test_passage_language_treats_danish_guesses_as_norwegian():
    text = ("Informantene forteller at nettverket deres endret seg da de sluttet å ruse seg, "
            "og at de måtte bygge nye relasjoner fra grunnen av.")
    assert detect_language(text) == "no"
    assert detect_language("The informants describe how their network changed when they stopped using drugs.") == "en"
    assert detect_language("12 3") == "no"  # too few letters: the default


def test_analyse_stems_and_drops_stop_words_per_language():
    assert analyse("Nettverkene og nettverket", "no") == analyse("nettverk nettverk", "no")
    assert "og" not in analyse("rus og ettervern", "no")
    assert analyse("The networks of users", "en") == analyse("network user", "en")


def test_content_words_leave_out_function_words_and_numbers():
    assert content_words("What is this about?", "en") == [] and content_words("who is he", "en") == []
    assert content_words("What is street capital in 2010?", "en") == ["street", "capital"]
    assert content_words("Hva er det?", "no") == [] and content_words("Hva er gatekapital?", "no") == ["gatekapital"]


def test_unknown_words_knows_norwegian_compounds_of_known_parts():
    known = set(analyse("rus bekjentskap forskning hjerne miljø narkotika informantene", "no"))
    question = ("Hvordan beskriver informantene rusbekjentskapene og narkotikamiljøet i 2020, "
                "og hva sier hjerneforskning?")
    assert unknown_words(question, "no", known) == ["beskriver", "sier"]  # "hvordan", "og", "i": stop words
    assert unknown_words("Rusbekjentskaper og samiske informanter", "no", known) == ["samiske"]
    assert unknown_words("samiske, samiske", "no", set()) == ["samiske"]  # once each
    # A Norwegian question's English terms are known by their English stems.
    assert unknown_words("Hva er recovery capital?", "no", set(analyse("recovery capital", "en"))) == []
    # English compounds are separate words: no splitting ("network" is no "net" + "work").
    assert unknown_words("the network", "en", set(analyse("net work", "en"))) == ["network"]


def test_unknown_words_knows_the_first_part_of_a_known_compound():
    known = set(analyse("12-trinnsmodellen tannlegen", "no"))
    ordered = sorted(known)
    assert unknown_words("12-trinn", "no", known) == ["trinn"]  # without the sorted terms: the old rule
    assert unknown_words("12-trinn", "no", known, ordered) == []  # "trinnsmodellen" starts with it
    assert unknown_words("tann tan", "no", known, ordered) == ["tan"]  # a first part has 4 letters or more
    assert unknown_words("tannlegene", "no", known, ordered) == []


def test_unknown_words_stays_fast_on_a_word_of_many_splits():
    known = set(analyse("rus rusmiddel middel", "no"))
    started = time.perf_counter()
    for length in (45, 48, 400):  # each prefix of it splits in many ways; the end splits in none
        assert unknown_words("rusmiddel" * (length // 9) + "xq", "no", known) == ["rusmiddel" * (length // 9) + "xq"]
    assert time.perf_counter() - started < 1.0


def test_format_count_groups_digits():
    assert format_count(1234567) == "1 234 567"
    assert format_count(999) == "999"
    assert format_count(12000, "\u00a0") == "12\u00a0000"
