"""``pipeline()``: build a pipeline from nodes and pipelines, with Kedro's validation and
remapping; ``Pipeline`` and ``combine`` are re-exported here (see :mod:`core.pipeline_value`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from returns.result import Failure, Result

from core.errors import PipelineError, PipelineErrorReason
from core.namespacing import NameMapping, remap_nodes
from core.node import Node
from core.pipeline_checks import duplicate_names
from core.pipeline_value import Pipeline, PipelineItem, combine, validated_pipeline

__all__ = ["Pipeline", "PipelineItem", "combine", "pipeline"]


def pipeline(
    nodes: Iterable[PipelineItem] | Pipeline | None,
    *,
    inputs: str | Iterable[str] | Mapping[str, str] | None = None,
    outputs: str | Iterable[str] | Mapping[str, str] | None = None,
    parameters: str | Iterable[str] | Mapping[str, str] | None = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Result[Pipeline, PipelineError]:
    """Build a pipeline from nodes and pipelines, with Kedro's validation and remapping.

    Args:
        nodes: nodes and/or pipelines (pipelines are flattened), or one pipeline.
        inputs: free inputs to expose or rename (a name, names, or ``{old: new}``).
        outputs: outputs to expose or rename (free or intermediate).
        parameters: parameters to keep or rename (``params:`` prefix optional).
        tags: tags added to every node.
        namespace: prefixes node names, and (unless ``prefix_datasets_with_namespace`` is
            false) every dataset and ``params:`` name not mapped explicitly.
        prefix_datasets_with_namespace: whether ``namespace`` also renames datasets.

    Returns:
        ``Success(Pipeline)``, or ``Failure(PipelineError)`` with Kedro's message when names
        are duplicated, transcoding is inconsistent, outputs or confirms are not unique, the
        graph has a cycle (``CircularDependencyError``), or a mapping is invalid.
    """
    if nodes is None:
        return Failure(
            PipelineError(
                PipelineErrorReason.NODES_MISSING,
                "'nodes' argument of 'Pipeline' is None. It must be an iterable of nodes "
                "and/or pipelines instead.",
            )
        )
    items: list[PipelineItem] = [nodes] if isinstance(nodes, Pipeline) else list(nodes)
    if not (inputs or outputs or parameters or namespace):
        return _from_items(items, tags)
    return (
        _from_items(items, tags)
        .bind(
            lambda inner: remap_nodes(
                inner.nodes,
                inner_inputs=inner.inputs(),
                inner_datasets=inner.datasets(),
                inputs=NameMapping.of_datasets(inputs),
                outputs=NameMapping.of_datasets(outputs),
                parameters=NameMapping.of_parameters(parameters),
                namespace=namespace,
                prefix_datasets=prefix_datasets_with_namespace,
            )
        )
        .bind(lambda remapped: _from_items(list(remapped), tags))
    )


def _from_items(items: Sequence[PipelineItem], tags: str | Iterable[str] | None) -> Result[Pipeline, PipelineError]:
    sources: list[tuple[Pipeline | None, Sequence[Node]]] = []
    flat: list[Node] = []
    loose: list[Node] = []
    for item in items:
        if isinstance(item, Node):
            loose.append(item)
            flat.append(item)
        elif isinstance(item, Pipeline):
            sources.append((item, item.nodes))
            flat.extend(item.nodes)
        else:
            raise TypeError(
                f"pipeline() takes nodes and pipelines, got {type(item).__name__}: {item!r}"
            )
    sources.insert(0, (None, loose))
    duplicates = duplicate_names(flat, sources)
    if duplicates is not None:
        return Failure(duplicates)
    tag_set = frozenset([tags]) if isinstance(tags, str) else frozenset(tags or ())
    if tag_set:
        flat = [n.tag(tag_set) for n in flat]
    return validated_pipeline(flat)
