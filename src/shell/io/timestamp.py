"""Reading the clock for version strings and run ids (the formatting is pure, in the core)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from core.catalog.versioning import format_timestamp
from core.ids import SUFFIX_BYTES, unique_id

__all__ = ["generate_id", "generate_timestamp"]


def generate_timestamp() -> str:
    """The current UTC time as a Kedro version string, e.g. ``2026-11-23T18.52.50.168Z``.

    Fixed width and free of ``:``, so it is a valid path component and sorting these
    strings sorts them by time.
    """
    return format_timestamp(datetime.now(tz=UTC))


def generate_id() -> str:
    """A session or run id unique across processes and machines: the current timestamp
    plus a random suffix (see :mod:`core.ids`), e.g. ``2026-11-23T18.52.50.168Z-3fa94c1e``."""
    return unique_id(generate_timestamp(), os.urandom(SUFFIX_BYTES))
