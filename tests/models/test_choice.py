"""The backend choice: the fastest variant faithful to fp32, per side, cached per CPU."""
from __future__ import annotations

import json

import pytest

import models.choice as choice
from models.choice import (MAX_NDCG_DROP, MIN_PASSAGE_COSINE, MIN_QUERY_COSINE, describe, faithful, load_choice,
                           pick, save_choice)
from models.precision import resolve_dtype


def row(p50: float, rate: float, cos: float = 1.0, ndcg_q: float = 0.60, ndcg_p: float = 0.70) -> dict:
    return {"backend": "x", "precision": "y", "load_s": 1.0, "query_p50_ms": p50, "passages_per_s": rate,
            "query_cos_min": cos, "passage_cos_min": cos, "ndcg_queries": ndcg_q, "ndcg_passages": ndcg_p,
            "ndcg_both": min(ndcg_q + 0.1, ndcg_p)}


def figures(**rows: dict) -> dict:
    return {"fp32": row(50.0, 10.0), **rows}


def test_the_fastest_faithful_variant_wins_each_side():
    chosen = pick(figures(bf16=row(40.0, 20.0), int8=row(12.0, 15.0)))
    assert chosen == {"query": "int8", "passage": "bf16"}


def test_a_faster_variant_that_is_not_faithful_is_never_chosen():
    off_cosine = row(5.0, 90.0, cos=MIN_PASSAGE_COSINE - 0.001)
    off_ranking = row(6.0, 80.0, ndcg_q=0.60 - MAX_NDCG_DROP - 0.005, ndcg_p=0.70 - MAX_NDCG_DROP - 0.005)
    chosen = pick(figures(int8=off_cosine, onnx=off_ranking, bf16=row(45.0, 11.0)))
    assert chosen == {"query": "bf16", "passage": "bf16"}
    ref = figures()["fp32"]
    assert not faithful(off_cosine, ref, "query") and not faithful(off_ranking, ref, "passage")
    # a ranking that drops by exactly the allowed amount (or improves) is faithful
    assert faithful(row(1.0, 1.0, ndcg_q=0.60 - MAX_NDCG_DROP, ndcg_p=0.75), ref, "passage")


def test_passages_round_fp32_and_queries_reproduce_it():
    # as measured on an AMD EPYC with AVX-512 (2026-12-07): int8 and bf16 are faster, not exact
    int8, bf16 = row(5.0, 62.3, cos=0.9934), row(11.4, 52.5, cos=0.99997)
    onnx = row(8.1, 36.6, cos=0.9999996)
    assert pick(figures(int8=int8, bf16=bf16)) == {"query": "fp32", "passage": "bf16"}
    assert pick(figures(int8=int8, bf16=bf16, onnx=onnx)) == {"query": "onnx", "passage": "bf16"}
    assert 0.9934 < MIN_PASSAGE_COSINE <= 0.99997 < MIN_QUERY_COSINE <= 0.9999996


def test_fp32_is_chosen_when_nothing_else_is_faithful():
    assert pick(figures(int8=row(1.0, 99.0, cos=0.9))) == {"query": "fp32", "passage": "fp32"}


def _entry(key: str, query: str = "int8", passage: str = "bf16") -> dict:
    return {"key": key, "cpu": "Test CPU", "model_id": choice.DEFAULT_MODEL_ID, "query": query, "passage": passage,
            "measured_at": "2026-12-01T11:00:00+00:00",
            "figures": figures(int8=row(12.0, 15.0), bf16=row(40.0, 20.0))}


def test_the_choice_is_cached_per_cpu_and_read_by_auto(tmp_path, monkeypatch):
    monkeypatch.setattr(choice, "CHOICE_DIR", tmp_path)
    monkeypatch.delenv("TESESOK_ENCODER_DTYPE", raising=False)
    assert load_choice() is None
    save_choice(_entry("another CPU | flags 000000000000", "fp32", "fp32"))
    assert load_choice() is None  # measured on another CPU: not this one's choice
    save_choice(_entry(choice.cpu_key()))
    stored = json.loads((tmp_path / choice.CHOICE_FILE).read_text(encoding="utf-8"))
    assert len(stored) == 2  # the other CPU's entry is kept
    assert load_choice()["query"] == "int8"
    assert resolve_dtype("auto", queries=True) == "int8" and resolve_dtype("auto") == "bf16"
    assert resolve_dtype("fp32", queries=True) == "fp32"  # --dtype forces one
    assert resolve_dtype("auto", {"avx2"}) == "fp32"  # explicit flags: the flag rules
    line = describe(load_choice())
    assert "queries ONNX Runtime int8 (12.0 ms/query, fp32 50.0)" in line and "passages PyTorch bf16" in line


def test_a_choice_made_under_other_rules_is_measured_again(tmp_path, monkeypatch):
    """A cache written when int8 queries were faithful enough (cosine >= 0.99) is not this CPU's choice now."""
    monkeypatch.setattr(choice, "CHOICE_DIR", tmp_path)
    old = _entry(choice.cpu_key())
    old["figures"]["int8"]["query_cos_min"] = 0.9934
    save_choice(old)
    assert load_choice() is None and "not measured on this CPU" in describe(load_choice())


@pytest.mark.parametrize("content", ["{not json", "[]", '{"KEY": {"query": "fp16", "passage": "bf16"}}'])
def test_a_damaged_cache_is_ignored(tmp_path, monkeypatch, content):
    monkeypatch.setattr(choice, "CHOICE_DIR", tmp_path)
    (tmp_path / choice.CHOICE_FILE).write_text(content.replace("KEY", choice.cpu_key()), encoding="utf-8")
    assert load_choice() is None
    assert "not measured on this CPU" in describe(load_choice())
