"""Log records made in a worker process, handled by the driver's handlers.

A node function run by :class:`~shell.runners.parallel.ParallelRunner` (or on a Dask worker)
logs in another process, where the project's handlers (console, ``info.log``) are not
configured, or are inherited copies that would write a second time. So each worker is set up
once (:func:`prepare_worker`): every record a logger lets through, at the driver's levels,
is collected instead of handled there; the collected records travel back with the node's
result (or its exception), and the driver hands each to its own logger
(:func:`replay`), whose filters, propagation and handlers then apply as for a record made in
the driver. None is lost, none handled twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = [
    "LoggingLevels",
    "attach_records",
    "collected",
    "driver_levels",
    "prepare_worker",
    "records_of",
    "replay",
]

#: The attribute of an exception carrying the records its node made before raising.
_RECORDS_ATTRIBUTE = "_kedro_pure_log_records"

#: What a LogRecord holds by itself; anything else came from ``extra``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


@dataclass(frozen=True, slots=True)
class LoggingLevels:
    """The driver's logger levels, which workers apply so they make the same records.

    Attributes:
        root: the root logger's level.
        levels: ``(logger name, level)`` for every logger with a level of its own.
        disabled: loggers the driver's configuration disabled.
        warnings_captured: whether warnings go to logging in the driver.
    """

    root: int
    levels: tuple[tuple[str, int], ...]
    disabled: tuple[str, ...]
    warnings_captured: bool


def driver_levels() -> LoggingLevels:
    """The levels in force in this (the driver) process."""
    from shell.console_logging import captures_warnings

    loggers = [
        (name, logger)
        for name, logger in list(logging.Logger.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)
    ]
    return LoggingLevels(
        root=logging.getLogger().level,
        levels=tuple((name, lg.level) for name, lg in loggers if lg.level != logging.NOTSET),
        disabled=tuple(name for name, lg in loggers if lg.disabled),
        warnings_captured=captures_warnings(),
    )


class _Collector(logging.Handler):
    """Keeps the records of the current call, ready to be pickled."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(_portable(record))


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """A copy that pickles: the message formatted, the traceback as text, extras as text."""
    state = dict(record.__dict__)
    state["msg"] = record.getMessage()
    state["args"] = None
    if record.exc_info:
        state["exc_text"] = record.exc_text or logging.Formatter().formatException(record.exc_info)
    state["exc_info"] = None
    for key, value in list(state.items()):
        if key not in _STANDARD and not isinstance(value, str | int | float | bool | type(None)):
            state[key] = str(value)
    return logging.makeLogRecord(state)


_COLLECTOR = _Collector()


def prepare_worker(levels: LoggingLevels) -> None:
    """Set this worker process up to collect records at the driver's levels (once per
    worker, from the pool's initializer)."""
    manager = logging.Logger.manager
    for logger in list(manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            # Inherited handlers (a forked worker's) would write a second copy; every record
            # reaches the root's collector once, and the driver applies its own propagation.
            logger.handlers = []
            logger.propagate = True
            logger.disabled = False
    root = logging.getLogger()
    root.handlers = [_COLLECTOR]
    root.setLevel(levels.root)
    for name, level in levels.levels:
        logging.getLogger(name).setLevel(level)
    for name in levels.disabled:
        logging.getLogger(name).disabled = True
    if levels.warnings_captured:
        from shell.console_logging import capture_warnings

        capture_warnings()


@contextmanager
def collected() -> Iterator[list[logging.LogRecord]]:
    """The records made while the block runs (in a prepared worker)."""
    records: list[logging.LogRecord] = []
    _COLLECTOR.records = records
    try:
        yield records
    finally:
        _COLLECTOR.records = []


def attach_records(exc: BaseException, records: Sequence[logging.LogRecord]) -> None:
    """Send ``records`` back with ``exc`` (they pickle with it)."""
    setattr(exc, _RECORDS_ATTRIBUTE, list(records))


def records_of(exc: BaseException) -> list[logging.LogRecord]:
    """The records a worker attached to ``exc`` (removed from it: they are handled once)."""
    records = getattr(exc, _RECORDS_ATTRIBUTE, None)
    if records is None:
        return []
    delattr(exc, _RECORDS_ATTRIBUTE)
    return list(records)


def replay(records: Sequence[logging.LogRecord]) -> None:
    """Hand each record to the driver's logger of the same name."""
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)
