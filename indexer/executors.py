"""Where a build embeds its texts: in this process (`local`, the default) or over a Ray cluster (`ray`).

The build hands an executor the passage texts, then the sentence texts, of the theses it has to
embed, several theses at a time (`window_texts`), and gets float32 vectors back in input order;
for the passages also each one's contextual token vectors, from the same encoder pass
(`embed_tokens`, `models.encoder.Encoder.encode_tokens`).

On Ray, long-lived actors (`EmbeddingWorker`, one per CPU of the cluster unless told otherwise)
each load the model once and embed chunks of texts of similar length; the driver keeps two chunks
queued per worker. Actors rather than a Ray Data pipeline: a build asks for vectors many times
(passages and sentences of each window), and one actor pool kept for the whole build loads the
model once per worker, where each Dataset execution would start (and load) its own. A worker
process that dies (killed, out of memory, its node lost) is restarted by Ray and its chunks are
run again there (`max_restarts`, `max_task_retries`); only when that keeps failing does the build
stop, leaving the live index untouched.

Workers need the project importable and the model available at the same path as the driver: on
the local cluster they share this machine; on a remote cluster, give every node the same install
(a container image), as Ray's own deployments do.
"""
from __future__ import annotations

import os
import socket
import sys
from collections import deque
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

from indexer.errors import IndexerError
from models.encoder import TokenVectors
from store.errors import import_optional

REPO = Path(__file__).resolve().parent.parent
EXECUTORS = ("local", "ray")
RAY_WINDOW_TEXTS = 8192  # passages + sentences of changed theses embedded per round on Ray
CHUNK_CHARS = 12_000  # characters per task sent to a worker: ~3 000 tokens, a few seconds on one core
CHUNK_ROWS = 256
IN_FLIGHT = 2  # chunks queued per worker, so that none waits for the driver between two
CONNECT_TIMEOUT = 10.0  # seconds to wait for a --ray-address to answer
RETRIES = 3  # restarts of a dead worker process, and re-runs of the chunks it held
# What a worker process inherits from the build's environment (offline model, precision override).
FORWARDED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM", "TESESOK_ENCODER_DTYPE")


class EncoderLike(Protocol):
    model_id: str
    dimension: int
    dtype: str

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...
    def encode_tokens(self, texts: list[str], kind: str) -> tuple[np.ndarray, list[TokenVectors]]: ...


class Executor(Protocol):
    """Embeds passage texts for a build; see the module docstring."""

    name: str
    window_texts: int  # embed once this many texts of changed theses are waiting (1: every thesis)
    embeds_here: bool  # whether it embeds with the build's own encoder (else the build needs no weights)

    @property
    def dtype(self) -> str: ...
    def start(self, encoder: EncoderLike) -> None: ...
    def embed(self, texts: list[str]) -> np.ndarray: ...
    def embed_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]: ...
    def notes(self) -> list[str]: ...
    def close(self) -> None: ...


class LocalExecutor:
    """Embeds in the build's own process with its encoder, one thesis at a time."""

    name = "local"
    window_texts = 1
    embeds_here = True

    def __init__(self, encoder: EncoderLike | None = None):
        self.encoder = encoder

    @property
    def dtype(self) -> str:
        return self.encoder.dtype if self.encoder is not None else ""

    def start(self, encoder: EncoderLike) -> None:
        self.encoder = encoder

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32)
        return np.asarray(self.encoder.encode_passages(texts), dtype=np.float32)

    def embed_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """Passage vectors of `texts` and their token vectors, from one pass."""
        if not texts:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32), []
        return self.encoder.encode_tokens(texts, "passage")

    def notes(self) -> list[str]:
        return []

    def close(self) -> None:
        pass


class EmbeddingWorker:
    """A Ray actor holding one encoder, loaded when the actor starts (and again if it is restarted)."""

    def __init__(self, model: str | None, dtype: str):
        import ray

        from models.encoder import Encoder

        self.encoder = Encoder(model, dtype=dtype, show_progress=False)
        # One batch at a time on the CPUs Ray gave this actor, not on every core of the node.
        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1)
        self.encoder.threads = max(1, int(cpus))
        self.node = ray.get_runtime_context().get_node_id()

    def info(self) -> dict[str, Any]:
        e = self.encoder
        return {"pid": os.getpid(), "node": self.node, "model_id": e.model_id, "dimension": e.dimension,
                "dtype": e.dtype}

    def embed(self, texts: list[str]) -> tuple[int, np.ndarray]:
        return os.getpid(), np.asarray(self.encoder.encode_passages(texts), dtype=np.float32)

    def embed_tokens(self, texts: list[str]) -> tuple[int, tuple[np.ndarray, list[TokenVectors]]]:
        return os.getpid(), self.encoder.encode_tokens(texts, "passage")


def chunk_texts(texts: list[str], max_chars: int = CHUNK_CHARS, max_rows: int = CHUNK_ROWS) -> list[list[int]]:
    """Indices of `texts` cut into chunks of similar length (longest first), each under `max_chars`
    characters and `max_rows` rows (a longer text gets a chunk of its own)."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in order:
        if current and (size + len(texts[i]) > max_chars or len(current) >= max_rows):
            chunks.append(current)
            current, size = [], 0
        current.append(i)
        size += len(texts[i])
    if current:
        chunks.append(current)
    return chunks


class RayExecutor:
    """Embeds over a Ray cluster: the local one (started here, one worker per core) or `address`.

    Nothing starts until the build has something to embed (`start`). If this process started
    the cluster, `close` shuts it down; a cluster that was already running is left running.
    """

    name = "ray"
    window_texts = RAY_WINDOW_TEXTS
    embeds_here = False

    def __init__(self, model: str | None = None, dtype: str = "auto", *, address: str | None = None,
                 workers: int | None = None, progress: bool = True):
        if workers is not None and workers < 1:
            raise IndexerError(f"--ray-workers must be at least 1, not {workers}")
        if address:
            _check_reachable(address)  # now, before the build loads its model
        self.model, self.requested_dtype, self.address = model, dtype, address
        self.requested_workers, self.progress = workers, progress
        self.workers: list[Any] = []
        self.pids: list[set[int]] = []  # per worker: every process it ran in (more than one: restarted)
        self.nodes: set[str] = set()
        self.embedded = 0  # texts embedded so far
        self.dimension = 0
        self._dtype = ""
        self._ray: Any = None
        self._started_cluster = False

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def restarts(self) -> int:
        return sum(len(p) - 1 for p in self.pids)

    def start(self, encoder: EncoderLike) -> None:
        """Connect to (or start) the cluster and start the workers; checks they run the build's model."""
        if self.workers:
            return
        ray = self._ray = _import_ray()
        if not ray.is_initialized():
            self._init_cluster(ray)
        n = self.requested_workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(EmbeddingWorker).options(
            num_cpus=1, max_restarts=RETRIES, max_task_retries=RETRIES,
            runtime_env={"env_vars": _worker_env()})
        self.workers = [actor.remote(self.model, self.requested_dtype) for _ in range(n)]
        try:
            infos = ray.get([w.info.remote() for w in self.workers])  # waits for every model load
        except ray.exceptions.RayError as exc:
            raise IndexerError(f"The Ray workers could not load the model ({_reason(exc)})") from exc
        for info in infos:
            if (info["model_id"], info["dimension"]) != (encoder.model_id, encoder.dimension):
                raise IndexerError(f"A Ray worker loaded model {info['model_id']} (dimension {info['dimension']}), "
                                   f"not the build's {encoder.model_id}; give every node the same models/ folder")
        self.dimension = encoder.dimension
        self.pids = [{info["pid"]} for info in infos]
        self.nodes = {info["node"] for info in infos}
        self._dtype = "+".join(sorted({info["dtype"] for info in infos}))

    def _init_cluster(self, ray: Any) -> None:
        from models.encoder import available_cores

        try:
            if self.address:
                ray.init(address=self.address, logging_level="warning", log_to_driver=False)
            else:
                ray.init(num_cpus=available_cores(), include_dashboard=False, logging_level="warning",
                         log_to_driver=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
            raise IndexerError(f"Could not start or reach {where} ({_reason(exc)})") from exc
        self._started_cluster = True

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`, in order; chunks run on whichever worker is free."""
        return self._run(texts, tokens=False)[0]

    def embed_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """Vectors of `texts` and their token vectors, in order, like `embed`."""
        return self._run(texts, tokens=True)

    def _run(self, texts: list[str], tokens: bool) -> tuple[np.ndarray, list[TokenVectors]]:
        """`texts` embedded by the workers (`EmbeddingWorker.embed`, or `embed_tokens` if `tokens`)."""
        if not self.workers:
            raise IndexerError("RayExecutor.embed before start()")
        ray = self._ray
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        kept: list[TokenVectors] = [None] * len(texts) if tokens else []  # type: ignore[list-item]
        chunks = chunk_texts(texts)
        waiting = deque(range(len(chunks)))
        running: dict[Any, tuple[int, int]] = {}  # object ref -> (chunk, worker)

        def submit(worker: int) -> None:
            if waiting:
                chunk = waiting.popleft()
                method = self.workers[worker].embed_tokens if tokens else self.workers[worker].embed
                ref = method.remote([texts[i] for i in chunks[chunk]])
                running[ref] = (chunk, worker)

        for worker in range(len(self.workers)):
            for _ in range(IN_FLIGHT):
                submit(worker)
        label = f"Embedding on Ray ({len(self.workers)} workers)"
        with tqdm(total=len(texts), desc=label, unit="text", file=sys.stderr, disable=not self.progress) as bar:
            while running:
                (ref,), _ = ray.wait(list(running), num_returns=1)
                chunk, worker = running.pop(ref)
                try:
                    pid, vectors = ray.get(ref)
                    if tokens:
                        vectors, chunk_tokens = vectors
                        for i, token_vectors in zip(chunks[chunk], chunk_tokens):
                            kept[i] = token_vectors
                except ray.exceptions.RayError as exc:
                    raise IndexerError(f"A Ray worker kept failing on the same texts after {RETRIES} "
                                       f"restart(s) ({_reason(exc)}); the build stopped, the live index "
                                       f"is unchanged") from exc
                self.pids[worker].add(pid)
                out[chunks[chunk]] = vectors
                self.embedded += len(chunks[chunk])
                bar.update(len(chunks[chunk]))
                submit(worker)
        return out, kept

    def notes(self) -> list[str]:
        if not self.workers:
            return []
        nodes = f"{len(self.nodes)} node" + ("s" if len(self.nodes) != 1 else "")
        line = f"Embedded on Ray: {len(self.workers)} workers on {nodes} ({self._dtype})"
        if self.restarts:
            line += f"; {self.restarts} worker process(es) died and were restarted, their texts embedded again"
        return [line]

    def close(self) -> None:
        """Stop the workers (and the cluster, if this executor started it)."""
        ray = self._ray
        if ray is None:
            return
        for worker in self.workers:
            try:
                ray.kill(worker, no_restart=True)
            except ray.exceptions.RayError:
                pass
        self.workers = []
        if self._started_cluster:
            ray.shutdown()
            self._started_cluster = False

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(name: str, *, model: str | None = None, dtype: str = "auto", address: str | None = None,
                  workers: int | None = None, progress: bool = True) -> Executor:
    """The executor called `name` ("local" or "ray"); it starts nothing until the build embeds."""
    if name == "local":
        if address or workers:
            raise IndexerError("--ray-address and --ray-workers need --executor ray")
        return LocalExecutor()
    if name == "ray":
        return RayExecutor(model, dtype, address=address, workers=workers, progress=progress)
    raise IndexerError(f"Unknown executor {name!r}; use one of {', '.join(EXECUTORS)}")


def _import_ray() -> Any:
    return import_optional("ray", IndexerError, "--executor ray")


def _check_reachable(address: str) -> None:
    """Fail fast when nothing listens at a "host:port" (or "ray://host:port") cluster address:
    ray.init would otherwise retry for minutes."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        if address == "auto":
            return
        raise IndexerError(f"--ray-address must be HOST:PORT (or ray://HOST:PORT, or auto), not {address!r}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise IndexerError(f"Could not reach the Ray cluster at {address} "
                           f"({exc.strerror or exc}); is it running?") from exc


def _worker_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    # The workers import the project from where this build runs it (same path on every node).
    path = os.environ.get("PYTHONPATH")
    env["PYTHONPATH"] = f"{REPO}{os.pathsep}{path}" if path else str(REPO)
    return env


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
