"""Session-wide fixtures: one real encoder, one copy of the corpus, one index built from it, and one
tiny index built from excerpts of it (`tiny_built`, used by tests/robustness and tests/qa/server).

The whole suite shares these (model loading and a full build are expensive); tests must not
modify what they return — copy first (see `copy_corpus`).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

# The tiny corpus: real theses cut to a few pages (line ranges of the source files, 1-based,
# inclusive). 003's excerpt keeps the consent form of its appendix (author's phone and e-mail).
EXCERPTS = {
    "000_56c92893e0805444.txt": [(1, 130)],
    "004_d1b033983cbf4306.txt": [(1, 110)],
    "003_5d318866ea7f4178.txt": [(1, 40), (4500, 4613)],
}

def excerpt(name: str, ranges: list[tuple[int, int]] | None = None) -> bytes:
    """The lines `ranges` (1-based, inclusive) of corpus file `name`, as bytes (UTF-8)."""
    lines = (CORPUS / name).read_text(encoding="utf-8").split("\n")
    ranges = ranges or EXCERPTS[name]
    return ("\n".join(line for a, b in ranges for line in lines[a - 1 : b]) + "\n").encode("utf-8")


def make_tiny_corpus(dest: Path, names: list[str] | None = None, catalog: str | None = None) -> Path:
    """Write the tiny corpus (or only `names` of it) to `dest`, with the real catalog (or `catalog`)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names or EXCERPTS:
        (dest / name).write_bytes(excerpt(name))
    text = (CORPUS / "catalog.toml").read_text(encoding="utf-8") if catalog is None else catalog
    (dest / "catalog.toml").write_text(text, encoding="utf-8")
    return dest



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
    """The real default encoder (PyTorch, the precision the CPU flags suggest), loaded once for the
    whole session. Not "auto": what that runs depends on what was measured on this machine
    (models/backend-choice.json), and the suite must not."""
    from models.encoder import Encoder
    from models.precision import pytorch_fallback

    return Encoder(dtype=pytorch_fallback(), show_progress=False)


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
def tiny_built(tmp_path_factory, encoder) -> tuple[Path, Path]:
    """The tiny corpus and its index built with the real encoder, once per session (read-only)."""
    from indexer.build import build_index

    root = tmp_path_factory.mktemp("tiny")
    corpus = make_tiny_corpus(root / "corpus")
    report = build_index(corpus, root / "index", encoder=encoder, progress=False)
    assert report.exit_code == 0 and report.theses == len(EXCERPTS) and not report.problems, report.summary()
    return corpus, root / "index"


@pytest.fixture
def tiny(tiny_built, tmp_path) -> tuple[Path, Path]:
    """A writable copy of the tiny corpus and its index."""
    return writable_copy(*tiny_built, tmp_path)


@pytest.fixture(scope="session")
def tiny_engine(tiny_built, encoder):
    """One Engine over the session's tiny index (shared; do not close)."""
    from qa.engine import Engine

    return Engine(tiny_built[1], encoder=encoder)


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
    # The snapshot files each PgSnapshot of this server's databases cached (store.pgstore._materialise).
    for cache in (Path(tempfile.gettempdir()) / "tesesok-pg").glob(re.sub(r"\W", "_", str(folder)) + "_*"):
        shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_pg_engine(tiny_built, pg_uri, encoder):
    """One Engine over the session's tiny index published to a fresh PostgreSQL database (shared)."""
    from qa.engine import Engine
    from store.layout import current_snapshot
    from store.pgstore import publish
    from tests.stores import new_database

    uri = new_database(pg_uri)
    publish(current_snapshot(tiny_built[1]), uri)
    engine = Engine(uri, encoder=encoder)
    yield engine
    engine.close()


@pytest.fixture(params=["embedded", "postgresql"])
def tiny_engines(request):
    """The tiny index's Engine on each store backend in turn: the embedded snapshot, then PostgreSQL."""
    return request.getfixturevalue("tiny_engine" if request.param == "embedded" else "tiny_pg_engine")


RAY_WORKERS = 2  # the local Ray cluster of the tests: two one-CPU workers


@pytest.fixture(scope="session")
def ray_cluster():
    """A local Ray cluster of two CPUs, started once per session; yields the `ray` module."""
    import ray

    ray.init(num_cpus=RAY_WORKERS, include_dashboard=False, logging_level="warning", log_to_driver=False,
             object_store_memory=200 * 1024 * 1024)
    yield ray
    ray.shutdown()
