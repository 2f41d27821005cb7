"""evaluate() on a tiny fake question set with a deterministic predict, the tables, the loader and
the project's own question sets."""
import json
import math
import re
from pathlib import Path

import pytest

from qa.evaluation.evaluate import Prediction, evaluate, format_report, format_table, load_questions, missing_gold_docs
from qa.evaluation.metrics import normalise

REPO = Path(__file__).resolve().parents[3]
EVAL = REPO / "eval"
CORPUS = REPO / "corpus"

A = "Informantene besto av fem kvinner og tre menn."
B = "Goffman skiller mellom frontstage og backstage."
C = "Servitøren er på scenen ute i restauranten."
D = "Vennskap fra behandling kan trekke i negativ retning."


def pad(text: str, n: int) -> str:
    assert len(text) <= n
    return text.ljust(n, "~")


MISS = pad("Et avsnitt om metode.", 100)  # hits none of A-D
FILLER = pad("Fyll.", 50)

QUESTIONS = [
    {"id": "t1", "lang": "no", "kind": "factoid", "question": "?", "gold": [{"doc": "a.txt", "quote": A}]},
    {"id": "t2", "lang": "en", "kind": "crosslingual", "question": "?",
     "gold": [{"doc": "b.txt", "quote": B}, {"doc": "b.txt", "quote": C}]},
    {"id": "t3", "lang": "no", "kind": "concept", "question": "?", "gold": [{"doc": "a.txt", "quote": D}]},
    {"id": "t4", "lang": "no", "kind": "unanswerable", "question": "?", "gold": []},
    {"id": "t5", "lang": "en", "kind": "unanswerable", "question": "?", "gold": []},
    {"id": "t6", "lang": "en", "kind": "factoid", "question": "?", "gold": []},  # empty gold: unanswerable too
]  # fmt: skip

PREDICTIONS = {
    # hit at rank 2: R@1 0, R@5 1, R@10 1, MRR 1/2, nDCG 1/log2(3) = 0.63093; answer hits A
    "t1": Prediction([("a.txt", MISS), ("a.txt", pad("Innledning. " + A, 200))], answer=("a.txt", A)),
    # both quotes at ranks 1 and 2: all 1; no answer sentence -> answer miss; 12 passages, top 10 count
    "t2": Prediction([("b.txt", pad(B, 100)), ("b.txt", pad(C, 100))] + [("b.txt", FILLER)] * 10),
    # wrongly abstained: all 0; its answer would hit D but an abstention is a miss
    "t3": Prediction([("a.txt", MISS)], abstained=True, answer=("a.txt", D)),
    "t4": Prediction([], abstained=True),  # correct abstention
    "t5": Prediction([("a.txt", MISS)], answer=("a.txt", "Noe.")),  # should have abstained
    "t6": Prediction([], abstained=True),  # correct abstention
}

# Hand-computed expectations
G1 = 1 / math.log2(3)  # 0.63093
OVERALL = {"recall@1": 1 / 3, "recall@5": 2 / 3, "recall@10": 2 / 3, "mrr@10": 1.5 / 3, "ndcg@10": (G1 + 1) / 3,
           "answer_hit": 1 / 3, "n": 3}  # fmt: skip  # nDCG 0.54364
LANG_NO = {"recall@1": 0.0, "recall@5": 0.5, "recall@10": 0.5, "mrr@10": 0.25, "ndcg@10": G1 / 2,
           "answer_hit": 0.5, "n": 2}  # fmt: skip  # t1, t3; nDCG 0.31546
LANG_EN = {"recall@1": 1.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0, "answer_hit": 0.0, "n": 1}
# top-10 passage lengths: t1 100 + 200, t2 2*100 + 8*50, t3 100, t5 100 -> 1100 chars / 14 passages = 78.571
MEAN_CHARS = 1100 / 14


@pytest.fixture(scope="module")
def result():
    calls = []

    def predict(q):
        calls.append(q["id"])
        return PREDICTIONS[q["id"]]

    res = evaluate(QUESTIONS, predict)
    assert calls == ["t1", "t2", "t3", "t4", "t5", "t6"]  # once each, in order
    return res


def test_overall_and_groups(result):
    assert result["n"] == 6
    assert result["overall"] == pytest.approx(OVERALL)
    assert set(result["by_lang"]) == {"no", "en"}
    assert result["by_lang"]["no"] == pytest.approx(LANG_NO)
    assert result["by_lang"]["en"] == pytest.approx(LANG_EN)
    assert set(result["by_kind"]) == {"factoid", "crosslingual", "concept"}  # no unanswerable group
    assert result["by_kind"]["factoid"] == pytest.approx(
        {"recall@1": 0.0, "recall@5": 1.0, "recall@10": 1.0, "mrr@10": 0.5, "ndcg@10": G1, "answer_hit": 1.0, "n": 1}
    )  # t6 (factoid, empty gold) is not in it
    assert result["by_kind"]["crosslingual"] == pytest.approx(LANG_EN)
    assert result["by_kind"]["concept"] == pytest.approx(
        {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0, "answer_hit": 0.0, "n": 1}
    )


def test_abstention_answers_and_lengths(result):
    # unanswerable t4 (abstained), t5 (not), t6 (abstained): 2/3; answerable t1, t2, t3 (abstained): 1/3
    assert result["abstention"] == pytest.approx(
        {"unanswerable": 3, "abstained_correctly": 2 / 3, "answerable": 3, "wrongly_abstained": 1 / 3}
    )
    assert result["answer_hit_rate"] == pytest.approx(1 / 3)  # only t1
    assert result["mean_passage_chars"] == pytest.approx(MEAN_CHARS)
    per = {r["id"]: r for r in result["per_question"]}
    assert per["t6"]["unanswerable"] and per["t6"]["metrics"] is None
    assert per["t2"]["n_passages"] == 10
    assert json.loads(json.dumps(result))["overall"]["n"] == 3  # plain JSON-serialisable values


def test_no_unanswerable_questions_gives_none_shares():
    res = evaluate(QUESTIONS[:1], lambda q: PREDICTIONS[q["id"]], progress=True)
    assert res["abstention"] == {"unanswerable": 0, "abstained_correctly": None, "answerable": 1, "wrongly_abstained": 0.0}
    assert "-" in format_table({"m": res}).splitlines()[2].split()  # an undefined share prints as "-"


def cells(text: str, label: str) -> list[str]:
    """The cells of the table row that starts with `label`."""
    rows = [line.split() for line in text.splitlines() if line.split()[:1] == [label]]
    assert len(rows) == 1, text
    return rows[0][1:]


def test_format_table(result):
    other = evaluate(QUESTIONS, lambda q: Prediction([], abstained=True))  # abstains on everything, finds nothing
    table = format_table({"hybrid": result, "none": other})
    lines = table.splitlines()
    assert len(lines) == 4  # header, rule, two methods
    assert re.split(r"\s{2,}", lines[0].strip()) == ["method", "nDCG@10", "nDCG en", "nDCG no", "R@1", "R@5", "R@10",
                                                     "MRR@10", "answer hit", "abstain ok", "wrong abst", "mean chars"]  # fmt: skip
    #                                  nDCG   en     no     R@1    R@5    R@10   MRR    ans    abst   wrong  chars
    assert cells(table, "hybrid") == ["0.544", "1.000", "0.315", "0.333", "0.667", "0.667", "0.500", "0.333", "0.667", "0.333", "78.6"]
    assert cells(table, "none") == ["0.000"] * 8 + ["1.000", "1.000", "-"]


def test_format_report(result):
    report = format_report(result)
    #                                       R@1      R@5      R@10     MRR      nDCG     ans hit  n
    assert cells(report, "overall") == ["0.333", "0.667", "0.667", "0.500", "0.544", "0.333", "3"]
    assert cells(report, "lang=no") == ["0.000", "0.500", "0.500", "0.250", "0.315", "0.500", "2"]
    assert cells(report, "lang=en") == ["1.000", "1.000", "1.000", "1.000", "1.000", "0.000", "1"]
    assert cells(report, "kind=factoid") == ["0.000", "1.000", "1.000", "0.500", "0.631", "1.000", "1"]
    assert cells(report, "kind=concept") == ["0.000"] * 6 + ["1"]
    labels = [line.split()[0] for line in report.split("\n\n")[0].splitlines()[2:]]
    assert labels == ["overall", "lang=no", "lang=en", "kind=concept", "kind=crosslingual", "kind=factoid"]
    assert "abstained correctly on unanswerable: 0.667 (n=3)" in report
    assert "wrongly abstained on answerable: 0.333 (n=3)" in report
    assert "78.6 chars" in report


# --- load_questions ----------------------------------------------------------------------------


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_questions_round_trip_skips_blank_lines(tmp_path):
    lines = [json.dumps(q, ensure_ascii=False) for q in QUESTIONS]
    loaded = load_questions(write(tmp_path, lines[:2] + ["", "  "] + lines[2:]))
    assert [q["id"] for q in loaded] == ["t1", "t2", "t3", "t4", "t5", "t6"]
    assert loaded[1]["gold"][1]["quote"] == C
    assert loaded[0]["answer"] == ""  # optional, defaulted


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"id": "x", "lang": "no", "kind": "factoid", "question": "?", "gold": [}', "invalid JSON"),
        ('["not", "an", "object"]', "JSON object"),
        ('{"id": "x", "lang": "no", "kind": "factoid", "gold": []}', "'question'"),
        ('{"id": "x", "lang": "no", "kind": "factoid", "question": "?", "gold": [{"doc": "a.txt"}]}', "gold[0]"),
        ('{"id": "x", "lang": "no", "kind": "unanswerable", "question": "?", "gold": [{"doc": "a", "quote": "b"}]}', "empty 'gold'"),
        ('{"id": "t1", "lang": "no", "kind": "factoid", "question": "?", "gold": []}', "duplicate id 't1' (first on line 1)"),
        ('{"id": "x", "lang": "de", "kind": "factoid", "question": "?", "gold": []}', "'lang' must be one of 'no', 'en'"),
    ],
)
def test_load_questions_bad_line_names_the_line(tmp_path, bad, message):
    path = write(tmp_path, [json.dumps(QUESTIONS[0]), "", bad])
    with pytest.raises(ValueError, match=re.escape("q.jsonl:3: ") + ".*" + re.escape(message)):
        load_questions(path)


def test_load_questions_reads_past_a_byte_order_mark_and_refuses_an_empty_file(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(QUESTIONS[0]).encode() + b"\n")  # as Notepad and Excel save
    assert [q["id"] for q in load_questions(path)] == ["t1"]
    path.write_bytes(b"\n  \n")
    with pytest.raises(ValueError, match="no questions"):
        load_questions(path)


def test_gold_quotes_naming_files_the_index_lacks_are_told():
    assert missing_gold_docs(QUESTIONS, [f"corpus/{q['gold'][0]['doc']}" for q in QUESTIONS if q["gold"]]) is None
    assert missing_gold_docs(QUESTIONS[:1], ["other.txt"]) == \
        "1 gold quote(s) name a file the index does not hold (t1: 'a.txt'); they score 0"


# --- the project's question sets ---------------------------------------------------------------


def corpus_text(name: str) -> str:
    return normalise((CORPUS / name).read_text(encoding="utf-8"))


def test_dev_set_gold_quotes_are_in_the_corpus():
    questions = load_questions(EVAL / "dev.jsonl")
    assert len(questions) >= 30
    texts = {}
    for q in questions:
        for g in q["gold"]:
            texts.setdefault(g["doc"], corpus_text(g["doc"]))
            assert normalise(g["quote"]) in texts[g["doc"]], (q["id"], g["quote"])


def test_unanswerable_set():
    questions = load_questions(EVAL / "unanswerable.jsonl")
    assert len(questions) >= 20
    assert all(q["kind"] == "unanswerable" and q["gold"] == [] and q["answer"] == "" for q in questions)
    assert [q["id"] for q in questions] == [f"u{i:03d}" for i in range(1, len(questions) + 1)]
    langs = [q["lang"] for q in questions]
    assert set(langs) == {"no", "en"} and abs(langs.count("no") - langs.count("en")) <= 2
    dev_ids = {q["id"] for q in load_questions(EVAL / "dev.jsonl")}
    assert not dev_ids & {q["id"] for q in questions}
    assert len({normalise(q["question"]) for q in questions}) == len(questions)
