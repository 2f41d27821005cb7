"""Cross-validation (qa.evaluation.cv) on plain rows: folds, thresholds, and what a fold picks."""
from __future__ import annotations

import numpy as np
import pytest

from qa.confidence import Signals
from qa.evaluation import cv
from qa.params import DEFAULT


def questions(n: int = 40) -> list[dict]:
    kinds = ("factoid", "concept", "unanswerable")
    return [{"id": f"q{i}", "lang": ("no", "en")[i % 2], "kind": kinds[i % 3]} for i in range(n)]


def row(q: dict, score: float, ndcg: float = 0.0, hit: bool = False) -> dict:
    return {"id": q["id"], "lang": q["lang"], "unanswerable": q["kind"] == "unanswerable", "score": score,
            "ndcg@10": ndcg, "recall@1": ndcg, "answer_hit": hit, "answer_chars": 100 if hit else 0}


def test_folds_hold_every_question_once_and_spread_each_stratum_evenly():
    qs = questions(61)
    split = cv.folds(qs, 5, seed=3)
    assert sorted(i for fold in split for i in fold) == list(range(len(qs)))
    for key in {(q["lang"], q["kind"]) for q in qs}:
        counts = [sum((qs[i]["lang"], qs[i]["kind"]) == key for i in fold) for fold in split]
        assert max(counts) - min(counts) <= 1, (key, counts)
    assert cv.folds(qs, 5, seed=3) == split and cv.folds(qs, 5, seed=4) != split


def test_set_folds_hold_out_one_question_set_each():
    qs = [{**q, "set": ("dev", "fresh", "heldout")[i % 3]} for i, q in enumerate(questions(31))]
    split = cv.set_folds(qs)
    assert sorted(i for fold in split for i in fold) == list(range(len(qs)))
    assert [{qs[i]["set"] for i in fold} for fold in split] == [{"dev"}, {"fresh"}, {"heldout"}]


@pytest.mark.parametrize("n", [30, 120])
def test_thresholds_refuse_the_budget_a_margin_under_and_high_above_the_unanswerable(n):
    qs = questions(n)
    rows = [row(q, 1.0 + 0.01 * i) for i, q in enumerate(qs)]
    t = cv.choose_thresholds(rows)
    for lang in ("no", "en"):
        answerable = sorted(r["score"] for r in rows if r["lang"] == lang and not r["unanswerable"])
        skipped = int(cv.REFUSAL_BUDGET * len(answerable))  # 0 of 10 a language, 2 of 40
        assert skipped == (0 if n == 30 else 2)
        assert t.none_below[lang] == pytest.approx(answerable[skipped] - cv.THRESHOLD_MARGIN)
        unanswerable = sorted(r["score"] for r in rows if r["lang"] == lang and r["unanswerable"])
        share = sum(s < t.high_from[lang] for s in unanswerable) / len(unanswerable)
        assert share >= cv.HIGH_ABOVE_UNANSWERABLE and t.high_from[lang] >= t.none_below[lang]


def test_a_rule_refusal_scores_minus_nine_and_does_not_set_the_none_threshold():
    qs = [q for q in questions(30) if q["kind"] != "unanswerable"]
    signals = [Signals(1.0 + 0.01 * i, 0.9, 0.7, 1.0, True) for i in range(len(qs))]
    signals[0] = Signals(-1.0, -1.0, 0.0, 0.0, True, 1.0, figure_missing=True)  # a quantity no span states
    rows = cv.with_scores([{**row(q, 0.0), "signals": s} for q, s in zip(qs, signals)], DEFAULT)
    assert rows[0]["score"] == -9.0 and all(r["score"] > 0.9 for r in rows[1:])
    t = cv.choose_thresholds(rows)
    assert t.none_below[qs[0]["lang"]] > 0.9
    assert cv.level(rows[0], t) == "none"


def candidate(qs: list[dict], values: dict, ndcg: float, hit: bool, unanswerable_score: float) -> cv.Candidate:
    params = cv.with_knobs(DEFAULT, values)
    rows = [row(q, unanswerable_score if q["kind"] == "unanswerable" else 1.0, ndcg, hit) for q in qs]
    return cv.Candidate(params, rows)


def test_a_fold_judges_retrieval_by_ranking_even_when_a_worse_ranking_refuses_more_unanswerable_questions():
    """The staged pick: one retrieval value ranks far better; the other happens to put the
    unanswerable questions under the `none` threshold. The ranking decides the retrieval knob,
    and the answer and confidence stages choose among what is left."""
    qs = questions(30)
    better = candidate(qs, {"window_weight": 1.0, "term_weight": 0.2}, ndcg=0.9, hit=False, unanswerable_score=0.5)
    lucky = candidate(qs, {"window_weight": 0.0, "term_weight": 0.2}, ndcg=0.5, hit=True, unanswerable_score=0.5)
    worse_answers = candidate(qs, {"window_weight": 1.0, "term_weight": 0.3}, ndcg=0.9, hit=False, unanswerable_score=2.0)
    hits = candidate(qs, {"window_weight": 1.0, "term_weight": 0.1}, ndcg=0.9, hit=True, unanswerable_score=2.0)
    everything = set(range(len(qs)))
    index = np.array(sorted(everything))
    assert cv._train_terms(lucky, index).mean() > cv._train_terms(hits, index).mean()
    chosen, _ = cv._pick([lucky, worse_answers, better, hits], everything)
    assert chosen is hits


def test_the_figures_of_a_fold_are_those_of_its_held_out_questions():
    qs = questions(30)
    good = candidate(qs, {"term_weight": 0.1}, ndcg=1.0, hit=True, unanswerable_score=0.0)
    result = cv.cross_validate([good], qs, [cv.folds(qs, 3, seed=0)])
    assert len(result["folds"]) == 3
    for figures in result["folds"]:
        assert figures["ndcg@10"] == 1.0 and figures["answerable_refused"] == 0.0
        assert figures["unanswerable_none"] == 1.0  # 0.0 is far under every fold's `none` threshold
    assert result["mean"]["answer_hit"] == 1.0 and result["sd"]["answer_hit"] == 0.0


def test_the_objective_per_question_adds_up_to_the_objective_of_the_figures():
    qs = questions(30)
    c = candidate(qs, {}, ndcg=0.7, hit=True, unanswerable_score=0.5)
    c.rows[0]["score"] = c.score[0] = 0.2  # one answerable question (q0) scores low: the thresholds move
    index = np.arange(len(qs))
    expected = cv.objective(cv.figures(c.rows, cv.choose_thresholds(c.rows)))
    assert cv._train_terms(c, index).mean() == pytest.approx(expected)


def scoring(qs: list[dict], values: dict, good: set[int], hits: set[int] = frozenset()) -> cv.Candidate:
    """A candidate ranking the questions in `good` perfectly and the others not at all."""
    params = cv.with_knobs(DEFAULT, values)
    return cv.Candidate(params, [row(q, 1.0, float(i in good), i in hits) for i, q in enumerate(qs)])


def test_a_retrieval_knob_leaves_its_neutral_value_only_for_more_than_a_question_of_gain():
    """The one-standard-error rule: a same-language penalty that ranks one more training question
    well than the neutral one is not chosen; one that ranks three more is."""
    qs = questions(40)
    answerable = [i for i, q in enumerate(qs) if q["kind"] != "unanswerable"]
    base = set(answerable[:10])
    neutral = scoring(qs, {"same_language_penalty": 0.02}, base)
    one_more = scoring(qs, {"same_language_penalty": 0.03}, base | {answerable[10]})
    assert cv._pick([one_more, neutral], set(range(len(qs))))[0] is neutral
    three_more = scoring(qs, {"same_language_penalty": 0.03}, base | set(answerable[10:13]))
    assert cv._pick([three_more, neutral], set(range(len(qs))))[0] is three_more


def test_the_answer_stage_takes_the_best_even_by_one_question():
    qs = questions(40)
    answerable = [i for i, q in enumerate(qs) if q["kind"] != "unanswerable"]
    everyone = set(answerable)
    neutral = scoring(qs, {"typicality_weight": 0.0}, everyone, set(answerable[:10]))
    one_more = scoring(qs, {"typicality_weight": 0.25}, everyone, set(answerable[:11]))
    assert cv._pick([neutral, one_more], set(range(len(qs))))[0] is one_more


def test_the_grid_is_scored_at_every_point_and_weighting_with_a_progress_bar(tiny_engine, capsys):
    qs = [{"id": "t1", "lang": "no", "kind": "unanswerable", "question": "Hva er recovery?", "gold": []}]
    candidates = cv.score_grid(tiny_engine, cv.cache(tiny_engine, qs), cv.grid({"term_weight": (0.1, 0.2)}),
                               progress=True)
    assert len(candidates) == 2 * len(cv.grid(cv.SCORE_SPACE))
    assert {c.params.term_weight for c in candidates} == {0.1, 0.2}
    assert all(len(c.rows) == 1 and c.rows[0]["unanswerable"] for c in candidates)
    assert "cv grid" in capsys.readouterr().err
