"""Server settings: command-line values plus environment variables (TESESOK_API_KEY, …)."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

API_KEY_HEADER = "X-API-Key"


@dataclass(frozen=True)
class Settings:
    """What one server serves and its limits.

    `api_key`: required in the X-API-Key header of every request but /health and the docs when
    set; a server bound beyond localhost refuses to start without one. `cors_origins`: browser
    origins allowed to call the API (none by default: CORS is off). `time_limit`: seconds one
    /ask or /search request (or one /batch line) may take before it is answered with 504.
    """

    index_dir: Path | str = Path("index")  # a folder, postgresql://… or pgserver:DIR (store.backends)
    host: str = "127.0.0.1"
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    max_batch_bytes: int = 50_000_000
    time_limit: float = 30.0

    @classmethod
    def from_env(cls, index_dir: Path | str, host: str = "127.0.0.1") -> Settings:
        """Settings for `index_dir` and `host`, the rest from TESESOK_* environment variables."""
        env = os.environ
        origins = tuple(o.strip() for o in env.get("TESESOK_CORS_ORIGINS", "").split(",") if o.strip())
        limit = env.get("TESESOK_TIME_LIMIT", str(cls.time_limit))
        try:
            time_limit = float(limit)
        except ValueError:
            raise ValueError(f"TESESOK_TIME_LIMIT must be a positive number of seconds, got {limit!r}") from None
        return cls(index_dir=index_dir, host=host, api_key=env.get("TESESOK_API_KEY") or None,
                   cors_origins=origins, time_limit=time_limit)

    def problem(self) -> str | None:
        """Why the server must not start with these settings, or None."""
        if self.api_key is not None and (not self.api_key.strip() or self.api_key != self.api_key.strip()):
            return ("TESESOK_API_KEY is blank or starts or ends with white space, which HTTP drops from a header: "
                    "no client could send it; set a key without surrounding spaces")
        if not is_loopback(self.host) and not self.api_key:
            return (f"serving on {self.host} (beyond localhost) needs an API key: "
                    "set TESESOK_API_KEY, or bind to 127.0.0.1")
        if self.time_limit <= 0:
            return f"TESESOK_TIME_LIMIT must be a positive number of seconds, got {self.time_limit}"
        return None


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
