"""Load test of the HTTP API: concurrent clients over loopback, bounded by a request count and a time limit.

    python -m bench.load --index index [--clients 16] [--requests 2000] [--time-limit 600] [--rebuild]

Starts `python -m qa serve` on 127.0.0.1 (a free port) over a copy of the index, asks every
project question once, one request at a time (the reference), then sends `--requests` mixed
/ask and /search requests from `--clients` threads and checks that every response equals the
reference. Prints throughput, p50/p95/p99 latency, errors and mismatches. With `--rebuild`,
`python -m indexer build` runs into the served index, again and again while the load lasts,
and the snapshots seen by /health are counted: every request must still succeed (the load
goes on, in rounds of every distinct request, until /health has shown a new snapshot and one
round more). The exit status is 0
only with no error, no mismatch, every planned request sent and, with `--rebuild`, a switch seen.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
QUESTION_FILES = [REPO / "eval" / "dev.jsonl", REPO / "eval" / "unanswerable.jsonl"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _questions() -> list[str]:
    return [json.loads(line)["question"] for path in QUESTION_FILES for line in path.read_text("utf-8").splitlines()
            if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(index: Path, port: int, deadline: float) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "qa", "serve", "--index", str(index), "--port", str(port)],
                              cwd=REPO, env=ENV, stderr=subprocess.DEVNULL)
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit("the server exited during start-up")
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not become ready in time")


def _call(client: httpx.Client, kind: str, question: str) -> tuple[float, int, str]:
    """(seconds, status, body) of one request; status 0 for a transport error."""
    start = time.perf_counter()
    try:
        response = client.post(f"/{kind}", json={"question": question, "k": 5}, timeout=120)
        return time.perf_counter() - start, response.status_code, response.text
    except httpx.HTTPError as exc:
        return time.perf_counter() - start, 0, repr(exc)


def _rebuilds(index: Path, stop: threading.Event, counts: dict[str, float]) -> None:
    """Run `indexer build` into the served index until `stop`; count builds, failures and build seconds.

    A build still running at `stop` is interrupted (the build is atomic: the served snapshot stays).
    """
    while not stop.is_set():
        started = time.perf_counter()
        build = subprocess.Popen([sys.executable, "-m", "indexer", "build", "--corpus", str(REPO / "corpus"),
                                  "--index", str(index)], cwd=REPO, env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while build.poll() is None and not stop.wait(0.5):
            pass
        if build.poll() is None:
            build.terminate()
            build.wait(timeout=60)
            return
        counts["builds" if build.returncode == 0 else "failed_builds"] += 1
        counts["build_seconds"] += time.perf_counter() - started


def _watch(url: str, stop: threading.Event, seen: set[str]) -> None:
    with httpx.Client(base_url=url) as client:
        while not stop.is_set():
            try:
                seen.add(client.get("/health", timeout=10).json().get("snapshot"))
            except httpx.HTTPError:
                pass
            stop.wait(0.2)


def _load(url: str, calls: list[tuple[str, str]], clients: int, deadline: float) -> list[tuple[str, str, float, int, str]]:
    """Send `calls` from `clients` threads (each with its own connection) until done or `deadline`."""
    local = threading.local()

    def one(call: tuple[str, str]):
        if time.monotonic() > deadline:
            return None
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url)
        return (*call, *_call(local.client, *call))

    with ThreadPoolExecutor(clients) as pool:
        return [r for r in pool.map(one, calls) if r is not None]


def _until_switch(url: str, distinct: list[tuple[str, str]], clients: int, deadline: float, seen: set) -> list:
    """Rounds of every distinct request until /health has shown a new snapshot, then one more round
    on it (all within `deadline`): the load goes on across the switch however long the build takes."""
    extra = []
    while len(seen - {None}) < 2 and time.monotonic() < deadline:
        extra += _load(url, distinct, clients, deadline)
    if len(seen - {None}) > 1:
        extra += _load(url, distinct, clients, deadline)
    return extra


def _report(results: list, reference: dict, seconds: float, clients: int, planned: int) -> int:
    latencies = np.array([r[2] for r in results]) * 1000
    errors = sum(r[3] != 200 for r in results)
    mismatches = sum(r[3] == 200 and r[4] != reference[(r[0], r[1])] for r in results)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu} ({os.cpu_count()} logical CPUs)")
    print(f"{len(results)} of {planned} requests from {clients} clients in {seconds:.1f} s: "
          f"{len(results) / seconds:.1f} requests/s")
    for kind in ("ask", "search", None):
        rows = latencies if kind is None else np.array([r[2] for r in results if r[0] == kind]) * 1000
        if len(rows):
            p50, p95, p99 = np.percentile(rows, [50, 95, 99])
            print(f"  {kind or 'all':6} n={len(rows):5}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms")
    print(f"errors: {errors}  mismatches against the one-at-a-time answers: {mismatches}")
    for status, body in sorted({(r[3], r[4][:160]) for r in results if r[3] != 200})[:5]:
        print(f"  error {status or 'transport'}: {body}")
    return errors + mismatches + (planned - len(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=REPO / "index")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds for the whole run")
    parser.add_argument("--rebuild", action="store_true", help="run indexer build into the served index meanwhile")
    args = parser.parse_args(argv)
    if not (args.index / "CURRENT").is_file():
        parser.error(f"no index in {args.index}/ (build one with `make index`, or pass --index)")
    if min(args.clients, args.requests) < 1 or args.time_limit <= 0:
        parser.error("--clients, --requests and --time-limit must be positive")
    deadline = time.monotonic() + args.time_limit
    with tempfile.TemporaryDirectory(prefix="tesesok-load-") as tmp:
        index = Path(tmp) / "index"
        shutil.copytree(args.index, index, symlinks=True)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = _start_server(index, port, deadline)
        try:
            return _run(args, url, index, deadline)
        finally:
            server.terminate()
            server.wait(timeout=60)


def _run(args: argparse.Namespace, url: str, index: Path, deadline: float) -> int:
    questions = _questions()
    distinct = [(kind, q) for q in questions for kind in ("ask", "search")]
    with httpx.Client(base_url=url) as client:
        reference = {}
        for call in distinct:
            _, status, body = _call(client, *call)
            if status != 200:
                raise SystemExit(f"reference request {call} failed with {status}: {body[:200]}")
            reference[call] = body
    calls = [distinct[i % len(distinct)] for i in range(args.requests)]
    stop, counts, seen = threading.Event(), {"builds": 0, "failed_builds": 0, "build_seconds": 0.0}, set()
    helpers = [threading.Thread(target=_watch, args=(url, stop, seen))]
    if args.rebuild:
        helpers.append(threading.Thread(target=_rebuilds, args=(index, stop, counts)))
    for helper in helpers:
        helper.start()
    start = time.perf_counter()
    results = _load(url, calls, args.clients, deadline)
    extra = _until_switch(url, distinct, args.clients, deadline, seen) if args.rebuild else []
    results, planned = results + extra, len(calls) + len(extra)
    seconds = time.perf_counter() - start
    stop.set()
    for helper in helpers:
        helper.join()
    failed = _report(results, reference, seconds, args.clients, planned)
    if args.rebuild:
        built, served = counts["builds"], len(seen - {None})
        mean = f", {counts['build_seconds'] / built:.0f} s each" if built else ""
        print(f"rebuilds finished during the load: {built:.0f}{mean}, {counts['failed_builds']:.0f} failed; "
              f"snapshots served: {served}" + ("" if served > 1 else " (no switch within the time limit)") +
              f"; {len(extra)} of the requests sent after the first {len(calls)}, to keep the load on across the switch")
        failed += served < 2 or counts["failed_builds"] > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
