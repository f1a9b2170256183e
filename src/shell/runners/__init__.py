"""Runners: loops over the core scheduler that carry out a run.

* :class:`SequentialRunner`: one node at a time, in Kedro's order;
* :class:`ThreadRunner`: ready nodes concurrently in threads;
* :class:`ParallelRunner`: node functions in worker processes, data and hooks in the driver;
* ``DaskRunner`` (extra ``dask``): in :mod:`shell.runners.dask`.

``run()`` returns ``Result[dict[str, dataset], RunError]``.
"""

from shell.runners.parallel import ParallelRunner
from shell.runners.progress import ProgressCallback, ProgressEvent, ProgressKind
from shell.runners.runner import AbstractRunner
from shell.runners.sequential import SequentialRunner
from shell.runners.thread import ThreadRunner

__all__ = [
    "AbstractRunner",
    "ParallelRunner",
    "ProgressCallback",
    "ProgressEvent",
    "ProgressKind",
    "SequentialRunner",
    "ThreadRunner",
]
