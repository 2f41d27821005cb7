"""Command line: `python -m qa {ask,batch,eval,calibrate}`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.errors import QueryError, run_command

DEFAULT_INDEX = Path("index")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description="Ask the Tesesøk index.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, k: int) -> None:
        p.add_argument("--k", type=int, default=k, help=f"number of passages (default: {k})")
        p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: index)")

    ask = sub.add_parser("ask", help="answer one question with cited quotes")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as a batch output line")
    ask.add_argument("--thesis", action="append", default=[], help="only this corpus file (repeatable)")
    ask.add_argument("--language", action="append", default=[], help="only passages in this language (no, en)")
    ask.add_argument("--part", action="append", default=[], help="only this part: front, body, appendix")
    common(ask, 5)

    batch = sub.add_parser("batch", help="answer a JSONL file of questions")
    batch.add_argument("input", type=Path, help='JSONL lines {"id": ..., "question": ...}')
    batch.add_argument("--out", type=Path, default=None, help="output JSONL (default: standard output)")
    common(batch, 5)

    evaluate = sub.add_parser("eval", help="retrieval and answer metrics on a gold question set")
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("--compare", action="store_true", help="also run lexical-only and dense-only")
    common(evaluate, 10)

    calibrate = sub.add_parser("calibrate", help="abstention rates per threshold on gold question sets")
    calibrate.add_argument("gold", type=Path, nargs="+")
    calibrate.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(lambda: _run(args), errors=(QueryError,))


def _run(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    if args.command == "batch":
        from qa.output import check_batch_paths

        problem = check_batch_paths(args.input, args.out)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    questions = _questions(args)  # a bad question file fails before the model loads
    engine = Engine(args.index)
    if args.command == "ask":
        from qa.answer import ask
        from qa.filters import Filters
        from qa.render import render_answer
        from qa.terminal import terminal_json, terminal_text

        answer = ask(engine, args.question, k=args.k,
                     filters=Filters.of(args.thesis, args.language, args.part))
        print(terminal_json(json.dumps(answer.to_json(), ensure_ascii=False, indent=2)) if args.json
              else terminal_text(render_answer(answer)))
    elif args.command == "batch":
        from qa.batch import run_batch

        from qa.output import replacing

        with args.input.open("rb") as source:
            if args.out:
                with replacing(args.out) as out:
                    answered, errors = run_batch(engine, source, out, args.k)
            else:
                answered, errors = run_batch(engine, source, sys.stdout, args.k)
        print(f"{answered} answered, {errors} with errors" + (f" → {args.out}" if args.out else ""), file=sys.stderr)
    elif args.command == "eval":
        from qa.evaluation.evaluate import format_report, format_table
        from qa.evaluation.predict import evaluate_methods

        results = evaluate_methods(engine, questions, args.k, compare=args.compare)
        print(format_table(results))
        print()
        print(format_report(results["hybrid (shipped)"]))
    elif args.command == "calibrate":
        from qa.evaluation.calibrate import best_scores, threshold_table

        key = (engine.encoder.model_id, engine.encoder.dtype)
        print(f"query encoder: {key[1]} (qa.params: abstain_below[{key!r}])\n")
        for language, (answerable, unanswerable) in sorted(best_scores(engine, questions).items()):
            print(f"questions in {language!r}: {len(answerable)} answerable, {len(unanswerable)} unanswerable")
            print(threshold_table(answerable, unanswerable), end="\n\n")
    return 0


def _questions(args: argparse.Namespace) -> list[dict]:
    """The gold questions of `eval` or `calibrate` (none for the other commands)."""
    if args.command not in ("eval", "calibrate"):
        return []
    from qa.evaluation.evaluate import load_questions

    paths = [args.gold] if args.command == "eval" else args.gold
    return [q for path in paths for q in load_questions(path)]


if __name__ == "__main__":
    sys.exit(main())
