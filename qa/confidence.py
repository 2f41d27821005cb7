"""How sure an answer is: `high`, `low` or `none`, with a score and the reasons.

The score is the answer span's own score (`qa.span`) plus signals that do not depend on one
question set: how far the answer's best sentence stands above the query's background (its mean
cosine to a fixed sample of the corpus's sentences; e5 puts any text, nonsense included, at a
high cosine to everything, so only the margin says something), and the share of the question's
terms the answer holds. An answer is `high` only if the corpus uses every word of the question
(`Signals.unknown`). `none` is kept for clearly absent evidence: a question with no searchable
words or none the corpus holds, a question asking for a quantity that no span of its sources
states (`qa.answer_type`), or a score under the `none` threshold (`qa.params.Thresholds`,
chosen by cross-validation in `qa.evaluation.cv`), which sits 0.03 under the lowest answerable
training score: more than the query encoders move most scores, not all (int8: up to 0.025).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.engine import Engine
from qa.params import Params, Thresholds

LEVELS = ("none", "low", "high")
BACKGROUND_SAMPLE = 2048  # sentences in the background sample (a fixed stride over the corpus)


@dataclass(frozen=True)
class Signals:
    """What the confidence is computed from."""

    best: float  # the answer span's score (-1 without one)
    cosine: float  # the best cosine of one of the answer's sentences
    background: float  # the query's mean cosine to the sample of sentences
    coverage: float  # share of the question's terms that the answer holds
    has_terms: bool  # the question has searchable words at all
    # Share of the question's term weight (idf) that occurs in the corpus at all (for a question in
    # the language of most passages: the terms of all but the `unknown` words).
    presence: float = 1.0
    figure_missing: bool = False  # it asks for a quantity and no span of the sources states one of its kind
    # The question's words that the corpus never uses, not even as parts of a compound (checked
    # for questions in the language of most passages: other words are absent by nature).
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Confidence:
    level: str  # "high", "low" or "none"
    score: float
    reasons: tuple[str, ...] = ()


def background(engine: Engine, vector: np.ndarray) -> float:
    """The mean cosine of the query to a fixed, evenly spread sample of the corpus's sentences."""
    n = len(engine.sentence_vectors)
    step = max(1, n // BACKGROUND_SAMPLE)
    return float(np.mean(engine.sentence_vectors[::step][:BACKGROUND_SAMPLE] @ vector))


def score(signals: Signals, params: Params) -> float:
    """The confidence score: the span's score plus weighted margin and coverage."""
    if signals.best <= -1:
        return -1.0
    margin = signals.cosine - signals.background
    return (signals.best + params.margin_weight * margin + params.coverage_weight * signals.coverage
            + params.presence_weight * signals.presence)


def ruled_out(signals: Signals) -> str | None:
    """Why these signals are `none` whatever the thresholds: the reason, or None if a score decides."""
    if not signals.has_terms:
        return "no_terms"
    if signals.presence == 0:  # not one of its words occurs in the corpus
        return "unknown_terms"
    if signals.figure_missing:
        return "no_figure"
    return None


def grade(signals: Signals, language: str, params: Params, thresholds: Thresholds | None) -> Confidence:
    """The confidence level of an answer with these signals, for a question in `language`.

    Without `thresholds` (a model nobody calibrated) a score means nothing: the answer is `low`
    unless the question's words are absent altogether.
    """
    value = score(signals, params)
    refusal = ruled_out(signals)
    if refusal:
        return Confidence("none", value, (refusal,))
    if thresholds is None:
        return Confidence("low", value, ("uncalibrated",))
    if value < thresholds.none_below.get(language, thresholds.none_below["no"]):
        return Confidence("none", value, ("weak_evidence",))
    unknown = ("unknown_words",) if signals.unknown else ()
    if value < thresholds.high_from.get(language, thresholds.high_from["no"]):
        reasons = ("weak_evidence", *(("few_terms",) if signals.coverage < 0.5 else ()), *unknown)
        return Confidence("low", value, reasons)
    if unknown:  # the answer cannot be about what the corpus never names, however close it scores
        return Confidence("low", value, unknown)
    return Confidence("high", value)
