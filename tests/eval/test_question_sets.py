"""Every question set in eval/: loadable, ids unique across files, valid fields, gold quotes that the
evaluation can actually find.

A gold quote must be (a) verbatim in its corpus file once whitespace is collapsed, and (b) matched by
the metric's hit rule (`qa.metrics.passage_hits`) against the thesis's clean text as the indexer
produces it (hyphenated line ends joined, layout removed), and contained in it outright, so that a
passage or answer sentence quoting the text can hit it. The five theses are parsed once per session
with a character-based token counter: the clean text does not depend on the tokenizer, so no model
is loaded.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from indexer.thesis import parse_thesis
from qa.evaluation.evaluate import UNANSWERABLE, load_questions
from qa.evaluation.metrics import normalise, passage_hits

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "eval"
CORPUS = REPO / "corpus"
SETS = sorted(EVAL.glob("*.jsonl"))
REQUIRED_SETS = {"dev.jsonl", "unanswerable.jsonl", "heldout.jsonl", "sealed.jsonl"}
LANGS = {"no", "en"}
ANSWERABLE_KINDS = {"factoid", "concept", "crosslingual", "quote"}
_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Every run of whitespace as one space, stripped; case kept (the corpus-file check is verbatim)."""
    return _WS.sub(" ", text).strip()


@pytest.fixture(scope="session")
def question_sets() -> dict[str, list[dict]]:
    """Every eval/*.jsonl, loaded with the project's loader (which rejects malformed lines)."""
    return {path.name: load_questions(path) for path in SETS}


@pytest.fixture(scope="session")
def corpus_files() -> dict[str, str]:
    """Each thesis file's raw text, whitespace collapsed."""
    return {p.name: collapse(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def clean_texts() -> dict[str, str]:
    """Each thesis's clean text as the indexer makes it (parsed once per session, no model)."""
    return {
        p.name: parse_thesis(p, count_tokens=lambda text: len(text) // 4).text
        for p in sorted(CORPUS.glob("*.txt"))
    }


def all_questions(question_sets: dict[str, list[dict]]) -> list[tuple[str, dict]]:
    return [(name, q) for name, questions in question_sets.items() for q in questions]


def test_every_required_set_is_present(question_sets):
    assert REQUIRED_SETS <= set(question_sets), sorted(question_sets)


def test_ids_unique_across_files(question_sets):
    counts = Counter(q["id"] for _, q in all_questions(question_sets))
    assert not [i for i, n in counts.items() if n > 1]


def test_questions_unique_across_files(question_sets):
    counts = Counter(normalise(q["question"]) for _, q in all_questions(question_sets))
    assert not [text for text, n in counts.items() if n > 1]


def test_lang_and_kind_are_valid(question_sets):
    bad = [
        (name, q["id"], q["lang"], q["kind"])
        for name, q in all_questions(question_sets)
        if q["lang"] not in LANGS or q["kind"] not in ANSWERABLE_KINDS | {UNANSWERABLE}
    ]
    assert not bad


def test_gold_only_and_always_on_answerable_questions(question_sets):
    for name, q in all_questions(question_sets):
        if q["kind"] == UNANSWERABLE:
            assert q["gold"] == [], (name, q["id"])
        else:
            assert q["gold"], (name, q["id"])
            assert all(g["doc"] in {p.name for p in CORPUS.glob("*.txt")} for g in q["gold"]), (name, q["id"])


def test_gold_quotes_verbatim_in_the_corpus_file(question_sets, corpus_files):
    missing = [
        (name, q["id"], g["quote"][:60])
        for name, q in all_questions(question_sets)
        for g in q["gold"]
        if collapse(g["quote"]) not in corpus_files[g["doc"]]
    ]
    assert not missing


def test_gold_quotes_hit_the_clean_text(question_sets, clean_texts):
    """The metric's own hit rule, plus outright containment in the normalised clean text."""
    clean = {doc: normalise(text) for doc, text in clean_texts.items()}
    missed = [
        (name, q["id"], g["quote"][:60])
        for name, q in all_questions(question_sets)
        for g in q["gold"]
        if not passage_hits(g["doc"], clean_texts[g["doc"]], g) or normalise(g["quote"]) not in clean[g["doc"]]
    ]
    assert not missed


def test_the_hit_rule_rejects_a_quote_not_in_the_thesis(clean_texts):
    """The check above can fail: a made-up sentence, or a real one credited to the wrong thesis."""
    doc, other = sorted(clean_texts)[:2]
    real = normalise(clean_texts[doc])[1000:1200]
    assert passage_hits(doc, clean_texts[doc], {"doc": doc, "quote": real})
    assert not passage_hits(other, clean_texts[other], {"doc": other, "quote": real})
    made_up = "Denne setningen står ikke i noen av de fem oppgavene om rus og recovery."
    assert not passage_hits(doc, clean_texts[doc], {"doc": doc, "quote": made_up})
