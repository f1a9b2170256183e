"""Runners: loops over the core scheduler that carry out a run.

* :class:`SequentialRunner`: one node at a time, in Kedro's order;
* :class:`ThreadRunner`: ready nodes concurrently in threads;
* :class:`ParallelRunner`: node functions in worker processes, data and hooks in the driver;
* :class:`DaskRunner` (extra ``dask``): node functions as Dask futures; importing it does
  not need Dask, building one does.

``run()`` returns ``Result[dict[str, dataset], RunError]``.
"""

from shell.runners.dask import DaskRunner
from shell.runners.parallel import ParallelRunner
from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind
from shell.runners.runner import AbstractRunner
from shell.runners.sequential import SequentialRunner
from shell.runners.thread import ThreadRunner

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
