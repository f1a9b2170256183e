"""What a session's run would execute: the registered pipelines named (default
``__default__``), combined, then filtered as ``run`` filters them (before any pruning)."""

from __future__ import annotations

from collections.abc import Iterable

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.errors import KedroError
from core.filters import filter_pipeline
from core.pipeline import Pipeline, combine
from core.pipeline import pipeline as build
from shell.project.registry import ProjectPipelines

__all__ = ["select_pipeline"]


def select_pipeline(
    pipelines: ProjectPipelines,
    *,
    pipeline_names: Iterable[str] | None,
    tags: Iterable[str] | None,
    node_names: Iterable[str] | None,
    from_nodes: Iterable[str] | None,
    to_nodes: Iterable[str] | None,
    from_inputs: Iterable[str] | None,
    to_outputs: Iterable[str] | None,
    namespaces: Iterable[str] | None,
) -> Result[Pipeline, KedroError]:
    """``session.select_pipeline(...)`` (see there)."""
    names = list(pipeline_names) if pipeline_names else None
    selected = pipelines.select(names)
    if not is_successful(selected):
        return Failure(selected.failure())
    chosen = list(selected.unwrap().values())
    combined = combine(*chosen) if chosen else Success(build([]).unwrap())
    if not is_successful(combined):
        return Failure(combined.failure())
    filtered: Result[Pipeline, KedroError] = filter_pipeline(
        combined.unwrap(),
        tags=tags,
        from_nodes=from_nodes,
        to_nodes=to_nodes,
        node_names=node_names,
        from_inputs=from_inputs,
        to_outputs=to_outputs,
        node_namespaces=namespaces,
    ).alt(lambda error: error)
    return filtered
