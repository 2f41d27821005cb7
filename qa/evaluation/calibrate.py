"""Choose the abstention threshold: best-sentence scores of answerable vs unanswerable questions.

`python -m qa calibrate eval/dev.jsonl eval/unanswerable.jsonl` prints, for candidate thresholds,
the share of unanswerable questions that would abstain and of answerable ones that would wrongly
abstain, per question language, with the query encoder this machine uses (set
`TESESOK_ENCODER_DTYPE` to calibrate another). `qa.params.Params.abstain_below` is set from these
tables: per model, encoder precision and language, a threshold that keeps wrong abstentions at or
below 10%.
"""
from __future__ import annotations

from qa.answer import ask
from qa.engine import Engine
from qa.evaluation.evaluate import is_unanswerable


def best_scores(engine: Engine, questions: list[dict]) -> dict[str, tuple[list[float], list[float]]]:
    """Best answer-sentence score per question: {language: (answerable, unanswerable)}."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for q in questions:
        answer = ask(engine, q["question"], k=10)
        answerable, unanswerable = out.setdefault(answer.language, ([], []))
        (unanswerable if is_unanswerable(q) else answerable).append(answer.best_score)
    return out


def threshold_table(answerable: list[float], unanswerable: list[float]) -> str:
    """Abstention rates at every threshold between observed scores."""
    candidates = sorted(set(round(s, 3) for s in answerable + unanswerable))
    lines = ["threshold  abstain(unanswerable)  wrongly abstained(answerable)"]
    for t in candidates:
        ok = sum(s < t for s in unanswerable) / max(1, len(unanswerable))
        wrong = sum(s < t for s in answerable) / max(1, len(answerable))
        lines.append(f"{t:9.3f}  {ok:21.2f}  {wrong:29.2f}")
    return "\n".join(lines)
