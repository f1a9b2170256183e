"""Log records made on Dask workers, handled by the driver's handlers (DaskRunner).

For the length of a run a worker plugin sets each worker's logger levels to the driver's
(so workers make the records the driver would) and sends every record reaching the
worker's root logger to the driver as a Dask event, except Dask's own (``distributed``,
``tornado``, ``bokeh``: those stay in the worker's log). The driver hands each record to
its logger of the same name, whose handlers (console, ``info.log``) then write it once.
Events and task completions share the worker's and the client's streams through the
scheduler, so a node's records have been seen to arrive before the node is settled
(``tests/unit/test_worker_records.py`` checks the order). The levels set on the workers of a
cluster passed in by the caller stay set after the run.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import WorkerPlugin

from shell.runners.worker_logs import LoggingLevels, driver_levels

__all__ = ["forward_node_records"]

#: Loggers of the cluster itself, not of the nodes.
_CLUSTER_LOGGERS = ("distributed", "tornado", "bokeh", "asyncio")


def _from_nodes(record: logging.LogRecord) -> bool:
    return not record.name.startswith(_CLUSTER_LOGGERS)


class _ToDriver(logging.Handler):
    """Sends each record to the driver as a ``topic`` event (made picklable first)."""

    def __init__(self, worker: Any, topic: str) -> None:
        super().__init__()
        self._worker = worker
        self._topic = topic
        self.addFilter(_from_nodes)

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        attributes = dict(record.__dict__)
        attributes.update(msg=record.getMessage(), args=None, exc_info=None)
        attributes.pop("message", None)
        self._worker.log_event(self._topic, attributes)


class NodeRecords(WorkerPlugin):
    """The worker side: the driver's levels, and a handler forwarding the nodes' records."""

    def __init__(self, levels: LoggingLevels, topic: str) -> None:
        self.levels = levels
        self.topic = topic
        self.handler: _ToDriver | None = None

    def setup(self, worker: Any) -> None:
        logging.getLogger().setLevel(self.levels.root)
        for name, level in self.levels.levels:
            if not name.startswith(_CLUSTER_LOGGERS):
                logging.getLogger(name).setLevel(level)
        self.handler = _ToDriver(worker, self.topic)
        logging.getLogger().addHandler(self.handler)

    def teardown(self, worker: Any) -> None:
        del worker
        if self.handler is not None:
            logging.getLogger().removeHandler(self.handler)


def _replay(event: tuple[float, dict[str, object]]) -> None:
    record = logging.makeLogRecord(event[1])
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


@contextmanager
def forward_node_records(client: Any) -> Iterator[None]:
    """Forward the workers' node records to this process while the block runs."""
    name = f"kedro-pure-node-records-{uuid.uuid4().hex}"
    client.subscribe_topic(name, _replay)
    client.register_plugin(NodeRecords(driver_levels(), name), name=name)
    try:
        yield
    finally:
        client.unregister_worker_plugin(name)
        client.unsubscribe_topic(name)
