"""Which precision (and so which backend) the encoder runs.

``fp32``/``bf16`` run PyTorch; ``onnx-fp32`` and ``int8`` run ONNX Runtime. ``auto`` takes what
was measured fastest and faithful to fp32 on this CPU (`models.choice`, cached under models/);
before anything was measured, it falls back to rules on the CPU's flags.
"""
from __future__ import annotations

import os

DTYPES = ("auto", "fp32", "bf16", "onnx-fp32", "int8")
# Overrides what dtype "auto" resolves to (fp32, bf16, onnx-fp32 or int8), e.g. for A/B comparisons.
AUTO_DTYPE_ENV = "TESESOK_ENCODER_DTYPE"


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> set[str]:
    """CPU feature flags of the first processor listed in ``cpuinfo`` (empty if unknown)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def bf16_is_fast(flags: set[str] | None = None) -> bool:
    """True if the CPU has native bf16 matmuls (AMX or AVX512-BF16)."""
    flags = cpu_flags() if flags is None else flags
    return bool({"amx_bf16", "avx512_bf16"} & flags)


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def pytorch_fallback(flags: set[str] | None = None) -> str:
    """The PyTorch precision the CPU flags suggest: bf16 where it has AMX/AVX512-BF16, else fp32."""
    return "bf16" if bf16_is_fast(flags) else "fp32"


def resolve_dtype(dtype: str = "auto", flags: set[str] | None = None, *, queries: bool = False) -> str:
    """The variant ``dtype`` stands for; explicit values pass.

    ``"auto"``, in this order: ``$TESESOK_ENCODER_DTYPE`` (any explicit value); the variant
    measured fastest and faithful on this CPU for queries or passages (`models.choice`, read
    only when ``flags`` is None, i.e. for this machine); else the CPU-flag rules: ``"bf16"``
    where the CPU has fast bf16 (AMX), else ``"fp32"``. With ``queries`` (an encoder that embeds
    search queries only), ``"onnx-fp32"`` where onnxruntime is installed, else ``"fp32"``: queries
    must reproduce fp32 on every CPU (`models.choice.MIN_QUERY_COSINE`), and ONNX Runtime runs
    fp32 2-3x faster than PyTorch on a 30-token query (bench/README.md).
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, not {dtype!r}")
    if dtype != "auto":
        return dtype
    override = os.environ.get(AUTO_DTYPE_ENV, "").strip().lower()
    if override:
        if override not in DTYPES[1:]:
            raise ValueError(f"${AUTO_DTYPE_ENV} must be one of {', '.join(DTYPES[1:])}, not {override!r}")
        return override
    if flags is None:
        from models.choice import load_choice

        measured = load_choice()
        if measured is not None:
            return measured["query" if queries else "passage"]
    if queries:
        return "onnx-fp32" if onnxruntime_available() else "fp32"
    return pytorch_fallback(flags)


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
