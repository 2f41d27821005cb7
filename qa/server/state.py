"""The one engine all requests share, loaded in the background and swapped when a build switches snapshots."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from qa.engine import Engine, load

log = logging.getLogger("qa.server")
RETRY_SECONDS = 1.0  # after a failed reload, keep serving the old snapshot this long before trying again


class NotReady(Exception):
    """The engine is not loaded (yet, or loading failed); the message says which."""


class EngineHolder:
    """Hands every request one whole engine: the live snapshot's, reloaded when CURRENT changes.

    A request takes its engine once and uses only that one, so it sees one snapshot whole even
    when a build switches snapshots meanwhile (an open snapshot keeps working after its folder is
    deleted). Engines come from `qa.engine.load`, the one engine cache every front end shares;
    reloads reuse the loaded encoder and run one at a time, and the requests arriving meanwhile go
    on with the previous engine until the new one is ready.
    """

    def __init__(self, index_dir: Path | str, engine: Engine | None = None):
        self.index_dir = index_dir  # a folder or a store URI (qa.engine.load)
        self._engine = engine
        self._error: str | None = None
        self._reload_lock = threading.Lock()
        self._retry_at = 0.0
        self.reloads = 0

    def start(self) -> None:
        """Load the first engine in a background thread (no-op when one was given)."""
        if self._engine is None:
            threading.Thread(target=self._load_first, name="engine-load", daemon=True).start()

    def _load_first(self) -> None:
        try:
            engine = load(self.index_dir)
            engine.warm_up()
            self._engine = engine
        except Exception as exc:  # reported by /health and every request, never a traceback
            self._error = str(exc)
            log.error("could not load the index: %s", exc)

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def status(self) -> str:
        """"ready", "loading" or the error that stopped the loading."""
        return "ready" if self.ready else (self._error or "loading")

    def get(self) -> Engine:
        """The engine for one request: the live snapshot's (NotReady while none is loaded)."""
        engine = self._engine
        if engine is None:
            raise NotReady(f"the index could not be loaded: {self._error}" if self._error
                           else "the index is still loading; try again shortly")
        if engine.is_current or time.monotonic() < self._retry_at:
            return engine
        return self._reload(engine)

    def _reload(self, old: Engine) -> Engine:
        if not self._reload_lock.acquire(blocking=False):  # another request is reloading: serve the old one
            return old
        try:
            if self._engine is not old:  # another request reloaded meanwhile
                return self._engine
            try:
                self._engine = load(self.index_dir, encoder=old.encoder)
            except Exception as exc:  # a half-switched or damaged index: keep the old snapshot
                self._retry_at = time.monotonic() + RETRY_SECONDS
                log.warning("keeping snapshot %s: the new one could not be loaded (%s)", old.info()["snapshot"], exc)
                return old
            self.reloads += 1
            log.info("now serving snapshot %s", self._engine.info()["snapshot"])
            return self._engine
        finally:
            self._reload_lock.release()
