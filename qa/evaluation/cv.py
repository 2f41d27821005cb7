"""Cross-validated evaluation: `python -m qa eval --cv N` (held-out figures with their spread).

Every tuned constant is chosen inside the training folds only, and the figures reported are those
of the held-out fold, as mean ± sd over folds and repeats. A fold chooses in stages (`_pick`): the
retrieval knobs by ranking, then the answer knobs by answer hits, then the confidence weights and
thresholds; a retrieval or confidence knob moves from neutral only for more than one standard error
of gain. Folds are stratified by question
language and kind, with a fixed seed. With `--by-set` each question file is a fold instead
(leave-one-set-out): the held-out questions then come from an author and a round of writing that no
training question does, which is how questions nobody tuned on arrive.

It stays cheap because the expensive part of a question (encoding it, BM25) is done once
(`qa.search.gather`), each grid point is scored once over every question, and a fold only picks
among those per-question outcomes. The confidence thresholds are not grid points: they are set
from the training fold's confidence scores (`choose_thresholds`).

Evaluators are plain functions over plain dicts (one per question) returning named metrics.
"""
from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from qa.answer import answer_from
from qa.confidence import ruled_out, score as confidence_score
from qa.engine import Engine
from qa.evaluation.evaluate import is_unanswerable, progress_bar
from qa.evaluation.metrics import answer_hits, ranking_metrics
from qa.params import DEFAULT, Params, Thresholds
from qa.search import Evidence, gather, rank

K = 10  # passages per question, as `qa eval`
# Share of answerable training questions the `none` threshold may refuse (the lowest scores of
# each language; rounded down). 0 until phase 19, when the lowest answerable training score set the
# threshold: one answerable question the product cannot answer at all (its English answer scored
# 0.65, a fifth under the rest) then let every unanswerable English question through. Chosen inside
# each fold by an inner 4-fold CV from 0 / 0.03 / 0.05 on (unanswerable `none` − 2 × answerable
# refused), 11 of 15 folds took 0.05; held out on 162 questions, `none` 0.262 → 0.320 with
# answerable refused 0.022 → 0.019 (eval/README.md, phase 20).
REFUSAL_BUDGET = 0.05
# Thresholds sit this far below the training scores they are set from: more than the query
# encoders (int8, bf16, fp32) move most scores (bf16/fp32 ~0.002; int8 up to 0.025 on 92 questions).
THRESHOLD_MARGIN = 0.03
HIGH_ABOVE_UNANSWERABLE = 0.9  # "high" starts above this share of unanswerable training scores
# A retrieval or confidence knob leaves its neutral value only for a gain larger than this many
# standard errors of the paired per-question difference (the one-standard-error rule): on ~70
# training questions a knob chosen for one or two of them did worse held out (eval/README.md,
# phases 9-10).
SE_RULE = 1.0

# The search space: each knob with the values a fold may choose from (ties go to the first).
# Knobs every fold of earlier runs chose alike are fixed at that value (qa.params), to keep the
# grid small: merge depth 30, the Norwegian lexical weight 0.1, context 0.5, window evidence 1.0
# and hit weight 3.0 (eval/README.md, phases 3-5).
SPACE: dict[str, tuple] = {
    "same_language_penalty": (0.02, 0.03),
    "front_penalty": (0.0, 0.05, 0.1),
    "extra_sentence_cost": (-0.02, 0.0, 0.01),
    "term_weight": (0.1, 0.2, 0.3),
    "span_window": (0.0, 0.5, 1.0),
    "typicality_weight": (0.0, 0.25, 0.5, 1.25),
    "quote_weight": (0.0, 0.05, 0.1, 0.2),
}
# Confidence weights: scored after the fact from each question's stored signals.
SCORE_SPACE: dict[str, tuple] = {
    "margin_weight": (0.0, 0.5),
    "coverage_weight": (0.0, 0.05, 0.1),
    "presence_weight": (0.0, 0.05, 0.1, 0.2),
}


_WEIGHT_KNOBS = {"lexical_no": ("no", "lexical"), "lexical_en": ("en", "lexical"),
                 "sentence_no": ("no", "sentence"), "sentence_en": ("en", "sentence")}
NEVER = Thresholds({"no": -9.0, "en": -9.0}, {"no": -9.0, "en": -9.0})  # answers are never refused


def knob(params: Params, name: str) -> object:
    """The value of one knob of the search space (a `Params` field or one language's weight)."""
    if name in _WEIGHT_KNOBS:
        language, evidence = _WEIGHT_KNOBS[name]
        return getattr(params.weights[language], evidence)
    return getattr(params, name)


def with_knobs(params: Params, values: Mapping[str, object]) -> Params:
    """`params` with the knobs of the search space named in `values` set."""
    weights = dict(params.weights)
    plain = {}
    for name, value in values.items():
        if name in _WEIGHT_KNOBS:
            language, evidence = _WEIGHT_KNOBS[name]
            weights[language] = replace(weights[language], **{evidence: value})
        else:
            plain[name] = value
    return replace(params, weights=weights, **plain)


def grid(space: Mapping[str, Sequence], base: Params = DEFAULT) -> list[Params]:
    """Every combination of `space`'s values applied to `base`."""
    names = list(space)
    return [with_knobs(base, dict(zip(names, values))) for values in itertools.product(*(space[n] for n in names))]


@dataclass
class Cached:
    """A question and its evidence, computed once."""

    question: dict
    evidence: Evidence
    retrievals: dict = field(default_factory=dict)  # retrieval knob values -> Retrieval


def cache(engine: Engine, questions: Iterable[dict]) -> list[Cached]:
    """Encode every question once and keep its evidence."""
    return [Cached(q, gather(engine, q["question"])) for q in questions]


RETRIEVAL_KNOBS = ("sentence_no", "sentence_en", "lexical_no", "lexical_en", "same_language_penalty", "prf_weight",
                   "prf_depth", "merge_depth", "thesis_weight", "context_weight", "window_weight", "token_weight",
                   "front_penalty")


def outcome(engine: Engine, item: Cached, params: Params) -> dict:
    """One question answered with `params`, as a plain dict: ranking metrics, answer hit, signals."""
    q = item.question
    key = tuple(knob(params, name) for name in RETRIEVAL_KNOBS)
    if key not in item.retrievals:  # answer params vary more often than retrieval ones
        item.retrievals[key] = rank(engine, item.evidence, K, params)
    retrieval = item.retrievals[key]
    answer = answer_from(engine, retrieval, params.calibrated({(engine.encoder.model_id, engine.encoder.dtype): NEVER}))
    row = {"id": q["id"], "lang": q["lang"], "kind": q["kind"], "unanswerable": is_unanswerable(q),
           "signals": answer.signals, "answer_chars": 0, "answer_hit": False}
    if answer.cited:
        number, quote = answer.cited[0]
        row["answer_chars"] = len(quote.text)
        if not row["unanswerable"]:
            row["answer_hit"] = answer_hits(answer.sources[number - 1].hit.doc, quote.text, q["gold"])
    if not row["unanswerable"]:
        row.update(ranking_metrics([(h.doc, h.text) for h in retrieval.hits], q["gold"]))
    return row


def with_scores(rows: list[dict], params: Params) -> list[dict]:
    """`rows` with each question's confidence score under `params`' weights, or -9 where a rule
    refuses it (`qa.confidence.ruled_out`): such a score says nothing about where a threshold belongs."""
    return [{**r, "score": -9.0 if ruled_out(r["signals"]) else confidence_score(r["signals"], params)} for r in rows]


def choose_thresholds(rows: list[dict]) -> Thresholds:
    """The `none` and `high` thresholds per language from training rows with scores.

    `none_below`: the score that refuses at most `REFUSAL_BUDGET` of the answerable questions,
    less `THRESHOLD_MARGIN`. `high_from`: above `HIGH_ABOVE_UNANSWERABLE` of the unanswerable
    ones, plus the margin, and never below `none_below`.
    """
    none_below, high_from = {}, {}
    for lang in ("no", "en"):
        answerable = sorted(r["score"] for r in rows if r["lang"] == lang and not r["unanswerable"] and r["score"] > -9)
        unanswerable = sorted(r["score"] for r in rows if r["lang"] == lang and r["unanswerable"] and r["score"] > -9)
        allowed = int(REFUSAL_BUDGET * len(answerable))
        none_below[lang] = (answerable[allowed] if answerable else 0.0) - THRESHOLD_MARGIN
        top = unanswerable[min(len(unanswerable) - 1, int(HIGH_ABOVE_UNANSWERABLE * len(unanswerable)))] if unanswerable else none_below[lang]
        high_from[lang] = max(none_below[lang], top + THRESHOLD_MARGIN)
    return Thresholds(none_below, high_from)


def level(row: dict, thresholds: Thresholds) -> str:
    if row["score"] < thresholds.none_below[row["lang"]]:
        return "none"
    return "high" if row["score"] >= thresholds.high_from[row["lang"]] else "low"


def figures(rows: list[dict], thresholds: Thresholds | None = None) -> dict[str, float | None]:
    """The named metrics of question rows under `thresholds` (the evaluator); without them, under
    the level each row carries (`row["level"]`, set when it was held out)."""
    rows = [r if thresholds is None else {**r, "level": level(r, thresholds)} for r in rows]
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    out: dict[str, float | None] = {
        "ndcg@10": mean([r["ndcg@10"] for r in answerable]),
        "ndcg@10_en": mean([r["ndcg@10"] for r in answerable if r["lang"] == "en"]),
        "ndcg@10_no": mean([r["ndcg@10"] for r in answerable if r["lang"] == "no"]),
        "recall@1": mean([r["recall@1"] for r in answerable]),
        "answer_hit": mean([float(r["answer_hit"] and r["level"] != "none") for r in answerable]),
        "answerable_refused": mean([float(r["level"] == "none") for r in answerable]),
        "unanswerable_none": mean([float(r["level"] == "none") for r in unanswerable]),
        "answerable_high": mean([float(r["level"] == "high") for r in answerable]),
        "unanswerable_high": mean([float(r["level"] == "high") for r in unanswerable]),
        "answer_chars": mean([float(r["answer_chars"]) for r in answerable if r["answer_chars"]]),
    }
    return out


def objective(f: Mapping[str, float | None]) -> float:
    """What a fold maximises on its training questions: ranking, answers and refusals together."""
    return sum(f[name] or 0.0 for name in ("ndcg@10", "answer_hit", "unanswerable_none")) - 2 * (f["answerable_refused"] or 0.0)


def folds(questions: Sequence[dict], n: int, seed: int) -> list[list[int]]:
    """`n` folds of question indices, stratified by (language, kind), shuffled with `seed`."""
    strata: dict[tuple[str, str], list[int]] = {}
    for i, q in enumerate(questions):
        strata.setdefault((q["lang"], q["kind"]), []).append(i)
    rng = random.Random(seed)
    out: list[list[int]] = [[] for _ in range(n)]
    offset = 0
    for key in sorted(strata):
        members = strata[key]
        rng.shuffle(members)
        for j, i in enumerate(members):
            out[(offset + j) % n].append(i)
        offset += len(members)
    return out


def set_folds(questions: Sequence[dict]) -> list[list[int]]:
    """One fold per question set (each question's `set`, its file), in name order."""
    out: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        out.setdefault(q.get("set", ""), []).append(i)
    return [out[name] for name in sorted(out)]


@dataclass
class Candidate:
    """One grid point's per-question rows, with the params that produced them."""

    params: Params
    rows: list[dict]

    def __post_init__(self) -> None:  # the objective's inputs as arrays: a fold tries every candidate
        self.score = np.array([r["score"] for r in self.rows])
        self.english = np.array([r["lang"] == "en" for r in self.rows])
        self.unanswerable = np.array([r["unanswerable"] for r in self.rows])
        self.ndcg = np.array([r.get("ndcg@10", 0.0) for r in self.rows])
        self.hit = np.array([bool(r["answer_hit"]) for r in self.rows])


def score_grid(engine: Engine, items: list[Cached], params_grid: list[Params],
               progress: bool = False) -> list[Candidate]:
    """Every grid point scored over every question (then every confidence weighting of it), with
    a progress bar on stderr if `progress` (the long part of `qa eval --cv`)."""
    out = []
    for params in progress_bar(params_grid, progress, "cv grid", "point"):
        rows = [outcome(engine, item, params) for item in items]
        for weighted in grid(SCORE_SPACE, params):
            out.append(Candidate(weighted, with_scores(rows, weighted)))
    return out


def _train_terms(c: Candidate, train: np.ndarray) -> np.ndarray:
    """Per training question, its share of `objective` under `choose_thresholds` (times the number
    of questions, so that the mean is the objective), in numpy."""
    refused = np.zeros(len(train), dtype=bool)
    score, unanswerable = c.score[train], c.unanswerable[train]
    for english in (False, True):
        mine = c.english[train] == english
        answerable = np.sort(score[mine & ~unanswerable & (score > -9)])
        limit = (answerable[int(REFUSAL_BUDGET * len(answerable))] if len(answerable) else 0.0) - THRESHOLD_MARGIN
        refused |= mine & (score < limit)
    answered = ~unanswerable
    terms = np.where(answered, (c.ndcg[train] + (c.hit[train] & ~refused) - 2 * refused) / max(answered.sum(), 1),
                     refused / max(unanswerable.sum(), 1))
    return terms * len(train)


def _pick(candidates: list[Candidate], train: set[int]) -> tuple[Candidate, Thresholds]:
    """The candidate a fold chooses on its `train` questions, in three stages, each knob judged on
    what it is for: the retrieval knobs by nDCG@10, then the answer knobs by answer hits, then the
    confidence weights by `objective` under `choose_thresholds`. (One objective over all knobs at
    once let one or two unanswerable questions crossing the `none` threshold outweigh any gain in
    ranking: eval/README.md, "Window vectors".) The retrieval and confidence stages keep the
    simplest setting within `SE_RULE` standard errors of the best; the answer stage takes the best
    as before (its knobs act together, so fewer departures from neutral is no simpler answer: phase 10)."""
    index = np.array(sorted(train))
    answerable = index[~candidates[0].unanswerable[index]]
    pool = _best_group(candidates, RETRIEVAL_KNOBS, lambda c: c.ndcg[answerable], SE_RULE)
    pool = _best_group(pool, tuple(SPACE), lambda c: c.hit[answerable].astype(float), 0.0)
    c = _best_group(pool, tuple(SCORE_SPACE), lambda c: _train_terms(c, index), SE_RULE)[0]
    return c, choose_thresholds([c.rows[i] for i in index])


def _neutral(name: str) -> object:
    """A knob's neutral value: 0 where its space holds 0 (the evidence is off), else its first value."""
    values = {**SPACE, **SCORE_SPACE}[name]
    return 0.0 if 0.0 in values else values[0]


def _departures(params: Params) -> int:
    """How many knobs of the search space `params` sets away from their neutral value."""
    return sum(knob(params, name) != _neutral(name) for name in (*SPACE, *SCORE_SPACE))


def _best_group(candidates: list[Candidate], knobs: Sequence[str], values: Callable[[Candidate], np.ndarray],
                se_rule: float) -> list[Candidate]:
    """The candidates sharing the values of `knobs` with the chosen group: of the groups whose mean
    of `values` (per training question, the same for every member of a group) is within `se_rule`
    standard errors of the paired difference from the best group's, the one with the fewest knobs
    away from neutral (then the earliest in the grid). `se_rule` 0: the best, the earliest of equals."""
    groups: dict[tuple, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(tuple(knob(c.params, name) for name in knobs), []).append(c)
    members = list(groups.values())
    table = np.stack([values(group[0]) for group in members]).astype(float)
    means = table.mean(axis=1)
    gap = table[int(np.argmax(means))] - table  # paired, question by question
    se = gap.std(axis=1, ddof=1) / np.sqrt(table.shape[1]) if table.shape[1] > 1 else np.zeros(len(members))
    close = [i for i in range(len(members)) if means[i] >= means.max() - se_rule * se[i] - 1e-12]
    if not se_rule:
        return members[close[0]]
    return members[min(close, key=lambda i: (_departures(members[i][0].params), i))]


def cross_validate(candidates: list[Candidate], questions: Sequence[dict], splits: Sequence[list[list[int]]]) -> dict:
    """Held-out figures of choosing params and thresholds on the training folds of each split
    (a split: folds of question indices, `folds` or `set_folds`; one split per repeat).

    Returns `{"folds": [held-out figures per fold], "mean": {...}, "sd": {...}, "chosen": [params per
    fold], "by_set": {question set: figures of its questions pooled over the held-out folds}}`.
    """
    per_fold, chosen, held = [], [], []
    for split in splits:
        for test in split:
            train = set(range(len(questions))) - set(test)
            c, thresholds = _pick(candidates, train)
            rows = [{**c.rows[i], "set": questions[i].get("set", ""), "level": level(c.rows[i], thresholds)} for i in test]
            per_fold.append(figures(rows))
            held.extend(rows)
            chosen.append({**_chosen(c.params), **thresholds.to_json()})
    names = list(per_fold[0])
    mean = {k: statistics.fmean(v) if (v := [f[k] for f in per_fold if f[k] is not None]) else None for k in names}
    sd = {k: statistics.stdev(v) if len(v := [f[k] for f in per_fold if f[k] is not None]) > 1 else None for k in names}
    by_set = {name: figures([r for r in held if r["set"] == name]) for name in sorted({r["set"] for r in held})}
    return {"folds": per_fold, "mean": mean, "sd": sd, "chosen": chosen, "by_set": by_set}


SET_FIGURES = ("ndcg@10", "ndcg@10_en", "answer_hit", "answerable_refused", "unanswerable_none")


def format_cv(result: dict, n_questions: int, folds_name: str) -> str:
    """The held-out figures as `name  mean ± sd` lines, then the params each fold chose; `folds_name`
    names the folds ("5-fold CV x 3 repeat(s)")."""
    lines = [f"held-out figures, {folds_name}, {n_questions} questions (mean ± sd over folds)"]
    for name, value in result["mean"].items():
        sd = result["sd"][name]
        lines.append(f"  {name:22s} {'-' if value is None else f'{value:.3f}'}" + ("" if sd is None else f" ± {sd:.3f}"))
    for name, f in result.get("by_set", {}).items():
        lines.append(f"  set {name or '-'} (pooled held-out): " + ", ".join(
            f"{k}={v:.3f}" for k, v in f.items() if v is not None and k in SET_FIGURES))
    lines.append("knobs chosen per fold:")
    for i, c in enumerate(result["chosen"], 1):
        lines.append(f"  {i:2d} {_line(c)}")
    return "\n".join(lines)


def design(questions: Sequence[dict], n_folds: int, repeats: int = 1, by_set: bool = False,
           seed: int = 0) -> tuple[list[list[list[int]]], str]:
    """The splits of `qa eval --cv N` (`repeats` of `folds`) or `--by-set` (`set_folds`) and how
    they are named; a ValueError for folds that cannot be made of `questions`."""
    if by_set:
        split = set_folds(questions)
        if len(split) < 2:
            raise ValueError("--by-set needs at least two question sets (files)")
        return [split], "one fold per question set"
    if n_folds < 2 or n_folds > len(questions):
        n = len(questions)
        if n < 2:
            raise ValueError(f"--cv needs at least 2 questions, got {n}")
        raise ValueError(f"--cv needs between 2 and {n} folds, got {n_folds}" if n > 2
                         else f"--cv with 2 questions needs 2 folds, got {n_folds}")
    if repeats < 1:
        raise ValueError(f"--repeats must be at least 1, got {repeats}")
    return [folds(questions, n_folds, seed + r) for r in range(repeats)], f"{n_folds}-fold CV x {repeats} repeat(s)"


def run_cv(engine: Engine, questions: list[dict], splits: list[list[list[int]]], name: str,
           progress: bool = False) -> str:
    """`qa eval --cv N` or `--by-set` with the `splits` named `name` (`design`): score the grid once
    (with a progress bar if `progress`), cross-validate, and format the held-out figures."""
    items = cache(engine, questions)
    candidates = score_grid(engine, items, grid(SPACE), progress)
    report = format_cv(cross_validate(candidates, questions, splits), len(questions), name)
    c, thresholds = _pick(candidates, set(range(len(questions))))
    shipped = {**_chosen(c.params), **thresholds.to_json()}
    in_sample = figures(c.rows, thresholds)
    return (report + f"\nchosen on all {len(questions)} questions (what to ship in qa/params.py):\n  {_line(shipped)}\n"
            + "  in-sample (optimistic): " + ", ".join(f"{k}={v:.3f}" for k, v in in_sample.items() if v is not None))


def _chosen(params: Params) -> dict:
    return {name: knob(params, name) for name in (*SPACE, *SCORE_SPACE)}


def _line(chosen: dict) -> str:
    return ", ".join(f"{k}={v if not isinstance(v, dict) else {l: round(x, 3) for l, x in v.items()}}"
                     for k, v in chosen.items())
