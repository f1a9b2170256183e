"""``ThreadRunner``: ready nodes run concurrently in a thread pool."""

from __future__ import annotations

import warnings

from returns.result import Result

from core.errors import RunError
from shell import log_names
from shell.runners.drive import required_workers
from shell.runners.progress import ProgressCallback
from shell.runners.run_context import RunContext
from shell.runners.runner import AbstractRunner
from shell.runners.thread_drive import drive_in_threads
from shell.runners.workers import validate_max_workers

__all__ = ["ThreadRunner"]


class ThreadRunner(AbstractRunner):
    """Runs ready nodes concurrently in threads (good for I/O-bound nodes).

    Args:
        max_workers: at most this many nodes at once (default: one per CPU); the pool never
            has more workers than the pipeline can use (Kedro's rule).
        is_async: accepted for Kedro's signature; like Kedro, a thread runner warns and runs
            with ``is_async=False``.
        progress: optional progress callback.

    A node past its time limit (``node_timeout``, ``timeout-SECONDS`` tags) inside a C call
    (``time.sleep``, a blocking socket read) cannot be stopped: the run fails it with
    ``RunError(TIMEOUT)`` and returns without waiting for its thread, which runs on in the
    process until the call returns; what it returns then is dropped
    (:mod:`shell.runners.thread_timeouts`). On Ctrl-C or SIGTERM no further node starts; the
    running nodes get one second to finish, then those still inside their function are
    abandoned the same way (recorded as interrupted: no ``on_node_error``, nothing saved) and
    the interrupt propagates without waiting for their threads. Kedro's waits for them.

    Raises:
        ValueError: ``max_workers`` is not positive.
    """

    logger_name = log_names.RUNNER_THREAD

    def __init__(
        self,
        max_workers: int | None = None,
        is_async: bool = False,
        *,
        progress: ProgressCallback | None = None,
    ) -> None:
        if is_async:
            warnings.warn(
                "'ThreadRunner' doesn't support loading and saving the node inputs and outputs "
                "asynchronously with threads. Setting 'is_async' to False.",
                stacklevel=2,
            )
        super().__init__(is_async=False, progress=progress)
        self._max_workers = validate_max_workers(max_workers)

    def __repr__(self) -> str:
        return f"ThreadRunner(max_workers={self._max_workers})"

    def _run(self, context: RunContext) -> Result[None, RunError]:
        workers = required_workers(context.pipeline, self._max_workers)
        return drive_in_threads(context, workers, name_prefix="kedro-pure-node")
