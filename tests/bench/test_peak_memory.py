"""The cold-start scripts' peak memory is the child's own, whatever the size of the process that starts it."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from bench.query import PEAK_MB

BALLAST_MB = 400


def child_peaks() -> tuple[float, float]:
    """A new interpreter's VmHWM figure and its ru_maxrss, started from this process."""
    script = PEAK_MB + "import resource; print(peak_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    ours, maxrss = map(float, result.stdout.split())
    return ours, maxrss


def test_peak_memory_ignores_the_parent():
    alone, _ = child_peaks()
    ballast = np.ones(BALLAST_MB * 1024 * 1024 // 8)  # pages touched: resident in this process
    loaded, maxrss = child_peaks()
    assert ballast.sum() > 0
    assert 1 < alone < 100 and 1 < loaded < 100  # a bare interpreter: ~10 MB, not the parent's 400+
    assert abs(loaded - alone) < 20, (alone, loaded, maxrss)
