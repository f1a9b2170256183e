"""Progress events that runners report while nodes run (rendered by the CLI as a bar).

The core knows nothing of progress: runners call a plain callback with frozen events.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ProgressCallback", "ProgressEvent", "ProgressKind", "ignore_progress"]


class ProgressKind(enum.Enum):
    """What happened to a node."""

    #: the node was handed to a worker
    STARTED = "started"
    #: the node ran and its outputs were saved
    COMPLETED = "completed"
    #: the node (or the loading or saving of its data) failed
    FAILED = "failed"
    #: ``only_missing_outputs`` decided the node need not run
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One progress report: ``done`` of ``total`` nodes have completed so far."""

    kind: ProgressKind
    node: str
    done: int
    total: int


#: A function receiving progress events; it must be quick and must not raise.
ProgressCallback = Callable[[ProgressEvent], None]


def ignore_progress(event: ProgressEvent) -> None:
    """The default callback: progress is not reported."""
    del event
