"""Query-side fixtures: one engine over the session's index, sharing the session's encoder."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def engine(built_index, encoder):
    from qa.engine import Engine

    return Engine(built_index, encoder=encoder)


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    from qa.evaluation.evaluate import load_questions

    return load_questions(REPO / "eval" / "dev.jsonl")


PROJECT_SETS = ("dev.jsonl", "unanswerable.jsonl", "heldout.jsonl", "fresh.jsonl", "fresh2.jsonl",
                "fresh3.jsonl")  # never sealed.jsonl


@pytest.fixture(scope="session")
def project_questions() -> list[dict]:
    """Every project question set's questions (the cross-validation pool of eval/README.md)."""
    from qa.evaluation.evaluate import load_questions

    return [q for name in PROJECT_SETS for q in load_questions(REPO / "eval" / name)]
