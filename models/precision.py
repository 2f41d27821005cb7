"""Which precision (and so which backend) the encoder runs: from the CPU's features.

``fp32``/``bf16`` run PyTorch (bf16 where the CPU has AMX/AVX512-BF16); ``int8`` runs ONNX
Runtime (where the CPU has int8 dot products, for queries); ``auto`` picks by CPU flags.
"""
from __future__ import annotations

import os

DTYPES = ("auto", "fp32", "bf16", "int8")
# Overrides what dtype "auto" resolves to (fp32, bf16 or int8), e.g. for A/B comparisons.
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


def int8_is_fast(flags: set[str] | None = None) -> bool:
    """True if the CPU has int8 dot-product instructions (VNNI or AMX-INT8)."""
    flags = cpu_flags() if flags is None else flags
    return bool({"avx512_vnni", "avx_vnni", "amx_int8"} & flags)


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_dtype(dtype: str = "auto", flags: set[str] | None = None, *, queries: bool = False) -> str:
    """The precision ``dtype`` stands for; explicit values pass.

    ``"auto"``: ``"bf16"`` where the CPU has fast bf16 (AMX), else ``"fp32"``. With ``queries``
    (an encoder that embeds search queries only), ``"int8"`` (ONNX Runtime) where the CPU has
    int8 dot products and onnxruntime is installed: 3-4x faster than bf16 on a 30-token query,
    dev-set nDCG@10 within 0.01 (bench/README.md). Passages stay bf16, which is faster on them.
    ``$TESESOK_ENCODER_DTYPE`` (``fp32``, ``bf16`` or ``int8``) replaces the choice of ``"auto"``.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPES))}, not {dtype!r}")
    if dtype != "auto":
        return dtype
    override = os.environ.get(AUTO_DTYPE_ENV, "").strip().lower()
    if override:
        if override not in DTYPES[1:]:
            raise ValueError(f"${AUTO_DTYPE_ENV} must be one of fp32, bf16, int8, not {override!r}")
        return override
    if queries and int8_is_fast(flags) and onnxruntime_available():
        return "int8"
    return "bf16" if bf16_is_fast(flags) else "fp32"


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
