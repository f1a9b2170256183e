"""``SequentialRunner``: one node at a time, in Kedro's ``pipeline.nodes`` order."""

from __future__ import annotations

from returns.result import Result

from core.errors import RunError
from shell import log_names
from shell.runners.drive import drive_sequentially
from shell.runners.run_context import RunContext
from shell.runners.runner import SYNC_NOTE, AbstractRunner

__all__ = ["SequentialRunner"]


class SequentialRunner(AbstractRunner):
    """Runs the nodes one after the other in this thread.

    Args:
        is_async: load a node's inputs and save its outputs concurrently in threads.
        progress: optional progress callback.
    """

    logger_name = log_names.RUNNER_SEQUENTIAL

    def _run(self, context: RunContext) -> Result[None, RunError]:
        if not self.is_async:
            self._logger.info(SYNC_NOTE)
        return drive_sequentially(context)
