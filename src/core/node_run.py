"""``Node.run``: a node's function over given values, its outputs as a dict (Kedro's ``Node.run``).

The one place the core calls a node's function: on values the caller passes in, with no
catalog, hook or log involved. Shapes are checked as Kedro checks them, and a mismatch is a
``Failure(RunError(NODE_FAILED))`` carrying Kedro's message; whatever the function itself
raises propagates to the caller, as in Kedro.
"""

from __future__ import annotations

from collections.abc import Mapping

from returns.result import Failure, Result

from core.errors import RunError, RunErrorReason
from core.node_call import call_arguments, split_outputs
from core.node_view import NodeView

__all__ = ["run_node"]


def run_node(n: NodeView, inputs: object = None) -> Result[dict[str, object], RunError]:
    """Call ``n``'s function on ``inputs`` (``{dataset name: value}`` or ``None``).

    Returns:
        ``Success({output name: value})``; ``Failure(RunError(NODE_FAILED))`` with Kedro's
        message when ``inputs`` is not a dict, does not hold exactly the node's inputs, or the
        function's result does not fit the declared outputs.
    """
    if not (inputs is None or isinstance(inputs, Mapping)):
        return Failure(
            RunError(
                RunErrorReason.NODE_FAILED,
                f"Node.run() expects a dictionary or None, but got {type(inputs)} instead",
                node=n.name,
            )
        )
    given: Mapping[str, object] = {} if inputs is None else inputs
    return call_arguments(n, given).bind(
        lambda arguments: split_outputs(n, n.func(*arguments.args, **arguments.kwargs))
    )
