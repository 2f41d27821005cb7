"""Robustness fixtures: tiny corpora cut from the real theses, one tiny index, a fake encoder.

The real encoder embeds about 10–30 texts per second on this machine, so these tests build
from excerpts of a few pages (`make_tiny_corpus`), once per session (`tiny_built`, in
tests/conftest.py so every folder shares the one build), and work on copies (`tiny`). Tests
about reading and parsing that need no meaningful vectors use `FakeEncoder`, which hashes
texts into vectors instantly (`fake_built`).

Import helpers from here as `tests.robustness.conftest` (the repository root is on sys.path).
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from models.encoder import TokenVectors
from tests.conftest import EXCERPTS, excerpt, make_tiny_corpus  # noqa: F401  (helpers tests import from here)

REPO = Path(__file__).resolve().parents[2]
# The environment command-line tests run in (offline, as every command of the project).
CLI_ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}

CONSENT_EMAIL = "guro.wisth.oydgard@stud.uin.no"
CONSENT_PHONE = "99541104"

# Questions about the tiny corpus, Norwegian and English, with and without filters.
QUESTIONS = [
    ("Hvordan kan man forstå rusens sosiale funksjon?", None),
    ("Hva er viktig i ettervern etter døgnbasert rusbehandling?", None),
    ("What should aftercare contain for young people after treatment?", None),
    ("Why do social groups matter for drug addiction?", None),
    ("Hvilke mål har rusmiddelmisbrukere for fremtiden?", None),
    ("samtykkeerklæring intervju", {"parts": ["appendix"]}),
    ("identitet og tilhørighet", {"theses": ["000_56c92893e0805444.txt"]}),
    ("Hva er ICD-10?", {"languages": ["no"]}),
    ("Goffman Bourdieu", None),
    ("Hva koster en kinobillett i Tromsø?", None),  # nothing in the corpus answers this
]


def cli(*args: str, env: dict | None = None, timeout: float = 120, user: str | None = None):
    """`python -m <args>` in the repository (as uid `user` if given); the completed process, text output."""
    import subprocess
    import sys

    command = [sys.executable, "-m", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, cwd=REPO, env=env or CLI_ENV, capture_output=True, text=True, timeout=timeout)


def prose(n_chars: int, seed: int = 0) -> str:
    """Norwegian-looking running text of about `n_chars` characters (sentences, no line breaks)."""
    rng = np.random.default_rng(seed)
    words = ("rus behandling ettervern identitet tilhørighet nettverk sosial kommune tjenester "
             "informantene opplever hverdagen mål fremtiden hjelp samarbeid oppfølging bolig arbeid "
             "mestring familie venner rusfri tilbakefall motivasjon").split()
    out, size = [], 0
    while size < n_chars:
        n = int(rng.integers(8, 20))
        sentence = " ".join(words[int(i)] for i in rng.integers(0, len(words), n))
        sentence = sentence[0].upper() + sentence[1:] + "."
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)


def fingerprint(index: Path) -> dict[str, str]:
    """Hashes of CURRENT and of every file of the live snapshot (bm25/ included)."""
    from store.layout import CURRENT, current_snapshot

    snapshot = current_snapshot(index)
    files = [index / CURRENT, *sorted(p for p in snapshot.rglob("*") if p.is_file())]
    return {str(p.relative_to(index)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def snapshot_folders(index: Path) -> list[str]:
    from store.layout import SNAPSHOTS

    folder = index / SNAPSHOTS
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def while_running(process, *steps) -> str:
    """Call each of `steps` again and again, each in its own thread, until `process` (a Popen with
    text pipes) ends; its standard output. Fails if it failed or a step raised (the first error)."""
    import threading

    done, errors = threading.Event(), []

    def repeat(step) -> None:
        try:
            while not done.is_set():
                step()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=repeat, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    try:
        out, err = process.communicate(timeout=600)
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert process.returncode == 0, err
    if errors:
        raise errors[0]
    return out


def count_snapshot(engine, seen: dict[str, int]) -> None:
    """Count the snapshot `engine` reads in `seen`, then close the engine."""
    try:
        name = engine.snapshot.manifest["snapshot"]
        seen[name] = seen.get(name, 0) + 1
    finally:
        engine.close()


def results(engine, calls=None) -> list[tuple]:
    """What a list of calls returns, in comparable form (ids, offsets, scores to 1e-5, answer text).

    `calls` are ("search"|"ask", question, filters) triples; default: both kinds for QUESTIONS.
    """
    from qa.answer import ask
    from qa.filters import Filters
    from qa.search import search

    calls = calls if calls is not None else [(kind, q, f) for q, f in QUESTIONS for kind in ("search", "ask")]
    return [run_call(engine, call, ask, search, Filters) for call in calls]


def run_call(engine, call, ask=None, search=None, Filters=None) -> tuple:
    if ask is None:
        from qa.answer import ask
        from qa.filters import Filters
        from qa.search import search
    kind, question, filters = call
    f = Filters.of(**filters) if filters else None
    if kind == "search":
        hits = search(engine, question, k=5, filters=f)
        return ("search", tuple((h.doc, h.passage_id, h.start, h.end, round(h.score, 5)) for h in hits))
    answer = ask(engine, question, k=5, filters=f)
    return ("ask", answer.text, answer.abstained,
            tuple((s.hit.doc, s.hit.passage_id, s.hit.start, s.hit.end, round(s.hit.score, 5)) for s in answer.sources))


class FakeEncoder:
    """A stand-in encoder: instant, deterministic unit vectors hashed from the text.

    Token counts are words + 4 (the prompt and special tokens), like the real one's shape. Use
    it where the test is about reading, parsing and writing, not about retrieval quality.
    """

    model_id = "test/fake-hash-encoder"
    dimension = 32
    dtype = "fp32"
    prompts = {"query": "query: ", "passage": "passage: "}

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 4

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_tokens(self, texts: list[str], kind: str) -> tuple[np.ndarray, list[TokenVectors]]:
        """The text's vector, and each word as a token (its id and vector hashed from the word)."""
        tokens = []
        for text in texts:
            words = text.split()
            ids = np.array([int.from_bytes(hashlib.blake2b(w.encode("utf-8", "surrogatepass"), digest_size=2).digest(),
                                           "little") for w in words], dtype=np.int32)
            tokens.append(TokenVectors(ids, self._encode(words)))
        return self._encode(texts), tokens

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        raw = b"".join(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=self.dimension).digest()
                       for t in texts)
        vectors = np.frombuffer(raw, dtype=np.uint8).reshape(len(texts), self.dimension).astype(np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="session")
def fake_built(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny corpus and its index built with `FakeEncoder` (seconds), once per session (read-only)."""
    from indexer.build import build_index

    root = tmp_path_factory.mktemp("fake")
    corpus = make_tiny_corpus(root / "corpus")
    report = build_index(corpus, root / "index", encoder=FakeEncoder(), progress=False)
    assert report.exit_code == 0, report.summary()
    return corpus, root / "index"


@pytest.fixture
def fake(fake_built, tmp_path) -> tuple[Path, Path]:
    """The shared corpus and a writable copy of its `FakeEncoder` index."""
    corpus, index = fake_built
    shutil.copytree(index, tmp_path / "index")
    return corpus, tmp_path / "index"
