"""Remembered phrases: word-for-word matching, and search and answers that find where a phrase stands."""
import re

import pytest

from qa.answer import ask
from qa.phrase import find_phrase, is_phrase, lower_keeping_offsets, phrase_pattern, phrase_words
from qa.search import search


def reference_contains(text: str, phrase: str) -> bool:
    """Plain regular-expression version: the phrase's words in a row, anything but letters between."""
    words = re.findall(r"\w+", phrase.casefold())
    return bool(re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", text.casefold()))


def holds(text: str, phrase: str) -> bool:
    """Whether `text` holds `phrase` word for word, as `qa.phrase` decides."""
    return bool(find_phrase(lower_keeping_offsets(text), phrase_pattern(phrase)))


def real_sentences(engine, n: int, min_words: int = 12) -> list[str]:
    """`n` sentences of at least `min_words` words, spread evenly over the index."""
    texts = (engine.text(int(t), int(s), int(e)) for t, s, e in zip(engine.s_thesis, engine.s_start, engine.s_end))
    long = [t for t in texts if len(t.split()) >= min_words]
    return long[:: max(1, len(long) // n)][:n]


def fragment(sentence: str) -> str:
    """Seven words from inside a sentence, lower-cased and in quotation marks, as a student pastes them."""
    return "«" + " ".join(sentence.split()[2:9]).lower() + "»"


def test_case_punctuation_quotes_and_line_breaks_are_ignored():
    phrase = "«Mitt tidligere nettverk oppsøkte meg»"
    assert phrase_words(phrase) == ["mitt", "tidligere", "nettverk", "oppsøkte", "meg"]
    assert holds("…” Mitt tidligere\nnettverk, oppsøkte meg. Der jeg bodde", phrase)


def test_only_whole_words_in_a_row_match():
    phrase = "rus og sosialt nettverk i byen"
    assert holds("Om rus og sosialt nettverk i byen.", phrase)
    assert not holds("rusfri og sosialt nettverk i byen", phrase)
    assert not holds("rus og et sosialt nettverk i byen", phrase)
    assert not holds("rus og sosialt nettverk i byene", phrase)


def test_found_spans_are_offsets_into_the_original_text():
    text = "İstanbul-konferansen: «Mitt tidligere nettverk\noppsøkte meg.»"
    lowered = lower_keeping_offsets(text)
    assert len(lowered) == len(text)
    spans = find_phrase(lowered, phrase_pattern("mitt tidligere nettverk oppsøkte meg"))
    assert [text[s:e] for s, e in spans] == ["Mitt tidligere nettverk\noppsøkte meg"]
    assert find_phrase(lowered, phrase_pattern("itt tidligere nettverk oppsøkte meg")) == []


@pytest.mark.parametrize("query, expected", [
    ("hva er recovery", False), ("", False), ("Hva er forskjellen på recovery og rehabilitering?", False),
    ("jeg selger ikke dop nå", True), ("«Det virket som medisin for meg der og da»", True),
])
def test_phrases_have_five_words_or_more_and_are_not_questions(query, expected):
    assert is_phrase(query) is expected


def test_matches_the_reference_on_real_text(engine):
    sentences = real_sentences(engine, 60)
    passage = " ".join(sentences[:20])
    phrases = [fragment(s) for s in sentences] + [fragment(s[::-1]) for s in sentences[:10]]
    outcomes = [holds(passage, p) for p in phrases]
    assert outcomes == [reference_contains(passage, p) for p in phrases]
    assert outcomes.count(True) >= 20  # the sample holds matches and non-matches alike
    assert outcomes.count(False) >= 40


def test_search_puts_the_passage_holding_a_pasted_phrase_first(engine):
    for sentence in real_sentences(engine, 40):
        phrase = fragment(sentence)
        hits = search(engine, phrase, k=5)
        assert holds(hits[0].text, phrase), phrase


def test_answer_quotes_the_sentence_holding_a_pasted_phrase(engine):
    phrases = [fragment(s) for s in real_sentences(engine, 40)]
    quoted = 0
    for phrase in phrases:
        answer = ask(engine, phrase)
        assert not answer.abstained, phrase
        quoted += holds(answer.cited[0][1].text, phrase)
    # A phrase whose sentence the index split differently (e.g. around an abbreviation) may miss.
    assert quoted >= 0.95 * len(phrases)


def test_on_a_large_corpus_the_best_passages_are_checked(engine):
    from dataclasses import replace

    from qa.params import DEFAULT

    pooled = replace(DEFAULT, exhaustive_up_to=100)  # candidate pools, as above 2 000 passages
    for sentence in real_sentences(engine, 10):
        phrase = fragment(sentence)
        plain = search(engine, phrase, k=20, params=replace(pooled, phrase_pool=0))
        hits = search(engine, phrase, k=5, params=replace(pooled, phrase_pool=20))
        if any(holds(h.text, phrase) for h in plain):
            assert holds(hits[0].text, phrase), phrase


def test_a_phrase_across_two_sentences_is_quoted_as_both(engine):
    pairs = [(i, i + 1) for i in range(0, len(engine.s_start) - 1, 97)
             if engine.s_thesis[i] == engine.s_thesis[i + 1]][:16]
    for first, second in pairs:
        thesis = int(engine.s_thesis[first])
        # words only: a quotation mark or an ellipsis standing alone is no word of the phrase
        one = [w for w in engine.text(thesis, int(engine.s_start[first]), int(engine.s_end[first])).split()
               if any(c.isalnum() for c in w)]
        two = [w for w in engine.text(thesis, int(engine.s_start[second]), int(engine.s_end[second])).split()
               if any(c.isalnum() for c in w)]
        if len(one) < 3 or len(two) < 3:  # a "sentence" of a lone quotation mark or ellipsis
            continue
        phrase = " ".join(one[-3:] + two[:3]).lower()
        answer = ask(engine, phrase)
        assert answer.cited, phrase
        quote = answer.cited[0][1]
        assert quote.text == engine.text(thesis, int(engine.s_start[first]), int(engine.s_end[second])), phrase
        assert engine.thesis_text(thesis)[quote.start:quote.end] == quote.text
