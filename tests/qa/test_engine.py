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
opened = detector_factory._factory is not None
answer = ask(engine, "What is the role of the family in recovery from addiction?")
clear = detector_factory._factory is not None
open_question = ask(engine, "Recovery kapital sosialt nettverk betydning")  # no function words decide it
needed = detector_factory._factory is not None and len(detector_factory._factory.langlist) > 40
print(json.dumps({"dtype": engine.encoder.variant, "backend": engine.info()["backend"],
                  "sources": len(answer.sources), "profiles": [opened, clear, needed], "language": open_question.language,
                  "torch": "torch" in sys.modules, "transformers": "transformers" in sys.modules}))
"""

_WARM = """
import sys, time
from langdetect import detector_factory
from qa.server.state import EngineHolder
holder = EngineHolder(sys.argv[1])
holder.start()
while holder.status() == "loading":
    time.sleep(0.05)
print(holder.status(), detector_factory._factory is not None)
"""


def test_a_query_process_with_an_onnx_encoder_never_imports_torch(built_index):
    """Also: langdetect's profiles (0.3-0.5 s) are read by the first question that needs them, not
    when the engine opens: a one-off command whose question is clearly English or Norwegian never
    reads them (servers read them at start-up: below)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", _SERVE, str(built_index)], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    served = json.loads(out.stdout.strip().splitlines()[-1])
    assert served["dtype"] == QUERY_DTYPE and served["sources"] > 0
    assert served["profiles"] == [False, False, True], served["profiles"]
    assert served["language"] == "no"
    onnx = QUERY_DTYPE in ("int8", "onnx-fp32")
    assert served["backend"] == ("onnxruntime" if onnx else "pytorch")
    if onnx:  # tokenizer.json + ONNX Runtime only: seconds less start-up, less memory
        assert not served["torch"] and not served["transformers"], served


def test_a_server_reads_the_language_profiles_before_it_is_ready(built_index):
    """The API's engine is warmed up (`Engine.warm_up`) before /health says ready, so that no
    visitor's first question waits for langdetect (the app's `ui.loader.get_engine` does the same)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", _WARM, str(built_index)], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["ready", "True"]
