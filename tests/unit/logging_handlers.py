"""A logging handler outside the default allowlist, for the allowlist tests (no tests here)."""

from __future__ import annotations

import logging


class Marked(logging.Handler):
    """Accepts every record and does nothing with it."""

    def emit(self, record: logging.LogRecord) -> None:
        del record
