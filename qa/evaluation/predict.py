"""Run the shipped system and the plain baselines over gold questions, for `qa eval`."""
from __future__ import annotations

from collections.abc import Callable

from qa.answer import ask
from qa.engine import Engine
from qa.evaluation.evaluate import Prediction, evaluate
from qa.params import Params
from qa.search import Method, search


def shipped(engine: Engine, k: int) -> Callable[[dict], Prediction]:
    """Predictions of `qa.ask`: its sources, abstention and first answer sentence."""
    def predict(question: dict) -> Prediction:
        answer = ask(engine, question["question"], k=k)
        first = None
        if answer.cited:
            number, quote = answer.cited[0]
            first = (answer.sources[number - 1].hit.doc, quote.text)
        return Prediction([(s.hit.doc, s.hit.text) for s in answer.sources], answer.abstained, first)
    return predict


def retrieval_only(engine: Engine, k: int, method: Method, params: Params | None = None) -> Callable[[dict], Prediction]:
    """Predictions of one retrieval method alone (no answers, never abstains), with `params` if given."""
    def predict(question: dict) -> Prediction:
        hits = search(engine, question["question"], k, method=method, params=params)
        return Prediction([(h.doc, h.text) for h in hits])
    return predict


def evaluate_methods(engine: Engine, questions: list[dict], k: int, *, compare: bool) -> dict[str, dict]:
    """{method name: evaluate() result}; the shipped system last."""
    results = {}
    if compare:
        for method in ("lexical", "dense"):
            results[f"{method} only"] = evaluate(questions, retrieval_only(engine, k, method))
    results["hybrid (shipped)"] = evaluate(questions, shipped(engine, k))
    return results
