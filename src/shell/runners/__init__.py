"""Runners: loops over the core scheduler that carry out a run.

* :class:`SequentialRunner`: one node at a time, in Kedro's order;
* :class:`ThreadRunner`: ready nodes concurrently in threads;
* :class:`ParallelRunner`: node functions in worker processes; files loaded and saved by the
  workers, memory data and hooks in the driver;
* :class:`DaskRunner` (extra ``dask``): node functions as Dask futures; importing it does
  not need Dask, building one does.

``run()`` returns ``Result[dict[str, dataset], RunError]``. The process runners' modules are
imported on first use of their names (every session imports this package; most runs are
sequential).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind
from shell.runners.runner import AbstractRunner
from shell.runners.sequential import SequentialRunner
from shell.runners.thread import ThreadRunner

if TYPE_CHECKING:
    from shell.runners.dask import DaskRunner
    from shell.runners.parallel import ParallelRunner

__all__ = [
    "AbstractRunner",
    "DaskRunner",
    "ParallelRunner",
    "ProgressCallback",
    "ProgressEvent",
    "ProgressKind",
    "SequentialRunner",
    "ThreadRunner",
]

#: The names imported on first use, and their modules.
_LAZY = {"DaskRunner": "shell.runners.dask", "ParallelRunner": "shell.runners.parallel"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
