"""``SequentialRunner``: one node at a time, in Kedro's ``pipeline.nodes`` order."""

from __future__ import annotations

from returns.result import Result

from core.errors import RunError
from shell.runners.runner import AbstractRunner, RunContext, drive_sequentially

__all__ = ["SequentialRunner"]

_SYNC_NOTE = (
    "Using synchronous mode for loading and saving data. Use the --async flag for potential "
    "performance gains. https://docs.kedro.org/en/stable/build/run_a_pipeline/"
    "#load-and-save-asynchronously"
)


class SequentialRunner(AbstractRunner):
    """Runs the nodes one after the other in this thread.

    Args:
        is_async: load a node's inputs and save its outputs concurrently in threads.
        progress: optional progress callback.
    """

    def _run(self, context: RunContext) -> Result[None, RunError]:
        if not self.is_async:
            self._logger.info(_SYNC_NOTE)
        return drive_sequentially(context)
