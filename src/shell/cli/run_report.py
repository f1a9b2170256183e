"""What ``run`` shows on the terminal: a progress bar while it runs, a summary line at the end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from shell.cli.common import stderr

# rich's progress bar is imported when a bar is drawn, so other commands start without it.
if TYPE_CHECKING:
    from rich.progress import Progress

    from shell.runners.progress import ProgressEvent

__all__ = ["ProgressView", "summary_line"]


class ProgressView:
    """Counts node events and, on a terminal, draws a progress bar."""

    def __init__(self, *, show_bar: bool) -> None:
        self.completed = 0
        self.failed = 0
        self.skipped = 0
        self.started = 0
        self._bar: Progress | None = None
        self._task: Any = None
        if show_bar:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[node]}"),
                console=stderr,
                transient=True,
            )

    def __enter__(self) -> ProgressView:
        # The bar (and rich's refresh thread) starts at the first event, not here: a
        # ParallelRunner forks its workers before any node event, and forks only while this
        # process has a single thread (see shell.runners.parallel._start_method).
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.stop()

    def __call__(self, event: ProgressEvent) -> None:
        from shell.runners.progress import ProgressKind

        if event.kind is ProgressKind.STARTED:
            self.started += 1
        elif event.kind is ProgressKind.COMPLETED:
            self.completed += 1
        elif event.kind is ProgressKind.FAILED:
            self.failed += 1
        elif event.kind is ProgressKind.SKIPPED:
            self.skipped += 1
        if self._bar is not None:
            if self._task is None:
                self._bar.start()
                self._task = self._bar.add_task("Running", total=None, node="")
            self._bar.update(self._task, total=event.total, completed=self.completed, node=event.node)


def summary_line(summary: Mapping[str, object], *, failed: bool, interrupted: bool = False) -> str:
    if interrupted:
        status = "[bold yellow]Run interrupted[/]"
    else:
        status = "[bold red]Run failed[/]" if failed else "[bold green]Run completed[/]"
    return (
        f"{status}: {summary['nodes_run']} node(s) run, {summary['skipped']} skipped, "
        f"{summary['failed']} failed in {summary['seconds']:.2f} s (session {summary['session_id']})."
    )
