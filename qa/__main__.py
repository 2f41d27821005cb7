"""Command line: `python -m qa {ask,batch,eval,calibrate,serve,backends}`."""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import QueryError, run_command

if TYPE_CHECKING:
    from qa.engine import Engine

DEFAULT_INDEX = Path("index")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa", description="Ask the Tesesøk index.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, k: int) -> None:
        p.add_argument("--k", type=int, default=k, help=f"number of passages (default: {k})")
        p.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: index)")
        p.add_argument("--store", default=None, help="read this store instead of --index: postgresql://… or pgserver:DIR")

    ask = sub.add_parser("ask", help="answer one question with cited quotes")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as a batch output line")
    ask.add_argument("--thesis", action="append", default=[], help="only this corpus file (repeatable)")
    ask.add_argument("--language", action="append", default=[], help="only passages in this language (no, en)")
    ask.add_argument("--part", action="append", default=[], help="only this part: front, body, appendix")
    common(ask, 5)

    batch = sub.add_parser("batch", help="answer a JSONL file of questions")
    batch.add_argument("input", type=Path, help='JSONL lines {"id": ..., "question": ...}; - for standard input')
    batch.add_argument("--out", type=Path, default=None, help="output JSONL (default: standard output)")
    batch.add_argument("--format", choices=["jsonl", "trec"], default="jsonl",
                       help="jsonl (one answer per line) or trec (a TREC run file); default: jsonl")
    common(batch, 5)

    evaluate = sub.add_parser("eval", help="retrieval and answer metrics on a gold question set")
    evaluate.add_argument("gold", type=Path, nargs="+")
    evaluate.add_argument("--compare", action="store_true", help="also run lexical-only and dense-only")
    evaluate.add_argument("--write-qrels", type=Path, default=None, metavar="FILE",
                          help="also write the judgements as TREC qrels, for trec_eval-style tools (see qa.evaluation.qrels)")
    evaluate.add_argument("--qrels", type=Path, default=None, metavar="FILE",
                          help="also score the run against these TREC qrels, as trec_eval does")
    folds = evaluate.add_mutually_exclusive_group()
    folds.add_argument("--cv", type=int, default=0, metavar="N",
                       help="N-fold cross-validation of the tuned knobs: held-out figures (N >= 2)")
    evaluate.add_argument("--repeats", type=int, default=1, help="repeats of the cross-validation (default: 1)")
    folds.add_argument("--by-set", action="store_true",
                       help="cross-validate with one fold per question file (leave-one-set-out) instead of --cv N")
    common(evaluate, 10)

    calibrate = sub.add_parser("calibrate", help="choose this index's confidence thresholds on gold question sets")
    calibrate.add_argument("gold", type=Path, nargs="+")
    calibrate.add_argument("--dry-run", action="store_true", help="print the thresholds, do not write them")
    calibrate.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    calibrate.set_defaults(store=None)  # the thresholds are written into an index folder

    serve = sub.add_parser("serve", help="serve the HTTP API (FastAPI on uvicorn)")
    serve.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder (default: index)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--store", default=None, help="serve this store instead of --index: postgresql://… or pgserver:DIR")

    backends = sub.add_parser("backends", help="time each encoder backend and precision on this CPU, "
                                               "check it against fp32 and cache the fastest faithful one")
    backends.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    backends.add_argument("--if-needed", action="store_true", help="only if this CPU has no cached choice")
    backends.add_argument("--variants", default=None, help="comma-separated (default: all available)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(lambda: _run(args), errors=(QueryError,))


def _run(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    if args.command == "serve":
        from qa.server.main import serve

        return serve(args.store or args.index, args.host, args.port)
    if args.command == "backends":
        from qa.evaluation.backends import run

        return run(args.index, if_needed=args.if_needed, variants=args.variants.split(",") if args.variants else None)
    questions = _checked_input(args)
    engine = Engine(args.store or args.index)
    if questions:
        from qa.evaluation.evaluate import missing_gold_docs

        if warning := missing_gold_docs(questions, engine.docs):
            print(f"warning: {warning}", file=sys.stderr)
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
        _batch(engine, args)
    elif args.command == "eval":
        _evaluate(engine, questions, args)
    elif args.command == "calibrate":
        from qa.evaluation.calibrate import calibrate

        print(calibrate(engine, questions, write=not args.dry_run))
    return 0


def _checked_input(args: argparse.Namespace) -> list[dict]:
    """The gold questions of `eval` or `calibrate` (none for the other commands), once every input
    that can be wrong has been checked, before the model loads: a ValueError says what is wrong."""
    if args.command == "batch":
        from qa.output import check_batch_paths

        if problem := check_batch_paths(args.input, args.out):
            raise ValueError(problem)
    if args.command == "eval" and args.qrels:
        from qa.evaluation.qrels import read_qrels

        try:
            args.judged = read_qrels(args.qrels)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"cannot read the qrels: {exc}") from None
    if args.command in ("ask", "batch", "eval"):
        from qa.search import MAX_K, check_k

        check_k(args.k, MAX_K)  # before a batch answers a line
    questions = _questions(args)
    if args.command == "eval" and args.repeats != 1 and not args.cv:
        raise ValueError("--repeats applies to --cv N only")
    if args.command == "eval" and (args.cv or args.by_set):
        from qa.evaluation.cv import design

        args.design = design(questions, args.cv, args.repeats, args.by_set)  # so do impossible folds
    return questions


def _batch(engine: Engine, args: argparse.Namespace) -> None:
    """`qa batch`: every line of the input file (or standard input) answered into --out or standard output."""
    from qa.batch import run_batch
    from qa.output import STDIN, replacing

    with (nullcontext(sys.stdin.buffer) if str(args.input) == STDIN else args.input.open("rb")) as source:
        if args.out:
            with replacing(args.out) as out:
                answered, errors = run_batch(engine, source, out, args.k, fmt=args.format)
        else:
            answered, errors = run_batch(engine, source, sys.stdout, args.k, fmt=args.format)
    print(f"{answered} answered, {errors} with errors" + (f" → {args.out}" if args.out else ""), file=sys.stderr)


def _questions(args: argparse.Namespace) -> list[dict]:
    """The gold questions of `eval` or `calibrate`, each tagged with its set (none for the other commands)."""
    if args.command not in ("eval", "calibrate"):
        return []
    from qa.evaluation.evaluate import load_questions

    return [{**q, "set": path.stem} for path in args.gold for q in load_questions(path)]


def _evaluate(engine: Engine, questions: list[dict], args: argparse.Namespace) -> None:
    """`qa eval`: the shipped system's figures, or held-out ones with `--cv` or `--by-set`."""
    if args.cv or args.by_set:
        from qa.evaluation.cv import run_cv

        print(run_cv(engine, questions, *args.design, progress=True))
        return
    from qa.evaluation.evaluate import format_report, format_table
    from qa.evaluation.predict import evaluate_methods

    results = evaluate_methods(engine, questions, args.k, compare=args.compare)
    print(format_table(results))
    print()
    print(format_report(results["hybrid (shipped)"]))
    _qrels(engine, questions, args)


def _qrels(engine: Engine, questions: list[dict], args: argparse.Namespace) -> None:
    """`qa eval --write-qrels` and `--qrels` (the latter read before the engine loaded, as `args.judged`)."""
    from qa.evaluation.qrels import format_trec, qrels, trec_scores

    if args.write_qrels:
        args.write_qrels.write_text("".join(line + "\n" for line in qrels(engine, questions, args.k)), encoding="utf-8")
    if args.qrels:
        print()
        print(format_trec(trec_scores(engine, questions, args.judged, args.k), args.qrels))


if __name__ == "__main__":
    sys.exit(main())
