"""Hypothesis profiles: ``dev`` (quick) and ``ci`` (more examples, no deadline); logger state kept per test."""

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

LoggerState = tuple[int, bool, bool]


def _logger_states() -> dict[str, LoggerState]:
    return {
        name: (logger.level, logger.disabled, logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }


@pytest.fixture(autouse=True)
def _restore_logger_states() -> Iterator[None]:
    """Put every logger's level, ``disabled`` and ``propagate`` back after each test.

    Code under test configures logging (a project's ``logging.yml``, ``dictConfig``, Kedro's own
    bootstrap); without this, a test that raised the ``kedro`` logger to WARNING silently hid the
    INFO records that a later test captures. Handlers are left to their owners (pytest's capture
    handlers come and go per phase).
    """
    before = _logger_states()
    root_level = logging.root.level
    yield
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            logger.level, logger.disabled, logger.propagate = before.get(
                name, (logging.NOTSET, False, True)
            )
    # setLevel also clears every logger's isEnabledFor cache, which the direct stores above bypass.
    logging.root.setLevel(root_level)
