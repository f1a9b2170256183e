"""How a node of a :class:`~shell.runners.dask.DaskRunner` run fails: the ``RunError`` for a
node that raised, whose worker died, that hit its time limit, or whose function or data
cannot cross to or from the cluster, with ``on_node_error`` fired as the in-process runners
fire it.

``on_node_error`` receives the node's inputs as data when it has an implementation (the
in-cluster ones are gathered for it); otherwise the futures are passed as they are, so a
failure costs no round trip nobody asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import CancelledError
from types import ModuleType

from core.errors import RunError, RunErrorReason
from core.node import Node
from shell.runners.dask_client import _Client, _Future
from shell.runners.run_context import RunContext
from shell.runners.task import WorkerDied, _node_error
from shell.runners.timeouts import NodeTimedOut

__all__ = ["_NodeFailures", "gather_for_hooks"]


def gather_for_hooks(
    client: _Client, distributed: ModuleType, futures: Mapping[str, _Future]
) -> dict[str, object]:
    """Data for hooks; where it cannot be fetched the hooks see the futures."""
    try:
        gathered: dict[str, object] = client.gather(dict(futures))
    except (distributed.KilledWorker, CancelledError, OSError):
        return dict(futures)
    return gathered


class _NodeFailures:
    """The failures of one run's nodes (``gather_on_error``: ``on_node_error`` has an
    implementation, so it gets data rather than futures)."""

    def __init__(
        self, context: RunContext, client: _Client, distributed: ModuleType, *, gather_on_error: bool
    ) -> None:
        self._context = context
        self._client = client
        self._distributed = distributed
        self._gather_on_error = gather_on_error

    def _error_inputs(self, inputs: Mapping[str, object]) -> dict[str, object]:
        """The inputs ``on_node_error`` receives: data when it has an implementation."""
        pending = {n: v for n, v in inputs.items() if isinstance(v, self._distributed.Future)}
        if not (self._gather_on_error and pending):
            return dict(inputs)
        return {**inputs, **gather_for_hooks(self._client, self._distributed, pending)}

    def node_error(self, node: Node, exc: BaseException, inputs: Mapping[str, object]) -> RunError:
        """``node`` raised ``exc`` (or its outputs were refused)."""
        return self._failed(node, exc, inputs, RunErrorReason.NODE_FAILED)

    def worker_died(self, node: Node, exc: BaseException, inputs: Mapping[str, object]) -> RunError:
        """The worker running ``node`` died, or the scheduler dropped its task."""
        died = WorkerDied(
            f"the Dask worker running node '{node.name}' died (killed or crashed) or its task "
            f"was cancelled before the node finished ({type(exc).__name__}: {exc}); no further "
            "node was started"
        )
        died.__cause__ = exc
        return self._failed(node, died, inputs, RunErrorReason.WORKER_DIED)

    def timed_out(self, node: Node, inputs: Mapping[str, object], seconds: float) -> RunError:
        """``node`` was stopped at its time limit (its task already cancelled)."""
        return self._failed(node, NodeTimedOut(node.name, seconds), inputs, RunErrorReason.TIMEOUT)

    def not_sent(self, node: Node, exc: BaseException, inputs: Mapping[str, object]) -> RunError:
        """``node``'s function or data could not be pickled to or from the cluster."""
        problem = TypeError(
            f"the function or data of node '{node.name}' cannot be sent to or from the Dask "
            f"cluster: {type(exc).__name__}: {exc}. Use ThreadRunner or SequentialRunner for "
            "nodes whose function, inputs or outputs cannot be pickled."
        )
        problem.__cause__ = exc
        return self._failed(node, problem, inputs, RunErrorReason.NOT_SERIALISABLE)

    def _failed(
        self, node: Node, exc: BaseException, inputs: Mapping[str, object], reason: RunErrorReason
    ) -> RunError:
        """The node's error, with ``on_node_error`` fired (as every runner fires it)."""
        context = self._context
        return _node_error(
            node, exc, context.hooks, context.catalog, self._error_inputs(inputs),
            is_async=context.is_async, run_id=context.run_id, reason=reason,
        )
