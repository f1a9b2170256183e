"""``RunContext``: everything one run's loop needs, built once by ``AbstractRunner.run``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.catalog.snapshot import CatalogSnapshot
from core.pipeline import Pipeline
from shell.hooks.manager import HookManager
from shell.io.catalog import DataCatalog
from shell.runners.progress import ProgressCallback, ignore_progress
from shell.runners.run_tools import RunTools
from shell.runners.task import NodeCall, call_here
from shell.runners.timeouts import TimeoutFor

__all__ = ["RunContext"]


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a runner's loop needs for one run."""

    pipeline: Pipeline
    catalog: DataCatalog
    hooks: HookManager
    run_id: str | None
    is_async: bool
    #: which datasets were persisted after warm-up (for the resume plan)
    snapshot: CatalogSnapshot
    progress: ProgressCallback
    logger: logging.Logger
    call: NodeCall = call_here
    #: what the run resolved once (datasets, hooks with implementations); ``None``: nothing
    tools: RunTools | None = None
    #: ``logger``'s cache of enabled levels (:mod:`shell.log_gate`); empty: always call it
    log_gate: Mapping[int, bool] = field(default_factory=dict)
    #: each node's time limit when the run has any (``call`` then enforces it); ``None``: none
    timeout_for: TimeoutFor | None = None

    @property
    def listening(self) -> bool:
        """Whether progress events have a receiver (none are built otherwise)."""
        return self.progress is not ignore_progress

    def run_tools(self) -> RunTools:
        """The run's tools (built without resolved datasets when none were given)."""
        return self.tools or RunTools.of(self.catalog, self.hooks)
