"""`qa batch`: answer a JSONL file of questions, one output line per input line, same order."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from tqdm import tqdm

from qa.errors import QueryError, shown_value
from qa.answer import ask
from qa.engine import Engine
from qa.filters import Filters
from qa.search import MAX_K, check_k
from qa.terminal import terminal_json
from qa.trec import query_id, run_lines


def parse_line(raw: bytes) -> dict:
    """One input line as a JSON object; ValueError says what is wrong."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark (Notepad, Excel) is no JSON
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start})") from None
    try:
        item = json.loads(text, parse_constant=_not_a_number, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    return item


def _not_a_number(name: str) -> float:
    raise ValueError(f"not valid JSON ({name} is not a JSON number)")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"not valid JSON (the number {text[:20]} is too large)")
    return value


def to_json_line(result: dict) -> str:
    """One output line: JSON in UTF-8; lone surrogates (from "\\ud800" escapes) and terminal controls stay escaped."""
    line = json.dumps(result, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(result)
    return terminal_json(line)  # harmless when the output is a terminal, the same JSON value


def read_item(item: dict) -> tuple[str, Filters | None]:
    """The question and filters of an input object; ValueError says what is wrong."""
    question = item.get("question")
    if question is None:
        raise ValueError('missing "question" (a string)')
    if not isinstance(question, str):
        raise ValueError(f'"question" must be a string, got {shown_value(question)}')
    return question, _filters(item)


def _filters(item: dict) -> Filters | None:
    spec = item.get("filters")
    if spec is None:
        return None
    if not isinstance(spec, dict) or not all(isinstance(v, list) for v in spec.values()):
        raise ValueError('"filters" must be an object of lists: {"theses": [...], "languages": [...], "parts": [...]}')
    unknown = set(spec) - {"theses", "languages", "parts"}
    if unknown:
        raise ValueError(f'unknown filter {", ".join(sorted(unknown))}; use "theses", "languages" or "parts"')
    return Filters.of(**spec)


def answer_lines(engine: Engine, lines: Iterable[bytes], k: int) -> Iterator[dict]:
    """The output object for every input line (blank lines are skipped)."""
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            yield answer_line(engine, raw, number, k)


def answer_line(engine: Engine, raw: bytes, number: int, k: int) -> dict:
    """The output object for input line `number` (not blank): an answer, or an `"error"`."""
    item: dict = {}
    try:
        item = parse_line(raw.rstrip(b"\r\n"))
        question, filters = read_item(item)
        k = check_k(item.get("k", k), MAX_K)  # a line's own "k", as the HTTP API's /ask takes it
        return ask(engine, question, k=k, filters=filters).to_json(item.get("id"))
    except (ValueError, QueryError) as exc:
        return error_line(raw, number, str(exc), item)


def error_line(raw: bytes, number: int, message: str, item: dict | None = None) -> dict:
    """The output object for input line `number` that got no answer: its id and question (as far
    as they can be read from `item` or `raw`) and the `"error"`."""
    item = item or _salvage(raw)
    return {"id": item.get("id"), "question": item.get("question"), "error": f"line {number}: {message}"}


def _salvage(raw: bytes) -> dict:
    """What can be read of a line that is not valid UTF-8 (or was never parsed), to label its error line."""
    try:
        item = json.loads(raw.decode("utf-8", errors="replace"), parse_constant=_not_a_number, parse_float=_finite)
    except (ValueError, RecursionError):
        return {}
    return item if isinstance(item, dict) else {}


def once_per_query(result: dict, number: int, fmt: str, seen: dict[str, int]) -> dict:
    """`result`, or in a TREC run an error line when its query id is an earlier line's (`seen`:
    query id -> line): a run that ranks one question twice is no valid run."""
    if fmt != "trec" or "error" in result:
        return result
    qid = query_id(result.get("id"), number)
    if qid in seen:
        return error_line(b"", number, f"id {qid} is line {seen[qid]}'s too; a TREC run needs one id per question",
                          result)
    seen[qid] = number
    return result


def format_result(result: dict, number: int, fmt: str = "jsonl") -> str:
    """One output object as text: a JSON line, or its TREC run lines (none for an error)."""
    if fmt == "trec":
        return "".join(line + "\n" for line in run_lines(result, number))
    return to_json_line(result) + "\n"


def run_batch(engine: Engine, source: IO[bytes], out: IO[str], k: int, *, progress: bool = True,
              fmt: str = "jsonl") -> tuple[int, int]:
    """Answer every line of `source` into `out` as JSON lines or a TREC run (`fmt`); returns (answered, errors)."""
    lines = source.readlines()
    answered = errors = 0
    seen: dict[str, int] = {}
    bar = tqdm(total=sum(1 for raw in lines if raw.strip()), desc="Questions", unit="q",
               file=sys.stderr, disable=not progress)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        result = once_per_query(answer_line(engine, raw, number, k), number, fmt, seen)
        out.write(format_result(result, number, fmt))
        out.flush()
        if fmt == "trec" and "error" in result:  # a run has no place for it, so it goes to the person
            bar.write(f"error: {result['error']}", file=sys.stderr)
        errors += "error" in result
        answered += "error" not in result
        bar.update()
    bar.close()
    return answered, errors
