"""``GET /snapshot``: Kedro 1.7's project snapshot over HTTP.

The body is Kedro's ``SnapshotResponse``: ``{"status": "success", "metadata", "pipelines",
"datasets", "parameters"}`` from :func:`shell.inspection.get_project_snapshot` (nothing runs,
no data is read, catalog paths have their URL credentials redacted), or ``{"status":
"failure", "error": {"type", "message", ...}}`` with ``200``, as Kedro answers. ``?params=``
takes runtime parameters in ``kedro run --params`` syntax (``a=1,b.c=x``) for
``${runtime_params:...}`` in the configuration, for this request only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from returns.pipeline import is_successful

from core.errors import KedroError
from core.service.outcomes import error_detail
from shell.secrets import scrub
from shell.server.service import Service

__all__ = ["add_snapshot_route"]


def add_snapshot_route(app: FastAPI, service: Service, response: type[JSONResponse]) -> None:
    """Add ``GET /snapshot`` to ``app``; answers are ``response`` instances (the app's
    redacting class, passed in rather than imported back from ``shell.server.app``)."""
    def failure(error: KedroError) -> JSONResponse:
        detail = error_detail(error, scrub).model_dump(mode="json")
        return response({"status": "failure", "error": detail})

    @app.get("/snapshot", tags=["inspection"])
    def snapshot(
        params: Annotated[
            str | None,
            Query(description="Runtime parameters, `kedro run --params` syntax: a=1,b.c=x."),
        ] = None,
    ) -> JSONResponse:
        """A read-only snapshot of the project (Kedro's ``GET /snapshot``)."""
        from shell.cli.common import parse_params
        from shell.inspection import get_project_snapshot

        runtime = parse_params("params", params or "")
        if not is_successful(runtime):
            return failure(runtime.failure())
        config = service.config
        taken = get_project_snapshot(
            config.project_path,
            env=config.env,
            conf_source=config.conf_source,
            metadata=service.session.metadata,
            runtime_params=runtime.unwrap() or None,
        )
        if not is_successful(taken):
            return failure(taken.failure())
        return response({"status": "success", **taken.unwrap().model_dump(mode="json")})
