"""The bundled PostgreSQL server the PostgreSQL store runs on (`pgserver:DIR`, the tests' `pg_uri`):
pgvector's HNSW index and the `norwegian` text search configuration work, bad folders are refused."""
from __future__ import annotations

import numpy as np
import psycopg
import pytest

from store.pgserver import PgServerError, start_pgserver


def test_hnsw_finds_the_exact_nearest_neighbours(pg_uri):
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[42] + 0.05 * rng.standard_normal(16).astype(np.float32)
    exact = list(np.argsort(-(vectors @ query))[:10] + 1)
    with psycopg.connect(pg_uri) as conn:
        conn.execute("CREATE TEMP TABLE v (id int PRIMARY KEY, e vector(16))")
        with conn.cursor().copy("COPY v (id, e) FROM STDIN") as copy:
            for i, row in enumerate(vectors, start=1):
                copy.write_row((i, "[" + ",".join(map(str, row.tolist())) + "]"))
        conn.execute("CREATE INDEX ON v USING hnsw (e vector_cosine_ops)")
        conn.execute("SET enable_seqscan = off")
        literal = "[" + ",".join(map(str, query.tolist())) + "]"
        plan = " ".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM v ORDER BY e <=> %s::vector LIMIT 10", (literal,)))
        found = [r[0] for r in conn.execute("SELECT id FROM v ORDER BY e <=> %s::vector LIMIT 10", (literal,))]
    assert "hnsw" in plan.lower() or "Index Scan" in plan
    assert found[0] == 43 and len(set(found) & set(exact)) >= 9


def test_norwegian_text_search_stems_bokmaal(pg_uri):
    with psycopg.connect(pg_uri) as conn:
        (vector,) = conn.execute("SELECT to_tsvector('norwegian', 'Ungdommene opplevde gatekapitalen')").fetchone()
        (hit,) = conn.execute("SELECT to_tsvector('norwegian', 'Ungdommene opplevde gatekapitalen') "
                              "@@ plainto_tsquery('norwegian', 'gatekapitalene ungdommer')").fetchone()
    assert "gatekapital" in vector and hit is True


def test_bad_folders_are_refused_with_a_message(tmp_path):
    with pytest.raises(PgServerError, match="does not exist"):
        start_pgserver(tmp_path / "missing" / "data")
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PgServerError, match="it is a file"):
        start_pgserver(tmp_path / "file")
