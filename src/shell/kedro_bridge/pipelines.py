"""Kedro ``Pipeline`` objects converted to kedro-pure pipeline values.

A Kedro node carries everything :func:`core.node.node` needs: the function, the inputs and
outputs as declared (a name, a list or a dict), the explicit name (without namespace), the
namespace, the tags and the confirms. Namespacing in Kedro has already renamed the datasets,
so a node converts one to one, and kedro-pure derives the same node name Kedro does (generated
names hash the same function path and dataset lists). The pipeline is then built by
:func:`core.pipeline.pipeline`, which orders the nodes as Kedro does.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Final

from returns.result import Failure, Result, Success

from core.errors import KedroSessionError, SessionErrorReason
from core.node import Node, node
from core.pipeline import Pipeline, pipeline

__all__ = ["from_kedro_pipeline", "from_kedro_registry", "is_kedro_pipeline"]

_KEDRO_PIPELINE_MODULE: Final = "kedro.pipeline.pipeline"


def is_kedro_pipeline(value: object) -> bool:
    """Whether ``value`` is a ``kedro.pipeline.Pipeline`` (never imports Kedro)."""
    module = sys.modules.get(_KEDRO_PIPELINE_MODULE)
    kedro_class = getattr(module, "Pipeline", None) if module is not None else None
    return isinstance(kedro_class, type) and isinstance(value, kedro_class)


def from_kedro_pipeline(value: object, *, label: str = "") -> Result[Pipeline, KedroSessionError]:
    """The kedro-pure pipeline with the same nodes as the Kedro pipeline ``value``.

    Args:
        value: A ``kedro.pipeline.Pipeline``.
        label: What the pipeline is, for messages (e.g. ``"the pipeline 'data_processing'"``).

    Returns:
        ``Success(Pipeline)``, or ``Failure(KedroSessionError)`` (reason ``PROJECT``) naming the
        node that kedro-pure cannot accept.
    """
    converted: list[Node] = []
    for kedro_node in getattr(value, "nodes", ()):
        made = _from_kedro_node(kedro_node)
        if isinstance(made, str):
            return Failure(_error(f"Cannot convert {label or 'a Kedro pipeline'}: {made}"))
        converted.append(made)
    built = pipeline(converted)
    if isinstance(built, Failure):
        return Failure(_error(f"Cannot convert {label or 'a Kedro pipeline'}: {built.failure().message}"))
    return Success(built.unwrap())


def from_kedro_registry(value: object) -> object:
    """``register_pipelines()``'s value with every Kedro pipeline in it converted.

    A mapping's Kedro pipelines become ``Result[Pipeline, KedroSessionError]`` values (which
    :func:`core.project.registry_entries` accepts, reporting a failure only if a run selects that
    name); anything else is returned unchanged for the registry checks to judge.
    """
    if not isinstance(value, Mapping):
        return value
    if not any(is_kedro_pipeline(entry) for entry in value.values()):
        return value
    return {
        name: (
            from_kedro_pipeline(entry, label=f"the pipeline '{name}'")
            if is_kedro_pipeline(entry)
            else entry
        )
        for name, entry in value.items()
    }


def _from_kedro_node(kedro_node: object) -> Node | str:
    """The kedro-pure node for one Kedro node, or why it cannot be converted."""
    func = getattr(kedro_node, "func", None)
    shown = getattr(kedro_node, "name", repr(kedro_node))
    if not callable(func):
        return f"the node '{shown}' has no function."
    try:
        return node(
            func,
            getattr(kedro_node, "_inputs", None),
            getattr(kedro_node, "_outputs", None),
            name=getattr(kedro_node, "_name", None),
            tags=sorted(getattr(kedro_node, "tags", ())),
            confirms=list(getattr(kedro_node, "confirms", ())) or None,
            namespace=getattr(kedro_node, "namespace", None),
        )
    except (ValueError, TypeError) as exc:  # the documented authoring errors of core.node.node
        return f"the node '{shown}': {exc}"


def _error(message: str) -> KedroSessionError:
    return KedroSessionError(SessionErrorReason.PROJECT, message)
