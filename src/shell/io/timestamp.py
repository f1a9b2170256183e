"""Reading the clock for version strings and run ids (the formatting is pure, in the core)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.catalog.versioning import format_timestamp

__all__ = ["generate_timestamp"]


def generate_timestamp() -> str:
    """The current UTC time as a Kedro version string, e.g. ``2026-11-23T18.52.50.168Z``.

    Fixed width and free of ``:``, so it is a valid path component and sorting these
    strings sorts them by time.
    """
    return format_timestamp(datetime.now(tz=UTC))
