"""Calibrate an index's confidence thresholds: `python -m qa calibrate GOLD.jsonl ...`.

Every question is answered with the engine's knobs and its confidence score kept; the `none` and
`high` thresholds are then set per language the way cross-validation sets them inside a training
fold (`qa.evaluation.cv.choose_thresholds`: `none` a margin under the lowest answerable score,
`high` above 90% of the unanswerable ones) and written into the index (`store.calibration`),
keyed by the index's model and this machine's query precision (`TESESOK_ENCODER_DTYPE` to
calibrate another). This is how an index built with another model gets thresholds at all.
"""
from __future__ import annotations

from qa.engine import Engine
from qa.evaluation.cv import cache, choose_thresholds, figures, outcome, with_scores
from store.calibration import write_calibration


def calibrate(engine: Engine, questions: list[dict], write: bool = True) -> str:
    """Choose the thresholds on `questions`, write them into the index unless not `write`, and
    describe what was chosen (with the in-sample figures, which are optimistic)."""
    key = (engine.encoder.model_id, engine.encoder.dtype)
    if not questions:
        raise ValueError("calibrate needs at least one question")
    rows = with_scores([outcome(engine, item, engine.params) for item in cache(engine, questions)], engine.params)
    answerable = [r for r in rows if not r["unanswerable"]]
    if not answerable:
        raise ValueError("calibrate needs answerable questions (with gold quotes)")
    thresholds = choose_thresholds(rows)
    lines = [f"model {key[0]}, {key[1]} queries: {len(answerable)} answerable, {len(rows) - len(answerable)} unanswerable"]
    for language in ("no", "en"):
        lines.append(f"  {language}: none below {thresholds.none_below[language]:.3f}, "
                     f"high from {thresholds.high_from[language]:.3f}")
    shown = figures(rows, thresholds)
    lines.append("  in-sample: " + ", ".join(f"{k}={v:.3f}" for k, v in shown.items() if v is not None and k in
                                             ("answer_hit", "answerable_refused", "unanswerable_none")))
    if write:
        path = write_calibration(engine.index_dir, *key, thresholds.to_json(), len(rows))
        lines.append(f"written to {path}")
    return "\n".join(lines)
