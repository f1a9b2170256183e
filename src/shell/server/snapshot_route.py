"""``GET /snapshot``: Kedro 1.7's project snapshot over HTTP (wired once inspection exists)."""

from __future__ import annotations

from fastapi import FastAPI

from shell.server.service import Service

__all__ = ["add_snapshot_route"]


def add_snapshot_route(app: FastAPI, service: Service) -> None:
    """Add ``GET /snapshot`` to ``app``."""
    del app, service
