"""int8 token codes times a float32 matrix, each row times its scale, widened on the way.

The late-interaction scores of a search (`qa.search`) multiply the stored token vectors of its
best candidates (~17 000 x 384 on the project corpus; int8 codes with a float32 scale per row,
`store.int8`) by the query's float32 token vectors. NumPy widens one element at a time (for the
float16 rows stored before: 9 ms of a 29 ms search, the product 3 ms more). ONNX Runtime's Cast is
vectorised: its Cast + MatMul + Mul graph does all of it in ~3 ms (bench/README.md). Where
onnxruntime cannot run, NumPy does it; the two agree to ~1e-6 (a different summation order).
"""
from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import numpy as np

from models.precision import onnxruntime_available

# The Cast + MatMul + Mul graph, serialised (229 bytes): building it with the `onnx` package would
# cost every cold start 0.45 s of imports. tests/models/test_widen.py rebuilds it with `onnx.helper`
# (inputs "codes" int8 [n, d], "scales" float32 [n, 1] and "single" float32 [d, m], output
# "product"; opset 17, IR 8).
GRAPH = base64.b64decode(
    "CAg62gEKHgoFY29kZXMSBHdpZGUiBENhc3QqCQoCdG8YAaABAgobCgR3aWRlCgZzaW5nbGUSA3JhdyIGTWF0TXVsChsKA3JhdwoGc2Nh"
    "bGVzEgdwcm9kdWN0IgNNdWwSD3dpZGVuZWRfcHJvZHVjdFoZCgVjb2RlcxIQCg4IAxIKCgMSAW4KAxIBZFoZCgZzY2FsZXMSDwoNCAES"
    "CQoDEgFuCgIIAVoaCgZzaW5nbGUSEAoOCAESCgoDEgFkCgMSAW1iGwoHcHJvZHVjdBIQCg4IARIKCgMSAW4KAxIBbUIECgAQEQ==")


def widened_product(codes: np.ndarray, scales: np.ndarray, single: np.ndarray) -> np.ndarray:
    """(`codes` (int8, n x d) @ `single` (float32, d x m)) x `scales` (float32, n) row by row, in float32."""
    session = _session()
    if session is None or not len(codes) or not single.shape[1]:
        return (np.asarray(codes, dtype=np.float32) @ single) * np.asarray(scales, dtype=np.float32)[:, None]
    (out,) = session.run(None, {"codes": np.ascontiguousarray(codes, dtype=np.int8),
                                "scales": np.ascontiguousarray(scales, dtype=np.float32).reshape(-1, 1),
                                "single": np.ascontiguousarray(single, dtype=np.float32)})
    return out


@lru_cache(maxsize=1)
def _session() -> Any:
    """One single-threaded session over `GRAPH`, or None where onnxruntime is missing or cannot make
    one (decided once: a failed import on every search would cost more than it saves). One thread:
    the search's other NumPy work runs beside it, and a second cost more than it gained here (4.5 ms
    against 3.0)."""
    if not onnxruntime_available():
        return None
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(GRAPH, options, providers=["CPUExecutionProvider"])
    except Exception:  # an onnxruntime that cannot run the graph: NumPy gives the same products
        return None
