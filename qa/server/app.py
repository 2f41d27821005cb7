"""The FastAPI application: routes, error handlers, API key, CORS (off unless origins are set), and a
refusal of requests a browser sends from another origin."""
from __future__ import annotations

import hmac
import logging
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from qa import Engine, QueryError
from qa.errors import shown_value
from qa.server.routes import ApiError, check_k, router
from qa.server.settings import API_KEY_HEADER, Settings
from qa.server.state import EngineHolder

log = logging.getLogger("qa.server")
DOCS_ASSETS = "/docs-assets"  # Swagger UI's files, served locally
OPEN_PATHS = ("/health", "/docs")  # answered without the API key (readiness probes; the docs, as /openapi.json)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The API over `settings.index_dir`; `engine`, when given, is served instead of loading one."""
    settings = settings or Settings()
    holder = EngineHolder(settings.index_dir, engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder.start()
        yield

    dependencies = [Security(_key_check(settings.api_key))] if settings.api_key else []
    # /docs with Swagger UI served from the fastapi-offline package: FastAPI's own loads it from a CDN,
    # which an offline machine cannot reach.
    app = FastAPIOffline(title="Tesesøk API", version="1", lifespan=lifespan, dependencies=dependencies,
                         redoc_url=None, static_url=DOCS_ASSETS,
                         description="Semantic search and cited, extractive answers over Norwegian theses. "
                                     "The same JSON as `python -m qa ask --json` and `python -m qa batch`.")
    app.state.settings, app.state.holder = settings, holder
    app.include_router(router)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", API_KEY_HEADER])
    _add_error_handlers(app)
    _refuse_foreign_origins(app, settings.cors_origins)
    return app


def _refuse_foreign_origins(app: FastAPI, allowed: tuple[str, ...]) -> None:
    """Answer 403 to a request whose Origin header (sent by browsers) is neither the server's own nor
    allowed: without it, any web page open in a browser on this machine could post questions to a
    server on localhost, where no API key is needed (a plain-text POST needs no CORS preflight)."""

    @app.middleware("http")
    async def check_origin(request: Request, call_next):
        origin = request.headers.get("origin")
        if origin and origin not in allowed and urlsplit(origin).netloc != request.headers.get("host"):
            return _error(403, f"requests from the web page at {origin} are refused; "
                               "allow its origin with TESESOK_CORS_ORIGINS")
        return await call_next(request)


def _key_check(key: str):
    """A dependency refusing requests without the API key (except OPEN_PATHS)."""
    header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)
    expected = key.encode("utf-8")

    async def check(request: Request, given: str | None = Security(header)) -> None:
        if request.url.path in OPEN_PATHS:
            return
        if given is None or not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected):
            raise ApiError(401, f"missing or wrong API key (send it in the {API_KEY_HEADER} header)")
    return check


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    """Every error as `{"error": message}` with a 4xx/5xx status, never a traceback."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, _validation_message(exc))

    @app.exception_handler(QueryError)  # an empty question, an unknown filter value, …
    async def query_error(request: Request, exc: QueryError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return _error(500, "internal error; the server log has the details")


def _validation_message(exc: RequestValidationError) -> str:
    """The command line's message for a bad query parameter."""
    first = exc.errors()[0]
    name = first["loc"][-1]
    if name == "k":
        try:
            check_k(int(first.get("input")))
        except (TypeError, ValueError):
            pass
        except ApiError as error:
            return error.message
        return f"k must be a whole number of at least 1, got {shown_value(first.get('input'))}"
    return f"{name}: {first['msg']}"
