"""A monitoring hook: logs how long each node took and how many rows it wrote.

Hooks are plain objects whose methods carry the ``hook_impl`` marker; an implementation takes
only the hook arguments it needs. This one is registered in ``settings.py``. It keeps its
timings per node name behind a lock, as the ``ThreadRunner`` calls it from several threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

import pandas as pd

from core import Node, Pipeline
from shell.hooks.markers import hook_impl

logger = logging.getLogger(__name__)


class PipelineMonitoringHooks:
    """Logs each node's duration and the row counts of the DataFrames it outputs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._node_started: dict[str, float] = {}
        self._run_started = 0.0
        self._rows_written = 0

    @hook_impl
    def before_pipeline_run(self, pipeline: Pipeline) -> None:
        """Start the run's clock."""
        with self._lock:
            self._run_started = time.perf_counter()
            self._rows_written = 0
        logger.info("Starting a run of %d nodes", len(pipeline.nodes))

    @hook_impl
    def before_node_run(self, node: Node) -> None:
        """Start the node's clock."""
        with self._lock:
            self._node_started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Node, outputs: Mapping[str, object]) -> None:
        """Log the node's duration and the rows of each DataFrame it returned."""
        with self._lock:
            started = self._node_started.pop(node.name, time.perf_counter())
        elapsed = time.perf_counter() - started
        rows = {name: len(data) for name, data in outputs.items() if isinstance(data, pd.DataFrame)}
        with self._lock:
            self._rows_written += sum(rows.values())
        described = ", ".join(f"{name}: {count} rows" for name, count in sorted(rows.items()))
        logger.info(
            "Node %s took %.3f s%s", node.name, elapsed, f" ({described})" if described else ""
        )

    @hook_impl
    def after_pipeline_run(self, pipeline: Pipeline) -> None:
        """Log the run's duration and the total rows the nodes produced."""
        with self._lock:
            elapsed = time.perf_counter() - self._run_started
            rows = self._rows_written
        logger.info(
            "Run of %d nodes took %.3f s and produced %d DataFrame rows",
            len(pipeline.nodes),
            elapsed,
            rows,
        )
