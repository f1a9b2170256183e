"""The ``kedro-pure`` command's exit codes, for wrapper scripts (documented in the README).

Every failure value maps to exactly one code, so a script can tell a broken configuration
from a bad selection or a failed node without parsing text.
"""

from __future__ import annotations

import enum

from core.errors import (
    ConfigError,
    DatasetError,
    KedroContextError,
    KedroError,
    KedroSessionError,
    PipelineError,
    RunError,
    RunErrorReason,
    SessionErrorReason,
    StoreError,
)
from shell.interrupts import Terminated

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """What the process exit status means."""

    #: the command did what was asked
    OK = 0
    #: an unexpected internal error (a bug: please report it, with ``--verbose`` output)
    INTERNAL = 1
    #: the command line itself is wrong (unknown option, bad value syntax)
    USAGE = 2
    #: the project or its configuration is wrong (not a project, settings, conf/, catalog, store)
    CONFIG = 3
    #: the selection is wrong: unknown pipeline, node, dataset, namespace, or nothing selected
    SELECTION = 4
    #: the run started and failed (a node raised, data could not be loaded or saved)
    RUN_FAILED = 5
    #: the run was interrupted (Ctrl-C / SIGINT), as shells report 128 + SIGINT
    INTERRUPTED = 130
    #: the run was stopped by SIGTERM (CI timeouts, schedulers, ``docker stop``): 128 + 15
    TERMINATED = 143


def exit_code_for(error: KedroError) -> ExitCode:
    """The exit code for a failure value."""
    if isinstance(error, PipelineError):
        return ExitCode.SELECTION
    if isinstance(error, KedroSessionError):
        if error.reason is SessionErrorReason.UNKNOWN_PIPELINE:
            return ExitCode.SELECTION
        if error.reason is SessionErrorReason.PROJECT:
            return ExitCode.CONFIG
        return ExitCode.RUN_FAILED
    if isinstance(error, RunError):
        if error.reason is RunErrorReason.INTERRUPTED:
            return ExitCode.TERMINATED if isinstance(error.cause, Terminated) else ExitCode.INTERRUPTED
        if error.reason is RunErrorReason.INVALID_RUNNER:
            return ExitCode.USAGE
        return ExitCode.RUN_FAILED
    if isinstance(error, ConfigError | DatasetError | KedroContextError | StoreError):
        return ExitCode.CONFIG
    return ExitCode.INTERNAL
