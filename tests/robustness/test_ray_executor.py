"""`indexer build --executor ray`: the same vectors as the local build, a killed worker retried,
bad options refused. Runs on the session's local Ray cluster (two one-CPU workers)."""
from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from indexer.__main__ import main
from indexer.build import build_index
from indexer.executors import RayExecutor, chunk_texts
from store.reader import load_thesis, open_index
from tests.conftest import RAY_WORKERS
from tests.robustness.conftest import EXCERPTS, make_tiny_corpus

MIN_COSINE = 0.999


@pytest.fixture(scope="module")
def ray_executor(ray_cluster, encoder):
    """One executor with its two workers started (each has loaded the model) for this module."""
    executor = RayExecutor(dtype=encoder.dtype, workers=RAY_WORKERS, progress=False)  # the local encoder's precision, not "auto"
    executor.start(encoder)
    yield executor
    executor.close()


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def stored(index) -> dict:
    with open_index(index) as snap:
        return {doc: load_thesis(snap, doc) for doc in snap.manifest["theses"]}


def test_chunks_cover_every_text_once_by_length():
    texts = ["x" * n for n in (5, 300, 40, 7000, 12, 6000, 90)] * 20
    chunks = chunk_texts(texts, max_chars=8000, max_rows=16)
    assert sorted(i for c in chunks for i in c) == list(range(len(texts)))
    assert all(len(c) <= 16 and (len(c) == 1 or sum(len(texts[i]) for i in c) <= 8000) for c in chunks)
    lengths = [len(texts[i]) for c in chunks for i in c]
    assert lengths == sorted(lengths, reverse=True)


def test_ray_build_matches_local_build(ray_executor, tiny_built, encoder, tmp_path):
    _, local_index = tiny_built
    corpus = make_tiny_corpus(tmp_path / "corpus")
    report = build_index(corpus, tmp_path / "index", encoder=encoder, executor=ray_executor, progress=False)

    assert report.exit_code == 0 and report.reembedded == len(EXCERPTS), report.summary()
    assert any(n.startswith(f"Embedded on Ray: {RAY_WORKERS} workers on 1 node") for n in report.notes)
    local, distributed = stored(local_index), stored(tmp_path / "index")
    assert set(local) == set(distributed) == set(EXCERPTS)
    for doc, ours in distributed.items():
        assert ours.thesis == local[doc].thesis and ours.windows == local[doc].windows  # same parse, same passages
        assert np.array_equal(ours.tokens.ids, local[doc].tokens.ids)  # the workers' token vectors
        assert np.array_equal(ours.tokens.counts, local[doc].tokens.counts)
        for mine, theirs in ((ours.passage_vectors, local[doc].passage_vectors),
                             (ours.sentence_vectors, local[doc].sentence_vectors),
                             (ours.window_vectors, local[doc].window_vectors),
                             (ours.tokens.vectors.astype(np.float32), local[doc].tokens.vectors.astype(np.float32))):
            assert mine.shape == theirs.shape and len(mine) > 0
            assert cosines(mine, theirs).min() >= MIN_COSINE, doc
    with open_index(tmp_path / "index") as snap:
        assert snap.manifest["dtype"] == ray_executor.dtype
        assert snap.passage_index.ntotal == snap.manifest["totals"]["passages"]


def test_the_ray_build_process_never_loads_the_model_weights(ray_executor, tiny_built, monkeypatch, tmp_path):
    """Without an encoder given, a build whose workers embed reads only the model's folder (id,
    dimension, prompts, tokenizer): constructing an Encoder in this process fails the test."""
    import models.encoder

    def no_weights(*args, **kwargs):
        raise AssertionError("the build loaded the model in the driver")

    monkeypatch.setattr(models.encoder, "Encoder", no_weights)
    _, local_index = tiny_built
    corpus = make_tiny_corpus(tmp_path / "corpus")
    report = build_index(corpus, tmp_path / "index", executor=ray_executor, progress=False)
    assert report.exit_code == 0 and report.reembedded == len(EXCERPTS), report.summary()
    local, distributed = stored(local_index), stored(tmp_path / "index")
    for doc, ours in distributed.items():
        assert ours.thesis == local[doc].thesis  # the same token counts, so the same passages
        assert cosines(ours.passage_vectors, local[doc].passage_vectors).min() >= MIN_COSINE, doc
    with open_index(tmp_path / "index") as snap:
        assert snap.manifest["dtype"] == ray_executor.dtype and snap.manifest["prefixes"]


def test_killed_worker_is_restarted_and_its_texts_embedded(ray_executor, encoder, capfd):
    corpus_sentences = [s.text for t in stored_tiny(encoder) for s in t.sentences]
    texts = corpus_sentences * 6  # several chunks per worker: the victim is busy when it is killed
    restarts, processes = ray_executor.restarts, set(ray_executor.pids[0])
    (victim,) = processes
    ray_executor.progress = True
    try:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(ray_executor.embed, texts)
            time.sleep(1.0)  # every worker has its first chunks (each takes seconds) by now
            os.kill(victim, signal.SIGKILL)
            vectors = future.result(timeout=600)
    finally:
        ray_executor.progress = False

    assert ray_executor.restarts == restarts + 1
    assert len(ray_executor.pids[0] - processes) == 1  # worker 0 went on in a new process
    expected = encoder.encode_passages(corpus_sentences)
    copies = vectors.reshape(6, len(corpus_sentences), -1)
    assert min(cosines(copy, expected).min() for copy in copies) >= MIN_COSINE  # none lost or misplaced
    err = capfd.readouterr().err
    assert f"Embedding on Ray ({RAY_WORKERS} workers)" in err and f"{len(texts)}/{len(texts)}" in err


def stored_tiny(encoder):
    """The tiny corpus parsed as the build parses it (texts only; nothing embedded)."""
    import tempfile
    from pathlib import Path

    from indexer.thesis import parse_thesis

    with tempfile.TemporaryDirectory() as folder:
        corpus = make_tiny_corpus(Path(folder))
        return [parse_thesis(corpus / name, count_tokens=encoder.count_tokens) for name in EXCERPTS]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.parametrize("args, message", [
    (["--executor", "ray", "--ray-workers", "0"], "--ray-workers must be at least 1"),
    (["--ray-address", "127.0.0.1:6379"], "need --executor ray"),
    (["--executor", "ray", "--ray-address", "not an address"], "--ray-address must be HOST:PORT"),
    (["--executor", "ray", "--ray-address", "127.0.0.1:{port}"], "Could not reach the Ray cluster at 127.0.0.1:"),
])
def test_bad_ray_options_are_refused(tmp_path, capsys, args, message):
    corpus = make_tiny_corpus(tmp_path / "corpus", names=[next(iter(EXCERPTS))])
    args = [a.format(port=_closed_port()) for a in args]
    started = time.monotonic()
    code = main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "index"), *args])
    captured = capsys.readouterr()
    assert code == 2 and message in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "index").exists()
    assert time.monotonic() - started < 30  # refused before loading the model or waiting on a cluster
