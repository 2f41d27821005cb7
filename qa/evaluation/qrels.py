"""TREC qrels: written from a gold question set (`qa eval --write-qrels`), and read to score the
shipped system with TREC semantics (`qa eval --qrels`), as trec_eval, ir_measures or ranx do.

Writing. `qa eval` counts each gold quote once, at the first passage that hits it
(`qa.evaluation.metrics`). The qrels say the same in TREC terms: for every answerable question,
each gold quote makes one relevant document, the first retrieved passage that hits it, or, when
none does, a document `QID:unfound-N` that no run contains (so it still counts in recall and the
ideal DCG). Later passages that hit an already-found quote are left unjudged (non-relevant). A
passage that is the first hit of two quotes is one relevant document: TREC judges documents,
`qa eval` quotes, so on such a question (8 of the 33 answerable dev questions) the gold-based
figures and the TREC ones differ (q049's nDCG@10: 1.0 against 0.947); elsewhere they are equal.

Reading. `trec_scores` ranks every question as `qa batch --format trec` does and scores the
ranking against the judgements with trec_eval's definitions: nDCG@10 (gain = relevance grade,
log2 discount, the ideal ranking from all judged documents), RR@10, R@k, P@k (relevant in the
top k / k). These equal a standard tool's figures on every question (tests/qa/server/test_trec.py).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from qa.answer import ask
from qa.engine import Engine
from qa.evaluation.evaluate import is_unanswerable
from qa.evaluation.metrics import first_hit_ranks
from qa.trec import docid, query_id


def qrels_lines(qid: str, ranking: Sequence[tuple[str, str, str]], gold: Sequence[dict]) -> list[str]:
    """The qrels of one answerable question: `ranking` holds `(docid, doc, text)` best first."""
    ranks = first_hit_ranks([(doc, text) for _, doc, text in ranking], gold)
    relevant: list[str] = []
    for n, rank in enumerate(ranks, start=1):
        found = f"{qid}:unfound-{n}" if rank is None else ranking[rank - 1][0]
        if found not in relevant:  # one passage first hitting two quotes is one relevant document
            relevant.append(found)
    return [f"{qid} 0 {d} 1" for d in relevant]


def qrels(engine: Engine, questions: Iterable[dict], k: int) -> Iterator[str]:
    """The qrels lines of the answerable `questions` (gold sets as `qa eval` reads them), judged on `qa.ask`'s ranking."""
    for number, question in enumerate(questions, start=1):
        if is_unanswerable(question):
            continue
        answer = ask(engine, question["question"], k=k)
        ranking = [(docid(s.hit.doc, s.hit.start, s.hit.end), s.hit.doc, s.hit.text) for s in answer.sources]
        yield from qrels_lines(query_id(question["id"], number), ranking, question["gold"])


Qrels = dict[str, dict[str, int]]  # query id -> document id -> relevance grade
TREC_KS = (1, 5, 10)
CUTOFF = 10  # nDCG@10 and RR@10, as `qa eval`


def read_qrels(path: Path) -> Qrels:
    """The judgements of a qrels file (`QID ITER DOCID REL` lines); ValueError names a bad line."""
    judged: Qrels = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4 or not fields[3].lstrip("-").isdigit():
                raise ValueError(f"{path}, line {number}: a qrels line is 'QID ITER DOCID RELEVANCE', got {line.strip()[:80]!r}")
            judged.setdefault(fields[0], {})[fields[2]] = int(fields[3])
    if not judged:
        raise ValueError(f"{path}: no judgements")
    return judged


def trec_metrics(ranking: Sequence[str], judged: dict[str, int], ks: Iterable[int] = TREC_KS) -> dict[str, float]:
    """trec_eval's figures for one query: `ranking` is document ids best first, `judged` its qrels."""
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    flags = [doc in relevant for doc in ranking]
    dcg = sum(judged[doc] / math.log2(rank + 1) for rank, doc in enumerate(ranking[:CUTOFF], start=1) if doc in relevant)
    ideal = sorted((judged[doc] for doc in relevant), reverse=True)[:CUTOFF]
    idcg = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
    first = next((rank for rank, hit in enumerate(flags[:CUTOFF], start=1) if hit), None)
    out = {f"nDCG@{CUTOFF}": dcg / idcg if idcg else 0.0, f"RR@{CUTOFF}": 1.0 / first if first else 0.0}
    for k in ks:
        out[f"R@{k}"] = sum(flags[:k]) / len(relevant) if relevant else 0.0
    for k in ks:
        out[f"P@{k}"] = sum(flags[:k]) / k
    return out


def trec_scores(engine: Engine, questions: Iterable[dict], judged: Qrels, k: int) -> dict[str, dict[str, float]]:
    """{query id: trec_metrics} for every question the qrels judge, ranked by `qa.ask` as in its run file."""
    scores = {}
    for number, question in enumerate(questions, start=1):
        qid = query_id(question.get("id"), number)
        if qid in judged:
            answer = ask(engine, question["question"], k=k)
            scores[qid] = trec_metrics([docid(s.hit.doc, s.hit.start, s.hit.end) for s in answer.sources], judged[qid])
    return scores


def format_trec(scores: dict[str, dict[str, float]], source: Path) -> str:
    """The mean of each TREC figure over the judged questions, one line each."""
    if not scores:
        return f"TREC figures ({source}): no question of the gold set is judged there"
    names = list(next(iter(scores.values())))
    means = "  ".join(f"{name} {sum(s[name] for s in scores.values()) / len(scores):.3f}" for name in names)
    return f"TREC figures ({source}, {len(scores)} questions judged): {means}"
