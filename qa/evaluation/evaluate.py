"""Evaluation over a gold question set: what `python -m qa eval` runs and prints.

`evaluate(questions, predict)` calls `predict` once per question and scores the returned
`Prediction` with the scoring rule of eval/README.md (see `qa.evaluation.metrics`). Answerable
questions are scored on ranking (Recall@k, MRR@10, nDCG@10) overall, per `lang` and per `kind`; unanswerable
ones (kind `unanswerable` or no gold quotes) only on abstention.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from qa.evaluation.metrics import answer_hits, ranking_metrics

UNANSWERABLE = "unanswerable"
LANGUAGES = ("no", "en")  # a question's `lang`
DEFAULT_KS = (1, 5, 10)
TOP = 10  # passages per question that count (ranking metrics and mean passage length)


@dataclass
class Prediction:
    """What a system returns for one question.

    `passages`: `(doc, text)` best first, `doc` the corpus file name. `abstained`: the system said it
    found no answer. `answer`: `(doc, first answer sentence)`, None when there is no answer sentence.
    """

    passages: list[tuple[str, str]] = field(default_factory=list)
    abstained: bool = False
    answer: tuple[str, str] | None = None


def is_unanswerable(question: dict) -> bool:
    """Kind `unanswerable` or no gold quotes."""
    return question.get("kind") == UNANSWERABLE or not question.get("gold")


def load_questions(path: Path) -> list[dict]:
    """Read a JSONL question set (`id, lang, kind, question, gold[{doc, quote}], answer`).

    Blank lines are skipped. A bad line raises `ValueError` naming the file and line number: not
    JSON, not an object, a missing or mistyped field, a `lang` other than "no" or "en", a duplicate
    id, or gold quotes on a question of kind `unanswerable`; so does a file without questions.
    `answer` is optional (defaults to "").
    """
    path = Path(path)
    questions: list[dict] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(_text_lines(path), 1):
        if not line.strip():
            continue

        def bad(msg: str) -> ValueError:
            return ValueError(f"{path}:{lineno}: {msg}")

        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            raise bad(f"invalid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(q, dict):
            raise bad(f"expected a JSON object, got {type(q).__name__}")
        for key in ("id", "lang", "kind", "question"):
            if not isinstance(q.get(key), str) or not q[key].strip():
                raise bad(f"field {key!r} must be a non-empty string")
        if q["lang"] not in LANGUAGES:
            raise bad(f"field 'lang' must be one of {', '.join(map(repr, LANGUAGES))}, got {q['lang']!r}")
        gold = q.get("gold")
        if not isinstance(gold, list):
            raise bad("field 'gold' must be a list of {doc, quote}")
        for i, g in enumerate(gold):
            if not (isinstance(g, dict) and all(isinstance(g.get(k), str) and g[k].strip() for k in ("doc", "quote"))):
                raise bad(f"gold[{i}] must be an object with non-empty string fields 'doc' and 'quote'")
        if q["kind"] == UNANSWERABLE and gold:
            raise bad("a question of kind 'unanswerable' must have an empty 'gold'")
        if not isinstance(q.setdefault("answer", ""), str):
            raise bad("field 'answer' must be a string")
        if q["id"] in seen:
            raise bad(f"duplicate id {q['id']!r} (first on line {seen[q['id']]})")
        seen[q["id"]] = lineno
        questions.append(q)
    if not questions:
        raise ValueError(f"{path}: no questions (the file is empty)")
    return questions


def missing_gold_docs(questions: Sequence[dict], docs: Iterable[str]) -> str | None:
    """A warning when gold quotes name files the index (`docs`) does not hold: their questions can
    never be found and score 0 (fine for an index of part of the corpus, a typo otherwise)."""
    known = {PurePath(doc).name for doc in docs}  # as the metrics compare them (`corpus/x.txt` is `x.txt`)
    missing = [(q["id"], g["doc"]) for q in questions for g in q["gold"] if PurePath(g["doc"]).name not in known]
    if not missing:
        return None
    listed = "; ".join(f"{qid}: {doc!r}" for qid, doc in missing[:3]) + (" …" if len(missing) > 3 else "")
    return f"{len(missing)} gold quote(s) name a file the index does not hold ({listed}); they score 0"


def _text_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 text file; ValueError naming the file and the line if it is not UTF-8."""
    raw = path.read_bytes()
    try:
        # utf-8-sig: a byte-order mark (Notepad, Excel) is no part of the first line; not splitlines():
        # U+2028 may stand inside a JSON string.
        return raw.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(f"{path}:{line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _group(rows: list[dict], metric_names: list[str]) -> dict[str, Any]:
    """Mean of every ranking metric and of answer hits over answerable rows, plus `n`."""
    out: dict[str, Any] = {name: _mean([r["metrics"][name] for r in rows]) for name in metric_names}
    out["answer_hit"] = _mean([1.0 if r["answer_hit"] else 0.0 for r in rows])
    out["n"] = len(rows)
    return out


def evaluate(
    questions: list[dict],
    predict: Callable[[dict], Prediction],
    *,
    progress: bool = False,
    ks: Iterable[int] = DEFAULT_KS,
) -> dict:
    """Run `predict` on every question and score the predictions.

    Returns `{"overall", "by_lang", "by_kind", "abstention", "answer_hit_rate",
    "mean_passage_chars", "n", "per_question"}`:
    - `overall`, `by_lang[lang]`, `by_kind[kind]`: mean `recall@k`, `mrr@10`, `ndcg@10` and
      `answer_hit` over the answerable questions of the group, and their count `n` (groups hold
      only answerable questions, so there is no `by_kind["unanswerable"]`).
    - `abstention`: `unanswerable` (count), `abstained_correctly` (share of them that abstained),
      `answerable` (count), `wrongly_abstained` (share of them that abstained). A share over an
      empty set is None.
    - `answer_hit_rate`: share of answerable questions whose `Prediction.answer` overlaps a gold
      quote (`qa.evaluation.metrics.answer_hits`); an abstention or a missing answer is a miss.
    - `mean_passage_chars`: mean length of all returned top-10 passages, pooled over all questions
      (None if no passage was returned).
    - `n`: number of questions; `per_question`: one dict per question (id, lang, kind,
      unanswerable, abstained, answer_hit, metrics, n_passages) for inspection.
    """
    ks = tuple(sorted(set(ks)))
    per_question = [_score_question(q, predict(q), ks) for q in progress_bar(questions, progress, "eval", "q")]
    return _summarise(per_question, ks)


def progress_bar(items: list, enabled: bool, desc: str, unit: str) -> Iterable:
    """`items`, with a progress bar (`desc`, counted in `unit`) on stderr if `enabled`."""
    if enabled:
        try:
            from tqdm import tqdm

            return tqdm(items, desc=desc, unit=unit, file=sys.stderr)
        except ImportError:  # pragma: no cover - tqdm ships with the requirements
            pass
    return items


def _score_question(q: dict, pred: Prediction, ks: tuple[int, ...]) -> dict[str, Any]:
    """The per-question row of `evaluate` (its top-10 passage lengths under "lengths")."""
    top = list(pred.passages)[:TOP]
    row: dict[str, Any] = {
        "id": q.get("id"),
        "lang": q.get("lang"),
        "kind": q.get("kind"),
        "unanswerable": is_unanswerable(q),
        "abstained": bool(pred.abstained),
        "n_passages": len(top),
        "metrics": None,
        "answer_hit": None,
    }
    if not row["unanswerable"]:
        row["metrics"] = ranking_metrics(pred.passages, q["gold"], ks)
        row["answer_hit"] = bool(
            not pred.abstained and pred.answer is not None and answer_hits(pred.answer[0], pred.answer[1], q["gold"])
        )
    row["lengths"] = [len(text) for _, text in top]
    return row


def _summarise(rows: list[dict], ks: tuple[int, ...]) -> dict:
    """`evaluate`'s result from the per-question rows."""
    lengths = [n for r in rows for n in r.pop("lengths")]
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    metric_names = list(answerable[0]["metrics"]) if answerable else [f"recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"]

    def grouped(key: str) -> dict[str, dict]:
        groups: dict[str, list[dict]] = {}
        for r in answerable:
            groups.setdefault(r[key], []).append(r)
        return {name: _group(group, metric_names) for name, group in sorted(groups.items())}

    overall = _group(answerable, metric_names)
    return {
        "overall": overall,
        "by_lang": grouped("lang"),
        "by_kind": grouped("kind"),
        "abstention": {
            "unanswerable": len(unanswerable),
            "abstained_correctly": _mean([1.0 if r["abstained"] else 0.0 for r in unanswerable]),
            "answerable": len(answerable),
            "wrongly_abstained": _mean([1.0 if r["abstained"] else 0.0 for r in answerable]),
        },
        "answer_hit_rate": overall["answer_hit"],
        "mean_passage_chars": _mean(lengths),
        "n": len(rows),
        "per_question": rows,
    }


# ---------------------------------------------------------------------------------------------
# Plain-text tables


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _render(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned first column, right-aligned numbers, a rule under the header."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def format_table(results: dict[str, dict]) -> str:
    """One row per method (`{name: evaluate() result}`), the headline figures side by side.

    Columns: nDCG@10 overall / en / no, R@1, R@5, R@10 (overall), MRR@10, answer hit rate,
    abstained correctly (unanswerable), wrongly abstained (answerable), mean passage chars.
    """
    header = ["method", "nDCG@10", "nDCG en", "nDCG no", "R@1", "R@5", "R@10", "MRR@10",
              "answer hit", "abstain ok", "wrong abst", "mean chars"]  # fmt: skip
    rows = []
    for name, res in results.items():
        overall = res["overall"]
        by_lang = res.get("by_lang", {})
        ab = res["abstention"]
        rows.append([
            name,
            _fmt(overall.get("ndcg@10")),
            _fmt(by_lang.get("en", {}).get("ndcg@10")),
            _fmt(by_lang.get("no", {}).get("ndcg@10")),
            _fmt(overall.get("recall@1")),
            _fmt(overall.get("recall@5")),
            _fmt(overall.get("recall@10")),
            _fmt(overall.get("mrr@10")),
            _fmt(res.get("answer_hit_rate")),
            _fmt(ab.get("abstained_correctly")),
            _fmt(ab.get("wrongly_abstained")),
            _fmt(res.get("mean_passage_chars"), 1),
        ])  # fmt: skip
    return _render(header, rows)


def format_report(result: dict) -> str:
    """The breakdown of one method: rows overall, lang=…, kind=…; then abstention and answers.

    Columns: R@1, R@5, R@10, MRR@10, nDCG@10, answer hit, n (answerable questions in the row).
    """
    header = ["", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10", "ans hit", "n"]

    def row(label: str, g: dict) -> list[str]:
        return [label, *(_fmt(g.get(m)) for m in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "answer_hit")),
                str(g.get("n", 0))]  # fmt: skip

    rows = [row("overall", result["overall"])]
    langs = result.get("by_lang", {})
    for lang in ["no", "en", *sorted(set(langs) - {"no", "en"})]:
        if lang in langs:
            rows.append(row(f"lang={lang}", langs[lang]))
    for kind, g in result.get("by_kind", {}).items():
        rows.append(row(f"kind={kind}", g))
    ab = result["abstention"]
    footer = [
        f"questions: {result['n']} ({ab['answerable']} answerable, {ab['unanswerable']} unanswerable)",
        f"abstained correctly on unanswerable: {_fmt(ab['abstained_correctly'])} (n={ab['unanswerable']})",
        f"wrongly abstained on answerable: {_fmt(ab['wrongly_abstained'])} (n={ab['answerable']})",
        f"answer hit rate: {_fmt(result.get('answer_hit_rate'))}",
        f"mean passage length (top {TOP}): {_fmt(result.get('mean_passage_chars'), 1)} chars",
        "issue 16 figures (names as in `qa eval --cv`): " + summary_line(result),
    ]
    return _render(header, rows) + "\n\n" + "\n".join(footer)


def summary_line(result: dict) -> str:
    """answer_hit, answerable_refused, unanswerable_none, ndcg@10 overall and for English."""
    ab = result["abstention"]
    english = result.get("by_lang", {}).get("en", {})
    figures = {"answer_hit": result.get("answer_hit_rate"), "answerable_refused": ab["wrongly_abstained"],
               "unanswerable_none": ab["abstained_correctly"], "ndcg@10": result["overall"].get("ndcg@10"),
               "ndcg@10_en": english.get("ndcg@10")}
    return ", ".join(f"{name}={_fmt(value)}" for name, value in figures.items())
