"""Session-wide fixtures: one real encoder, one copy of the corpus, one index built from it.

The whole suite shares these (model loading and a full build are expensive); tests must not
modify what they return — copy first (see `copy_corpus`).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def copy_corpus(dest: Path, names: list[str] | None = None) -> Path:
    """Copy the corpus (or only the thesis files in `names`, plus the catalog) to `dest`, writable."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".toml" or (path.suffix == ".txt" and (names is None or path.name in names)):
            shutil.copyfile(path, dest / path.name)  # copyfile: the originals are read-only
    return dest


def abstain_always():
    """Scoring parameters under which no answer is relevant enough: every question gets confidence
    `none` (and abstains)."""
    from dataclasses import replace

    from qa.params import DEFAULT, Thresholds

    never = Thresholds({"no": 10.0, "en": 10.0}, {"no": 10.0, "en": 10.0})
    return replace(DEFAULT, thresholds={key: never for key in DEFAULT.thresholds})


def writable_copy(corpus: Path, index: Path, dest: Path) -> tuple[Path, Path]:
    """Copies of a session-built corpus and its index under `dest`, for tests that change them."""
    shutil.copytree(corpus, dest / "corpus")
    shutil.copytree(index, dest / "index")
    return dest / "corpus", dest / "index"


@pytest.fixture(scope="session")
def encoder():
    """The real default encoder, loaded once for the whole session."""
    from models.encoder import Encoder

    return Encoder(show_progress=False)


@pytest.fixture(scope="session")
def corpus_copy(tmp_path_factory) -> Path:
    """A temporary copy of the real corpus (do not modify: `built_index` is built from it)."""
    return copy_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def build_report(tmp_path_factory, corpus_copy, encoder):
    """The report of one full build of the real corpus with the real encoder."""
    from indexer.build import build_index

    report = build_index(corpus_copy, tmp_path_factory.mktemp("built") / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0, report.summary()
    return report


@pytest.fixture(scope="session")
def built_index(build_report) -> Path:
    """The index folder built once per session from the whole real corpus (read-only use)."""
    return build_report.snapshot.parent.parent


@pytest.fixture(scope="session")
def pg_uri() -> str:
    """A PostgreSQL 16 + pgvector server (the bundled `pgserver`) in a temporary folder, started
    once per session and stopped at its end; connect with the returned URI."""
    import tempfile

    from store.pgserver import start_pgserver

    # Not under pytest's basetemp: its root is chmod 0700 again by any other pytest run starting on
    # this machine, and the server runs as the `pgserver` user when tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="tesesok-pg-"))
    server = start_pgserver(folder / "data")
    yield server.uri
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


RAY_WORKERS = 2  # the local Ray cluster of the tests: two one-CPU workers


@pytest.fixture(scope="session")
def ray_cluster():
    """A local Ray cluster of two CPUs, started once per session; yields the `ray` module."""
    import ray

    ray.init(num_cpus=RAY_WORKERS, include_dashboard=False, logging_level="warning", log_to_driver=False,
             object_store_memory=200 * 1024 * 1024)
    yield ray
    ray.shutdown()
