"""The engine as the product opens it: its own query encoder, chosen by `resolve_dtype(queries=True)`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from models.precision import resolve_dtype

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
print(json.dumps({"dtype": engine.encoder.variant, "backend": engine.info()["backend"],
                  "sources": len(answer.sources), "profiles": profiles,
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
    onnx = QUERY_DTYPE in ("int8", "onnx-fp32")
    assert served["backend"] == ("onnxruntime" if onnx else "pytorch")
    if onnx:  # tokenizer.json + ONNX Runtime only: seconds less start-up, less memory
        assert not served["torch"] and not served["transformers"], served
