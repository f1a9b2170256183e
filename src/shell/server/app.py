"""The FastAPI application of ``kedro-pure server start``.

Routes (Kedro 1.7's first, with Kedro's request and response shapes):

===========================  =================================================================
``GET /health``              Kedro's ``HealthResponse`` (+ the pool's load)
``POST /run``                Kedro's ``RunRequest`` -> ``RunSuccess``/``RunFailure`` (200);
                             ``?wait=false``: ``202`` ``RunAccepted`` with ``Location``
``GET /snapshot``            Kedro's ``SnapshotResponse`` (``?params=k=v,...``)
``POST /plan``               the dry run (``kedro-pure plan --format json``)
``GET /runs``                this service session's runs, newest first (``?limit=``)
``GET /runs/{run_id}``       a run's status and record (``404`` if unknown)
===========================  =================================================================

Statuses: a run that failed is ``200`` with ``"status": "failure"``, as in Kedro (the HTTP
exchange succeeded; the body says how the run went). A body that does not validate is ``422``
with FastAPI's ``detail`` list naming each offending field (``loc``), never ``500``; a body
that is not JSON at all, or nests too deeply to parse, is ``422`` too; a body over
``max_body_bytes`` is ``413``. A full pool is ``429`` and a draining server ``503``, both with
``Retry-After``. Every response passes through :class:`ScrubbedJSONResponse`, which redacts
credential values and URL secrets in every string of the body.

Each response carries ``X-Request-ID``: the caller's (when it is 1-64 characters of letters,
digits, ``.``, ``_``, ``-``) or a new one. The run is recorded in the store under it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, JsonValue
from returns.pipeline import is_successful
from starlette.exceptions import HTTPException as StarletteHTTPException

from core._version import __version__
from core.errors import KedroError
from core.service.admission import Refusal
from core.service.models import (
    HealthResponse,
    PlanRequest,
    PlanResponse,
    RunAccepted,
    RunFailure,
    RunRecordView,
    RunRequest,
    RunsPage,
    RunSuccess,
    valid_request_id,
)
from core.service.outcomes import error_detail, scrub_json
from shell.secrets import scrub
from shell.server.service import RunResponse, Service

__all__ = ["ScrubbedJSONResponse", "create_app"]

_T = TypeVar("_T")

#: FastAPI's text for a JSON body it could not parse (nesting past the recursion limit).
_PARSE_FAILURE = "There was an error parsing the body"


class ScrubbedJSONResponse(JSONResponse):
    """A JSON response whose strings (keys and values) are redacted before rendering."""

    def render(self, content: JsonValue) -> bytes:
        cleaned = scrub_json(content, scrub)
        return json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _body(model: BaseModel, status_code: int = 200, headers: dict[str, str] | None = None) -> ScrubbedJSONResponse:
    return ScrubbedJSONResponse(model.model_dump(mode="json"), status_code=status_code, headers=headers)


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    return given if valid_request_id(given) else uuid.uuid4().hex


def _refused(refusal: Refusal, request_id: str) -> ScrubbedJSONResponse:
    return ScrubbedJSONResponse(
        {"status": "rejected", "request_id": request_id, "detail": refusal.message,
         "retry_after": refusal.retry_after},
        status_code=refusal.status_code,
        headers={"Retry-After": str(refusal.retry_after), "X-Request-ID": request_id},
    )


async def _outcome(future: Future[_T]) -> _T:
    """Await a worker's future without tying the run to this request.

    If the client goes away and the request's task is cancelled, only the asyncio side is
    cancelled: the run carries on in its worker and is recorded as usual.
    """
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[_T] = loop.create_future()

    def transfer(done: Future[_T]) -> None:
        if waiter.done():
            return
        error = done.exception()
        if error is not None:
            waiter.set_exception(error)
        else:
            waiter.set_result(done.result())

    future.add_done_callback(lambda done: loop.call_soon_threadsafe(transfer, done))
    return await waiter


def create_app(service: Service) -> FastAPI:
    """The application serving ``service``; its lifespan closes the service on shutdown."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await asyncio.to_thread(service.close)

    app = FastAPI(
        title="kedro-pure server",
        description="Runs, plans and inspects a kedro-pure project over HTTP.",
        version=__version__,
        lifespan=lifespan,
        max_body_size=service.config.max_body_bytes,
        default_response_class=ScrubbedJSONResponse,
    )
    app.state.service = service

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> ScrubbedJSONResponse:
        detail: list[JsonValue] = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", "")),
             "type": str(error.get("type", ""))}
            for error in exc.errors()
        ]
        return ScrubbedJSONResponse(
            {"detail": detail}, status_code=422, headers={"X-Request-ID": _request_id(request)}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> ScrubbedJSONResponse:
        if exc.status_code == 400 and exc.detail == _PARSE_FAILURE:
            # A JSON body nested past the parser's recursion limit: malformed, so 422.
            detail: JsonValue = [{"loc": ["body"], "msg": "The body could not be parsed as JSON "
                                  "(nested too deeply).", "type": "json_invalid"}]
            return ScrubbedJSONResponse({"detail": detail}, status_code=422)
        return ScrubbedJSONResponse(
            {"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.get("/health", response_model=HealthResponse, tags=["health"])
    async def health() -> ScrubbedJSONResponse:
        """Kedro's health check, with the pool's load (``unhealthy`` while draining)."""
        return _body(service.health())

    @app.post(
        "/run",
        response_model=RunSuccess | RunFailure,
        responses={202: {"model": RunAccepted}, 429: {}, 503: {}},
        tags=["pipeline"],
    )
    async def run(
        body: RunRequest,
        request: Request,
        wait: Annotated[bool, Query(description="false: answer 202 at once; poll /runs/{id}.")] = True,
    ) -> ScrubbedJSONResponse:
        """Run a pipeline (Kedro's ``POST /run``) in the bounded pool."""
        request_id = _request_id(request)
        submitted = service.submit(body, request_id)
        if not is_successful(submitted):
            return _refused(submitted.failure(), request_id)
        run_id, future = submitted.unwrap()
        headers = {"X-Request-ID": request_id}
        if not wait:
            location = f"/runs/{run_id}"
            accepted = RunAccepted(run_id=run_id, request_id=request_id, location=location)
            return _body(accepted, 202, {**headers, "Location": location})
        response: RunResponse = await _outcome(future)
        return _body(response, 200, headers)

    @app.post("/plan", response_model=PlanResponse, tags=["pipeline"])
    def plan(body: PlanRequest, request: Request) -> ScrubbedJSONResponse:
        """Which nodes a run would execute, in which groups, and why (nothing runs)."""
        planned = service.plan(body)
        headers = {"X-Request-ID": _request_id(request)}
        if is_successful(planned):
            return _body(planned.unwrap(), 200, headers)
        return ScrubbedJSONResponse(
            {"status": "failure", "error": error_detail(planned.failure(), scrub).model_dump(mode="json")},
            status_code=200,
            headers=headers,
        )

    @app.get("/runs", response_model=RunsPage, tags=["runs"])
    def runs(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> ScrubbedJSONResponse:
        """This service session's recorded runs, newest first."""
        page = service.runs(limit)
        if not is_successful(page):
            return _store_unavailable(page.failure())
        return _body(page.unwrap())

    @app.get("/runs/{run_id}", response_model=RunRecordView, tags=["runs"])
    def run_status(run_id: str) -> ScrubbedJSONResponse:
        """A run's status (queued, running, or its stored outcome) and its record."""
        found = service.run_view(run_id)
        if not is_successful(found):
            return _store_unavailable(found.failure())
        view = found.unwrap()
        if view is None:
            return ScrubbedJSONResponse(
                {"detail": f"This service session has no run {run_id!r}; GET /runs lists its runs."},
                status_code=404,
            )
        return _body(view)

    from shell.server.snapshot_route import add_snapshot_route

    add_snapshot_route(app, service, ScrubbedJSONResponse)
    return app


def _store_unavailable(error: KedroError) -> ScrubbedJSONResponse:
    """The session store could not be read (e.g. locked): retry shortly."""
    detail = error_detail(error, scrub)
    return ScrubbedJSONResponse(
        {"status": "failure", "error": detail.model_dump(mode="json")},
        status_code=503,
        headers={"Retry-After": "1"},
    )
