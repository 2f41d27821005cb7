"""Property-based fuzzing of the published OpenAPI schema (schemathesis): no request gets a 5xx.

Schemathesis's own pytest plugin does not load under this pytest, so each operation's Hypothesis
strategy is driven directly; examples are bounded per operation.
"""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

EXAMPLES = 40  # per operation


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value) -> dict:
    """A generated /batch line as an NDJSON body (one line)."""
    return {"data": json.dumps(value).encode() + b"\n"}


def _operations(app) -> dict:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return {f"{op.method.upper()} {op.path}": op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.mark.parametrize("name", ["POST /ask", "POST /search", "POST /batch", "GET /theses", "GET /health"])
def test_no_server_error(app, name):
    operation, statuses = _operations(app)[name], set()

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        statuses.add(case.call_and_validate(checks=[not_a_server_error]).status_code)

    check()
    assert any(200 <= status < 300 for status in statuses), statuses  # valid requests were generated too
