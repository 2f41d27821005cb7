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
