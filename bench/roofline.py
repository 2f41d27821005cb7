"""Roofline of passage encoding: the fastest this machine could encode the corpus's passages.

    .venv/bin/python -m bench.roofline --index index

Counts the matrix-product work the encoder must do for every passage of the index (from the
model's shape and each passage's token count), measures how fast this machine multiplies
matrices of the encoder's own shapes (per precision, one thread per core, as the encoder runs),
and prints the passages/s that this alone would allow. Attention, GELU and LayerNorm come on top,
so a real encoder stays below this ceiling. Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.indexing import corpus_texts

REPO = Path(__file__).resolve().parent.parent
TOKENS_PER_GEMM = 4096  # rows of one batch's matrix products (the encoder's parallel token budget)


def model_shape(model: Path) -> dict[str, int]:
    """Hidden size, FFN size and layer count from a transformers ``config.json``."""
    config = json.loads((model / "config.json").read_text())
    return {"hidden": config["hidden_size"], "ffn": config["intermediate_size"],
            "layers": config["num_hidden_layers"]}


def linear_shapes(shape: dict[str, int]) -> list[tuple[int, int]]:
    """(in, out) of the Linear layers of one encoder layer: Q, K, V, attention output, FFN in, FFN out."""
    h, f = shape["hidden"], shape["ffn"]
    return [(h, h)] * 4 + [(h, f), (f, h)]


def passage_flops(tokens: int, shape: dict[str, int]) -> tuple[float, float]:
    """(matrix-product FLOPs in the Linear layers, FLOPs of the attention products) for one passage."""
    linear = 2 * tokens * sum(i * o for i, o in linear_shapes(shape)) * shape["layers"]
    attention = 2 * 2 * tokens * tokens * shape["hidden"] * shape["layers"]  # QK^T and PV
    return float(linear), float(attention)


def gemm_gflops(dtype: str, shape: dict[str, int], workers: int, seconds: float = 2.0) -> float:
    """GFLOPS of the encoder's Linear layers on ``TOKENS_PER_GEMM`` rows, ``workers`` threads each running its own."""
    import torch

    torch.set_num_threads(1)
    torch_dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dtype]
    layers = [(torch.randn(TOKENS_PER_GEMM, i, dtype=torch_dtype), torch.randn(o, i, dtype=torch_dtype))
              for i, o in linear_shapes(shape)]
    flops_per_pass = sum(2 * TOKENS_PER_GEMM * i * o for i, o in linear_shapes(shape))

    def one_worker(_: int) -> int:
        passes, end = 0, time.perf_counter() + seconds
        with torch.inference_mode():
            while time.perf_counter() < end:
                for x, w in layers:
                    torch.nn.functional.linear(x, w)
                passes += 1
        return passes

    one_worker(0)  # warm-up: oneDNN picks and builds its kernels on the first call
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        passes = sum(pool.map(one_worker, range(workers)))
    return passes * flops_per_pass / (time.perf_counter() - start) / 1e9


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.roofline", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=REPO / "index", help="index whose passages are counted (default: index/)")
    ap.add_argument("--dtypes", default=None, help="comma-separated precisions among fp32,bf16 (default: those this CPU runs fast)")
    ap.add_argument("--target", type=float, default=120.0, help="passages/s to compare with (default: 120)")
    args = ap.parse_args(argv)

    from models.precision import available_cores, bf16_is_fast
    from models.materialise import ensure_default_model
    from models.tokens import passage_token_counter

    passages, _ = corpus_texts(args.index)
    count = passage_token_counter()
    tokens = [min(count(text), 512) for text in passages]
    shape = model_shape(ensure_default_model())
    linear, attention = map(sum, zip(*(passage_flops(n, shape) for n in tokens)))
    per_passage = (linear + attention) / len(tokens)
    dtypes = args.dtypes.split(",") if args.dtypes else ["fp32"] + (["bf16"] if bf16_is_fast() else [])
    cores = available_cores()

    print(f"Roofline — {len(tokens)} passages of {statistics.mean(tokens):.0f} tokens on average "
          f"(median {statistics.median(tokens):.0f}, max {max(tokens)}); {cores} CPUs")
    print(f"work per passage: {linear / len(tokens) / 1e9:.2f} GFLOP in Linear layers + "
          f"{attention / len(tokens) / 1e9:.2f} GFLOP in attention products = {per_passage / 1e9:.2f} GFLOP")
    print(f"{args.target:.0f} passages/s needs {args.target * per_passage / 1e9:.0f} GFLOPS sustained\n")
    print("| dtype | Linear GFLOPS, 1 core | Linear GFLOPS, all cores | ceiling passages/s (Linear layers only) |")
    print("|---|---|---|---|")
    for dtype in dtypes:
        one = gemm_gflops(dtype, shape, 1)
        every = gemm_gflops(dtype, shape, cores)
        ceiling = every * 1e9 / (linear / len(tokens))
        print(f"| {dtype} | {one:.0f} | {every:.0f} | {ceiling:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
