"""The engine as the product opens it: its own query encoder, chosen by `resolve_dtype(queries=True)`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.precision import resolve_dtype
from qa.engine import Engine
from qa.evaluation.evaluate import evaluate
from qa.evaluation.predict import shipped

REPO = Path(__file__).resolve().parents[2]
QUERY_DTYPE = resolve_dtype("auto", queries=True)

_SERVE = """
import json, sys
from langdetect import detector_factory
from qa.answer import ask
from qa.engine import Engine
engine = Engine(sys.argv[1])
profiles = detector_factory._factory is not None
answer = ask(engine, "What helps people recover from addiction?")
print(json.dumps({"dtype": engine.encoder.variant, "sources": len(answer.sources), "profiles": profiles,
                  "torch": "torch" in sys.modules, "transformers": "transformers" in sys.modules}))
"""


def test_a_query_process_with_an_onnx_encoder_never_imports_torch(built_index):
    """Also: the engine reads langdetect's profiles when it loads, so that the first question that
    needs them is not 0.5-1 s slower than the rest (the warm-start browser test missed its 2 s so)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", _SERVE, str(built_index)], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    served = json.loads(out.stdout.strip().splitlines()[-1])
    assert served["dtype"] == QUERY_DTYPE and served["sources"] > 0
    assert served["profiles"], "langdetect's profiles were not loaded with the engine"
    if QUERY_DTYPE in ("int8", "onnx-fp32"):  # tokenizer.json + ONNX Runtime only: seconds less start-up, less memory
        assert not served["torch"] and not served["transformers"], served


@pytest.mark.skipif(QUERY_DTYPE != "int8", reason="the product's query encoder is the index's own precision here")
def test_int8_queries_rank_the_dev_set_as_well_as_the_index_precision(built_index, engine, dev_questions):
    """Issue 8's bar for int8: dev-set nDCG@10 may drop by less than 0.01."""
    int8 = Engine(built_index)
    assert int8.encoder.dtype == "int8" and engine.encoder.dtype != "int8"
    ours, theirs = (evaluate(dev_questions, shipped(e, 10)) for e in (int8, engine))
    a, b = ours["overall"]["ndcg@10"], theirs["overall"]["ndcg@10"]
    print(f"\ndev nDCG@10: int8 queries {a:.3f}, {engine.encoder.dtype} queries {b:.3f}; "
          f"wrong abstentions {ours['abstention']['wrongly_abstained']:.3f} vs {theirs['abstention']['wrongly_abstained']:.3f}")
    assert a > b - 0.01
    assert ours["abstention"]["wrongly_abstained"] <= 0.10  # the calibrated thresholds still hold
