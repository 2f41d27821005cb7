"""Bad queries through the Python API, the command line and batch files: clear errors, no crash.

tests/qa already covers empty/whitespace queries in `search`, an empty question and an unknown
part filter on the command line, and a batch with invalid JSON, Latin-1 bytes, a missing or
empty question and an unknown thesis; this adds what they do not.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from qa.answer import TRUNCATED, ask
from qa.batch import answer_lines, run_batch
from qa.errors import QueryError
from qa.filters import Filters
from qa.search import MAX_QUERY_CHARS, clean_query, search
from tests.robustness.conftest import REPO, results

LONG = ("Hva betyr sosialt nettverk for unge i ettervern etter rusbehandling? " * 1500)[:100_000]
CONTROLS = "Hva\x00 betyr\x07 sosialt\x1b[31m nettverk\u200b\u202e for\r\n unge\x7f i\tettervern?"


# --------------------------------------------------------------------------- Python API


def test_100k_character_query_is_cut_and_answered(tiny_engines):
    hits = search(tiny_engines, LONG, k=3)
    assert 1 <= len(hits) <= 3
    answer = ask(tiny_engines, LONG, k=3)
    assert len(answer.question) == MAX_QUERY_CHARS and answer.notices == [TRUNCATED["no"]]
    assert answer.sources and answer.text


def test_control_characters_are_ignored(tiny_engines):
    """Control and format characters (NUL, BEL, ZWSP, RTL override, DEL) count as white space, and so
    does a terminal's colour code (ESC [31m) whole: no "[31m" is searched as a word."""
    cleaned = clean_query(CONTROLS)
    assert cleaned == "Hva betyr sosialt nettverk for unge i ettervern?"
    assert clean_query("\x1b]0;tittel\x07Hva er \x1b[1;31mgatekapital\x1b[0m?") == "Hva er gatekapital ?"
    assert all(ch.isprintable() for ch in cleaned)
    calls = [("search", CONTROLS, None), ("ask", CONTROLS, None)]
    assert results(tiny_engines, calls) == results(tiny_engines, [(kind, cleaned, None) for kind, _, _ in calls])
    assert ask(tiny_engines, CONTROLS).question == cleaned


@pytest.mark.parametrize("query", ["\u00a0\u2003\u200b\u3000", "\x1b\x1b\x00", "\ud800\udfff", "\t\r\n\x0b\x0c"])
def test_invisible_only_queries_are_empty(tiny_engines, query):
    for call in (search, ask):
        with pytest.raises(QueryError, match="the question is empty"):
            call(tiny_engines, query)


@pytest.mark.parametrize("query", [None, b"rus", 5, ["rus"]])
def test_non_text_queries_are_refused(tiny_engines, query):
    with pytest.raises(QueryError, match="must be text"):
        search(tiny_engines, query)


@pytest.mark.parametrize("k", [0, -1, 2.5, "5", None])
def test_bad_k_is_refused(tiny_engines, k):
    with pytest.raises(QueryError, match="k must be a whole number"):
        search(tiny_engines, "rus", k=k)


def test_huge_k_returns_everything_once(tiny_engines):
    """Every passage comes back once: as a hit, merged into one, or left out because it overlaps one."""
    hits = search(tiny_engines, "rus", k=10**9)
    ids = [pid for h in hits for pid in (h.passage_id, *h.merged)]
    assert len(ids) == len(set(ids)) and hits
    spans = [(h.thesis_id, h.start, h.end) for h in hits]
    for row, pid in enumerate(tiny_engines.passage_ids):
        thesis, start, end = int(tiny_engines.p_thesis[row]), int(tiny_engines.p_start[row]), int(tiny_engines.p_end[row])
        assert int(pid) in ids or any(t == thesis and s < end and start < e for t, s, e in spans), pid


@pytest.mark.parametrize("filters, message", [
    (Filters.of(theses=["../../etc/passwd"]), "unknown thesis filter '../../etc/passwd'"),
    (Filters.of(theses=["/etc/passwd"]), "unknown thesis filter"),
    (Filters.of(languages=["<script>"]), "unknown language filter"),
    (Filters.of(parts=[""]), "unknown part filter"),
])
def test_unknown_filter_values_name_the_valid_ones(tiny_engines, filters, message):
    with pytest.raises(QueryError, match="choose from") as info:
        ask(tiny_engines, "rus", filters=filters)
    assert message in str(info.value)


# --------------------------------------------------------------------------- command line


def run_main(argv, monkeypatch, encoder, capsys) -> tuple[int, str, str]:
    """`python -m qa …` in this process, with the session's encoder instead of loading the model again."""
    import models.encoder
    from qa.__main__ import main

    monkeypatch.setattr(models.encoder, "Encoder", lambda *a, **k: encoder)
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("args, message", [
    (["ask", "\x00\x1b\x07"], "error: the question is empty"),
    (["ask", "\u200b \u00a0"], "error: the question is empty"),
    (["ask", "rus", "--k", "0"], "error: k must be a whole number of at least 1"),
    (["ask", "rus", "--thesis", "../corpus/catalog.toml"], "error: unknown thesis filter '../corpus/catalog.toml'"),
    (["ask", "rus", "--language", "xx"], "error: unknown language filter 'xx'"),
    (["batch", "/no/such/file.jsonl"], "error: no such file /no/such/file.jsonl"),
    (["batch", "/tmp"], "error: /tmp is a folder, not a file of questions"),
    (["batch", "/dev/null", "--k", "0"], "error: k must be a whole number of at least 1, got 0"),
    (["ask", "rus", "--k", "101"], "error: k must be at most 100, got 101"),
])
def test_cli_bad_questions_exit_2_with_a_message(tiny_built, monkeypatch, encoder, capsys, args, message):
    code, out, err = run_main([*args, "--index", str(tiny_built[1])], monkeypatch, encoder, capsys)
    assert code == 2 and err.startswith(message) and "Traceback" not in err and out == ""


def test_cli_json_with_long_question_and_control_characters(tiny_built, monkeypatch, encoder, capsys):
    code, out, _ = run_main(["ask", CONTROLS + " " + LONG, "--json", "--k", "2", "--index", str(tiny_built[1])],
                            monkeypatch, encoder, capsys)
    line = json.loads(out)
    assert code == 0 and len(line["passages"]) == 2 and line["notices"] == [TRUNCATED["no"]]
    assert line["question"].startswith("Hva betyr sosialt nettverk") and "\x1b" not in out


def test_cli_process_with_100k_characters_controls_and_invalid_utf8_in_argv(tiny_built):
    """A real process: argv bytes that are not UTF-8 arrive as surrogates and are dropped like controls."""
    question = (CONTROLS.replace("\x00", "") + " tilh\xf8righet ").encode("utf-8").replace(b"\xc3\xb8", b"\xf8") + LONG.encode()
    result = subprocess.run([sys.executable.encode(), b"-m", b"qa", b"ask", question, b"--k", b"2",
                             b"--index", str(tiny_built[1]).encode()],
                            cwd=REPO, capture_output=True, timeout=600)
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 0, err
    assert out.startswith(f"({TRUNCATED['no']})\n") and "\nSvar: " in out and "\nKilder:\n[1] " in out
    assert "\x1b" not in out and "\x00" not in out


# --------------------------------------------------------------------------- batch

BAD_LINES = {
    b"\xff\xfe\x00r\x00u\x00s": "not valid UTF-8",
    b'{"id": "overlong", "question": "\xc0\xafetc"}': "not valid UTF-8",
    b'{"id": "nul", "question": "rus\x00"}': "not valid JSON",  # a raw control character inside a string
    b'{"id": "trailing"} garbage': "not valid JSON",
    b"[" * 100_000: "nested too deeply",
    b'{"id": NaN, "question": "rus"}': "NaN is not a JSON number",
    b'{"id": 1e999, "question": "rus"}': "too large",
    b'["rus"]': "not a JSON object",
    b'"Hva er rus?"': "not a JSON object",
    b"null": "not a JSON object",
    b'{"id": "number", "question": 42}': '"question" must be a string, got 42',
    b'{"id": "list", "question": ["rus"]}': '"question" must be a string, got ["rus"]',
    b'{"id": "escaped-controls", "question": "\\u0000\\u001b\\u200b"}': "the question is empty",
    b'{"id": "surrogate", "question": "\\ud800"}': "the question is empty",
    b'{"id": "\\udc00", "question": " "}': "the question is empty",
    b'{"id": "filter-key", "question": "rus", "filters": {"year": [2019]}}': "unknown filter year",
    b'{"id": "filter-type", "question": "rus", "filters": ["000_56c92893e0805444.txt"]}': '"filters" must be an object',
    b'{"id": "filter-value", "question": "rus", "filters": {"theses": "000_56c92893e0805444.txt"}}': '"filters" must be an object of lists',
    b'{"id": "filter-unknown", "question": "rus", "filters": {"parts": ["middle"]}}': "unknown part filter 'middle'",
    b'{"id": "filter-nested", "question": "rus", "filters": {"theses": [["x"]]}}': "unknown thesis filter",
}
GOOD_LINES = [
    json.dumps({"id": "plain", "question": "Hva er viktig i ettervern?"}).encode(),
    json.dumps({"id": "controls", "question": CONTROLS}).encode(),
    json.dumps({"id": "long", "question": LONG}).encode(),
    json.dumps({"id": "crlf", "question": "Why do social groups matter for drug addiction?"}).encode() + b"\r",
    json.dumps({"id": "surrogate-inside", "question": "rus \ud800 og ettervern"}).encode(),  # \\ud800 escape
    json.dumps({"id": {"nested": [1, 2]}, "question": "identitet", "extra": None}).encode(),
    json.dumps({"question": "tilhørighet", "filters": {"parts": ["body"], "languages": ["no"]}},
               ensure_ascii=False).encode("utf-8"),
]


def test_batch_answers_every_good_line_and_marks_every_bad_one(tiny_engines):
    lines = []
    for good, bad in zip(GOOD_LINES + [None] * len(BAD_LINES), BAD_LINES):
        lines += [x for x in (good, bad) if x is not None]
    lines.insert(3, b"   ")  # blank lines are skipped
    source = io.BytesIO(b"\n".join(lines) + b"\n")
    out = io.StringIO()
    answered, errors = run_batch(tiny_engines, source, out, k=3, progress=False)
    assert (answered, errors) == (len(GOOD_LINES), len(BAD_LINES))
    written = out.getvalue().encode("utf-8").decode("utf-8").splitlines()  # all of it valid UTF-8
    outputs = [json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the output")) for line in written]
    assert len(outputs) == len(GOOD_LINES) + len(BAD_LINES)
    expected = iter(lines[:3] + lines[4:])
    for number, (raw, result) in enumerate(zip(expected, outputs), start=1):
        if raw in BAD_LINES:
            assert "error" in result and BAD_LINES[raw] in result["error"], (raw[:60], result)
            assert result["error"].startswith("line ")
        else:
            assert "error" not in result and result["passages"] and isinstance(result["answer"], str), result
            assert all(ch.isprintable() for ch in result["question"])


def test_batch_error_lines_keep_the_id_when_it_can_be_read(tiny_engines):
    out = list(answer_lines(tiny_engines, [b'{"id": "latin", "question": "tilh\xf8righet"}',
                                          b'{"id": "\\udc00", "question": ""}'], k=3))
    assert out[0]["id"] == "latin" and "not valid UTF-8" in out[0]["error"]
    assert out[1]["id"] == "\udc00"  # written escaped, see test above
