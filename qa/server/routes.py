"""The endpoints: /ask, /search, /batch, /theses, /health."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, Literal, TypeVar

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from qa import Engine, Filters, Hit
from qa.answer import ask
from qa.batch import answer_line, error_line, format_result, once_per_query, parse_line, read_item, to_json_line
from qa.citation import display_title
from qa.corpus import thesis_rows
from qa.errors import QueryError
from qa.search import MAX_K, clean_query, search
from qa.search import check_k as search_k
from qa.server import schemas
from qa.server.settings import Settings
from qa.server.state import EngineHolder, NotReady

T = TypeVar("T")
router = APIRouter()


class ApiError(Exception):
    """A request answered with `status` and `{"error": message}`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class JSONLineResponse(JSONResponse):
    """JSON as `qa batch` writes it: UTF-8, lone surrogates escaped."""

    def render(self, content: Any) -> bytes:
        return to_json_line(content).encode("utf-8")


ERRORS = {status: {"model": schemas.ErrorOut, "description": text} for status, text in [
    (400, "bad input: the message says what is wrong, as on the command line"),
    (401, "missing or wrong API key (only when the server has one)"),
    (413, "request body too large"), (503, "the index is not loaded yet"), (504, "over the time limit")]}


def _body_schema(model: type, media_type: str = "application/json") -> dict:
    """An OpenAPI request body for `model`, with its nested definitions inlined."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        return [inline(v) for v in node] if isinstance(node, list) else node

    return {"requestBody": {"required": True, "content": {media_type: {"schema": inline(schema)}}}}


def _context(request: Request) -> tuple[Settings, Engine]:
    settings: Settings = request.app.state.settings
    holder: EngineHolder = request.app.state.holder
    try:
        return settings, holder.get()
    except NotReady as exc:
        raise ApiError(503, str(exc)) from None


def too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def _check_length(request: Request, limit: int) -> None:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise ApiError(413, too_large(limit))


async def _read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 past `limit` bytes (counted, whatever Content-Length says)."""
    _check_length(request, limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, too_large(limit))
    return bytes(body)


def check_k(k: object) -> int:
    """`k` if it is a whole number from 1 to MAX_K, else ApiError(400) with the command line's message."""
    try:
        return search_k(k, MAX_K)
    except QueryError as exc:
        raise ApiError(400, str(exc)) from None


def _question(body: bytes, default_k: int) -> tuple[object, str, int, Filters | None]:
    """(id, question, k, filters) of a JSON request, checked like a `qa batch` line."""
    try:
        item = parse_line(body)
        question, filters = read_item(item)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return item.get("id"), question, check_k(item.get("k", default_k)), filters


async def run_limited(call: Callable[[], T], limit: float) -> T:
    """`call()` in a worker thread; ApiError(504) when it takes longer than `limit` seconds."""
    try:
        with anyio.fail_after(limit):
            return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    except TimeoutError:
        raise ApiError(504, f"the request took longer than the time limit of {limit:g} s") from None


async def _answer(request: Request, default_k: int, call: Callable[..., T]) -> tuple[Engine, object, str, T]:
    """(engine, id, question, `call(engine, question, k, filters)`) for a JSON request, within the limits."""
    settings, engine = _context(request)
    id_, question, k, filters = _question(await _read_body(request, settings.max_body_bytes), default_k)
    return engine, id_, question, await run_limited(partial(call, engine, question, k, filters), settings.time_limit)


@router.post("/ask", summary="Answer a question with cited verbatim sentences", openapi_extra=_body_schema(schemas.AskIn),
             responses={200: {"model": schemas.AnswerOut}, **ERRORS}, response_class=JSONLineResponse)
async def ask_endpoint(request: Request) -> JSONLineResponse:
    """The answer as `qa ask --json` prints it (and `qa batch` writes it)."""
    _, id_, _, answer = await _answer(request, 5, ask)
    return JSONLineResponse(answer.to_json(id_))


@router.post("/search", summary="The best passages for a question or phrase", openapi_extra=_body_schema(schemas.SearchIn),
             responses={200: {"model": schemas.SearchOut}, **ERRORS}, response_class=JSONLineResponse)
async def search_endpoint(request: Request) -> JSONLineResponse:
    """The `k` best passages, best first; overlapping passages are merged."""
    engine, id_, question, hits = await _answer(request, 10, search)
    out: dict = {} if id_ is None else {"id": id_}
    out.update(question=clean_query(question), passages=[hit_json(engine, hit) for hit in hits])
    return JSONLineResponse(out)


def hit_json(engine: Engine, hit: Hit) -> dict:
    """A search hit as JSON (scores rounded as in answers)."""
    return {"doc": hit.doc, "thesis": display_title(engine.theses[hit.thesis_id].work), "section": hit.section,
            "part": hit.part, "language": hit.language, "page": hit.page_start, "page_end": hit.page_end,
            "page_label": engine.page_label(hit.thesis_id, hit.start),
            "page_end_label": engine.page_label(hit.thesis_id, max(hit.start, hit.end - 1)),
            "start": hit.start, "end": hit.end, "score": round(hit.score, 4), "text": hit.text}


class DuplexStreamingResponse(StreamingResponse):
    """A streamed response whose body is produced while the request body is still being read.

    Starlette's StreamingResponse reads the request's messages itself to notice a disconnect, which
    would take the body away from the handler; here the handler's own reading notices it.
    """

    async def __call__(self, scope, receive, send) -> None:
        await self.stream_response(send)


class _BodyTooLarge(Exception):
    pass


async def _lines(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body's lines as they arrive (only the line being read is held).

    The complete lines within the first `limit` bytes are all given; then _BodyTooLarge.
    """
    pending, size = bytearray(), 0
    async for chunk in request.stream():
        pending += chunk[:max(0, limit - size)]
        size += len(chunk)
        *complete, rest = pending.split(b"\n")
        pending = bytearray(rest)
        for line in complete:
            yield bytes(line)
        if size > limit:
            raise _BodyTooLarge
    if pending:
        yield bytes(pending)


async def _batch_output(request: Request, settings: Settings, engine: Engine, k: int, fmt: str) -> AsyncIterator[str]:
    """One output line (or TREC lines) per input line, in order, as each is answered."""
    number, seen = 0, {}
    try:
        async for raw in _lines(request, settings.max_batch_bytes):
            number += 1
            if not raw.strip():
                continue
            try:
                result = await run_limited(partial(answer_line, engine, raw, number, k), settings.time_limit)
            except ApiError as exc:
                result = error_line(raw, number, exc.message)
            yield format_result(once_per_query(result, number, fmt, seen), number, fmt)
    except _BodyTooLarge:
        yield format_result({"id": None, "question": None,
                             "error": f"line {number + 1}: {too_large(settings.max_batch_bytes)}; the rest was not read"},
                            number + 1, fmt)


@router.post("/batch", summary="Answer NDJSON question lines, streamed", responses=ERRORS,
             openapi_extra=_body_schema(schemas.AskIn, "application/x-ndjson"))
async def batch_endpoint(request: Request, k: int = Query(5, ge=1, le=MAX_K, description="passages per question"),
                         format: Literal["jsonl", "trec"] = Query("jsonl", description="jsonl answers or a TREC run")
                         ) -> DuplexStreamingResponse:
    """`qa batch` over HTTP: lines `{"id", "question", "filters"}` in, one answer line per line out, in
    order, bad lines with an `"error"`; with `format=trec`, TREC run lines (bad lines give none)."""
    settings, engine = _context(request)
    _check_length(request, settings.max_batch_bytes)
    media = "text/plain; charset=utf-8" if format == "trec" else "application/x-ndjson"
    return DuplexStreamingResponse(_batch_output(request, settings, engine, k, format), media_type=media)


@router.get("/theses", summary="The catalog: every thesis with its passage counts", response_model=schemas.ThesesOut,
            responses=ERRORS)
def theses_endpoint(request: Request) -> dict:
    _, engine = _context(request)
    rows = thesis_rows(engine)
    works = [r.thesis.work for r in rows]  # the catalog's fields, empty ones derived from the text (and named)
    theses = [{"doc": w.doc, "title": w.title, "authors": list(w.authors), "year": w.year,
               "institution": w.institution, "degree": w.degree, "topic": w.topic, "derived": sorted(w.derived),
               "pages": r.pages, "passages": r.passages, "sentences": r.sentences, "languages": r.languages}
              for r, w in zip(rows, works)]
    return {"theses": theses, "passages": sum(r.passages for r in rows), "sentences": sum(r.sentences for r in rows)}


@router.get("/health", summary="Readiness: 200 with the snapshot, model and backend once the index is loaded",
            response_model=schemas.HealthOut, responses={503: {"model": schemas.HealthOut}})
def health_endpoint(request: Request) -> JSONResponse:
    holder: EngineHolder = request.app.state.holder
    try:
        return JSONResponse({"status": "ready", **holder.get().info()})
    except NotReady:
        return JSONResponse({"status": holder.status()}, status_code=503)
