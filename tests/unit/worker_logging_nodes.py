"""Node functions that log, importable by worker processes (no tests here)."""

from __future__ import annotations

import logging

#: The logger the nodes use, as a project's node module would (``__name__``).
LOGGER_NAME = "kp_worker_project.nodes"


def chatty(x: int) -> int:
    logger = logging.getLogger(LOGGER_NAME)
    logger.info("computing %s", x)
    logger.debug("hidden at INFO: %s", x)
    return x + 1


def grumpy(x: int) -> int:
    logging.getLogger(LOGGER_NAME).warning("about to fail on %s", x)
    raise ValueError("grumpy failed")
