"""TREC qrels from a gold question set, judged as `qa eval` judges (see `qa.trec` for run files).

`qa eval` counts each gold quote once, at the first passage that hits it (`qa.evaluation.metrics`). The
qrels it writes say the same in TREC terms: for every answerable question, each gold quote makes
one relevant document, the first retrieved passage that hits it, or, when none does, a document
`QID:unfound-N` that no run contains (so it still counts in recall and the ideal DCG). Later
passages that hit an already-found quote are left unjudged, that is non-relevant, as in `qa eval`.
With these qrels, nDCG@10 and RR@10 equal `qa eval`'s nDCG@10 and MRR@10, and its recall@k is
R@k for a question with at most k gold quotes and P@k for one with more. The exception: where one
passage is the first hit of two gold quotes, `qa eval` credits both (nDCG capped at 1) and a TREC
document counts once, so the tools can score that question lower (8 of the 33 answerable dev
questions have such a passage; q049's nDCG@10 is 0.947 for the tools, 1.0 for `qa eval`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

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
