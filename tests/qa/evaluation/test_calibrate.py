"""`qa calibrate` writes an index's own confidence thresholds into the index (issue 16, point 4)."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qa.answer import ask
from qa.engine import Engine
from qa.evaluation.calibrate import calibrate
from qa.evaluation.evaluate import load_questions
from qa.params import DEFAULT
from store.calibration import CALIBRATION

REPO = Path(__file__).resolve().parents[3]
UNCALIBRATED = replace(DEFAULT, thresholds={})  # as for an index built with a model nobody calibrated


@pytest.fixture()
def index_copy(built_index, tmp_path) -> Path:
    return Path(shutil.copytree(built_index, tmp_path / "index"))


def test_calibrate_writes_thresholds_that_the_engine_then_uses(index_copy, encoder):
    questions = (load_questions(REPO / "eval" / "dev.jsonl")[:8]
                 + load_questions(REPO / "eval" / "unanswerable.jsonl")[:4])
    engine = Engine(index_copy, encoder=encoder, params=UNCALIBRATED)
    before = ask(engine, "Hva er gatekapital?")
    assert before.notices and before.confidence.reasons == ("uncalibrated",)
    report = calibrate(engine, questions)
    engine.close()
    assert "written to" in report and (index_copy / CALIBRATION).is_file()
    entry, = json.loads((index_copy / CALIBRATION).read_text())["entries"]
    assert (entry["model_id"], entry["dtype"]) == (encoder.model_id, encoder.dtype)
    engine = Engine(index_copy, encoder=encoder, params=UNCALIBRATED)
    thresholds = engine.params.confidence_thresholds(encoder.model_id, encoder.dtype)
    assert thresholds is not None and thresholds.none_below["no"] == entry["thresholds"]["none_below"]["no"]
    after = ask(engine, "Hva er gatekapital?")
    assert not after.notices and after.confidence.level in ("low", "high")
    engine.close()


def test_a_damaged_calibration_is_a_clear_error(index_copy, capsys):
    from qa.__main__ import main

    (index_copy / CALIBRATION).write_text('{"entries": [{"model_id": "m"}]}')
    assert main(["ask", "Hva er gatekapital?", "--index", str(index_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and CALIBRATION in err and "Traceback" not in err
