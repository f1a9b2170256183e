"""The one console kedro-pure renders on, and the rich log handler that writes to it.

Log records, warnings, the progress bar and the CLI's messages all go through
:data:`console` (stderr, so ``--json`` output on stdout stays parseable). Rich draws records
above a live progress bar when both use the same console, so lines are never torn.

:class:`RichHandler` is what a ``logging.yml`` naming Kedro's ``kedro.logging.RichHandler``
gets (see :mod:`shell.project.logging_config`). Like Kedro's, it sends warnings to logging
(``py.warnings``) and reads rich markup by default; unlike Kedro's it writes to stderr and
installs no global traceback hook. A warning is shown as one line, ``UserWarning: text``,
not as the ``file.py:12: UserWarning: text`` source dump Python prints; file handlers still
receive Kedro's full text.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, TextIO

import rich.logging
from rich.console import Console

from shell import log_names

__all__ = ["WARNING_SUMMARY", "RichHandler", "capture_warnings", "captures_warnings", "console"]

console = Console(stderr=True, highlight=False, soft_wrap=True)

#: The attribute of a warning's log record holding its one-line form.
WARNING_SUMMARY = "kedro_pure_warning"


def _log_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` sending to logging as :func:`logging.captureWarnings` does,
    with the one-line form attached for the console."""
    if file is not None:
        # An explicit stream asks for Python's own behaviour.
        _original_showwarning(message, category, filename, lineno, file, line)
        return
    text = warnings.formatwarning(message, category, filename, lineno, line)
    summary = f"{category.__name__}: {message}"
    logging.getLogger(log_names.WARNINGS).warning("%s", text, extra={WARNING_SUMMARY: summary})


_original_showwarning = warnings.showwarning


def captures_warnings() -> bool:
    """Whether warnings currently go to logging (ours or :func:`logging.captureWarnings`)."""
    return warnings.showwarning is _log_warning or getattr(logging, "_warnings_showwarning", None) is not None


def capture_warnings() -> None:
    """Route warnings to the ``py.warnings`` logger (idempotent)."""
    global _original_showwarning
    if warnings.showwarning is not _log_warning:
        _original_showwarning = warnings.showwarning
        warnings.showwarning = _log_warning


class RichHandler(rich.logging.RichHandler):
    """Rich's handler on kedro-pure's console, taking Kedro's ``RichHandler`` arguments.

    ``tracebacks_*`` arguments are rich's own; ``markup`` defaults to ``True`` as in Kedro
    (records holding brackets pass ``extra={"markup": False}``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", True)
        kwargs.setdefault("console", console)
        super().__init__(*args, **kwargs)
        capture_warnings()

    def emit(self, record: logging.LogRecord) -> None:
        summary = getattr(record, WARNING_SUMMARY, None)
        if summary is not None:
            # A copy: the other handlers (a file's) keep Kedro's full text.
            record = logging.makeLogRecord(record.__dict__)
            record.msg, record.args = "%s", (summary,)
            record.markup = False
        super().emit(record)
