"""A float16 matrix times a float32 one, the float16 side widened on the way.

The late-interaction scores of a search (`qa.search`) multiply the float16 token vectors of its
best candidates (~17 000 x 384 on the project corpus) by the query's float32 token vectors.
NumPy widens float16 one element at a time: 9 ms of a 29 ms search, and the product 3 ms more.
ONNX Runtime's Cast is vectorised: its Cast + MatMul graph took 3.0 ms for both on an AMD EPYC
with AVX-512 (bench/README.md). Where onnxruntime cannot run, NumPy does it; the two agree to
~1e-6 (a different summation order).
"""
from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import numpy as np

from models.precision import onnxruntime_available

# The Cast + MatMul graph, serialised (175 bytes): building it with the `onnx` package would cost
# every cold start 0.45 s of imports. tests/models/test_widen.py rebuilds it with `onnx.helper`
# (inputs "half" float16 [n, d] and "single" float32 [d, m], output "product"; opset 17, IR 8).
GRAPH = base64.b64decode(
    "CAg6pAEKHQoEaGFsZhIEd2lkZSIEQ2FzdCoJCgJ0bxgBoAECCh8KBHdpZGUKBnNpbmdsZRIHcHJvZHVjdCIGTWF0TXVsEg93aWRlbmVk"
    "X3Byb2R1Y3RaGAoEaGFsZhIQCg4IChIKCgMSAW4KAxIBZFoaCgZzaW5nbGUSEAoOCAESCgoDEgFkCgMSAW1iGwoHcHJvZHVjdBIQCg4I"
    "ARIKCgMSAW4KAxIBbUIECgAQEQ==")


def widened_product(half: np.ndarray, single: np.ndarray) -> np.ndarray:
    """`half` (float16, n x d) @ `single` (float32, d x m) in float32."""
    session = _session()
    if session is None or not len(half) or not single.shape[1]:
        return np.asarray(half, dtype=np.float32) @ single
    (out,) = session.run(None, {"half": np.ascontiguousarray(half, dtype=np.float16),
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
