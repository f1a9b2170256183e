"""A read-only picture of a project: the models of Kedro 1.7's ``kedro.inspection`` and the pure
functions that assemble them.

The shell (:mod:`shell.inspection`) reads the project (metadata, pipeline registry, the raw
``catalog`` and ``parameters`` configuration, where each node function is written) and hands
the values to :func:`build_project_snapshot`, which decides everything else: which catalog
entries are shown, which factory patterns the pipelines' dataset names resolve to, and
which parts of file paths are redacted (:mod:`core.redaction`). No node runs and no data is loaded.

The models are frozen pydantic models with Kedro 1.7's field names, so
``snapshot.model_dump(mode="json")`` has the shape of ``dataclasses.asdict`` of Kedro's
``ProjectSnapshot`` and ``ProjectSnapshot.model_json_schema()`` describes ``kedro-pure inspect
--json``. Sequences are tuples (values, not containers to mutate); they dump as JSON arrays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict
from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core._collector import collector_paused
from core.catalog.patterns import Pattern, first_match, is_pattern, order_patterns, parse_pattern
from core.errors import DatasetError, DatasetErrorReason
from core.node import Node
from core.pipeline import Pipeline
from core.redaction import redact_urls

__all__ = [
    "DatasetSnapshot",
    "NodeSnapshot",
    "NodeSourceSnapshot",
    "PipelineSnapshot",
    "ProjectMetadataSnapshot",
    "ProjectSnapshot",
    "SourceLocator",
    "build_project_snapshot",
    "dataset_snapshot",
    "dataset_snapshots",
    "node_snapshot",
    "pipeline_snapshot",
    "trusted",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_Model = TypeVar("_Model", bound=BaseModel)


class ProjectMetadataSnapshot(BaseModel):
    """The project's metadata from ``pyproject.toml``.

    Attributes:
        project_name: the human-readable project name.
        package_name: the project's Python package.
        kedro_version: ``kedro_init_version`` from ``[tool.kedro]``; ``None`` for a project
            created by kedro-pure without one (Kedro requires it).
    """

    model_config = _FROZEN

    project_name: str
    package_name: str
    kedro_version: str | None


class DatasetSnapshot(BaseModel):
    """One catalog entry: its name, ``type`` and (redacted) ``filepath``."""

    model_config = _FROZEN

    name: str
    type: str
    filepath: str | None = None


class NodeSourceSnapshot(BaseModel):
    """Where a node's function is written: a project-relative file and a 1-based line span."""

    model_config = _FROZEN

    filepath: str
    line_start: int
    line_end: int


class NodeSnapshot(BaseModel):
    """One node: full name, function name, namespace, sorted tags, inputs, outputs, source."""

    model_config = _FROZEN

    name: str
    func_name: str
    namespace: str | None = None
    tags: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    source: NodeSourceSnapshot | None = None


class PipelineSnapshot(BaseModel):
    """One registered pipeline: nodes in execution order, sorted free inputs and outputs."""

    model_config = _FROZEN

    name: str
    nodes: tuple[NodeSnapshot, ...]
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


class ProjectSnapshot(BaseModel):
    """The whole project: metadata, every registered pipeline, datasets, parameter keys.

    Attributes:
        metadata: the project's metadata.
        pipelines: every registered pipeline, in registration order.
        datasets: explicit catalog entries (names starting with ``_`` and entries that are not
            mappings left out) and the pipelines' dataset names resolved through factory
            patterns.
        parameters: the sorted top-level parameter keys (values are not kept).
    """

    model_config = _FROZEN

    metadata: ProjectMetadataSnapshot
    pipelines: tuple[PipelineSnapshot, ...]
    datasets: dict[str, DatasetSnapshot]
    parameters: tuple[str, ...]


#: Where a node function is written, or ``None`` (lambdas, partials, built-ins, code outside
#: the project): the shell's reading of source files, passed in.
SourceLocator = Callable[[Callable[..., object]], NodeSourceSnapshot | None]

_set_attribute = object.__setattr__


def trusted(model: type[_Model], values: dict[str, object]) -> _Model:
    """``model.model_construct(**values)`` for ``values`` that name fields of ``model`` only,
    in declaration order, each of the field's type: the same instance (those fields set, no
    extra, no private state), without pydantic's per-field alias and default pass.

    For the snapshot's own models, built from values of the right types already: a
    5,000-node snapshot builds 10,000 of them, and ``model_construct`` was a fifth of its
    time. ``tests/property/test_inspection_models.py`` checks the instances are
    ``model_construct``'s and validation's.
    """
    made = model.__new__(model)
    _set_attribute(made, "__dict__", values)
    _set_attribute(made, "__pydantic_fields_set__", set(values))
    _set_attribute(made, "__pydantic_extra__", None)
    _set_attribute(made, "__pydantic_private__", None)
    return made


def node_snapshot(node: Node, locate: SourceLocator) -> NodeSnapshot:
    """The snapshot of one node (``locate`` finds its function's source)."""
    # Built from values of the right types already: no validation pass (5,000 nodes add up).
    return trusted(
        NodeSnapshot,
        {
            "name": node.name,
            "func_name": node.func_name,
            "namespace": node.namespace,
            "tags": tuple(sorted(node.tags)),
            "inputs": node.inputs,
            "outputs": node.outputs,
            "source": locate(node.func),
        },
    )


def pipeline_snapshot(name: str, pipeline: Pipeline, locate: SourceLocator) -> PipelineSnapshot:
    """The snapshot of one registered pipeline (nodes in Kedro's execution order)."""
    return trusted(
        PipelineSnapshot,
        {
            "name": name,
            "nodes": tuple([node_snapshot(n, locate) for n in pipeline.nodes]),
            "inputs": tuple(sorted(pipeline.inputs())),
            "outputs": tuple(sorted(pipeline.outputs())),
        },
    )


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


#: Only a path with one of these characters can hold a credential (userinfo, query,
#: fragment, scheme): the others, most of them, skip the URL parser.
_URL_MARKS = re.compile(r"[:@?#]")


def _redacted(path: str) -> str:
    return redact_urls(path) if _URL_MARKS.search(path) else path


def dataset_snapshot(name: str, config: Mapping[str, object]) -> DatasetSnapshot:
    """One entry's snapshot: ``type`` (``""`` when absent) and ``filepath`` with URL
    credentials, queries and fragments redacted (Kedro 1.7's rule)."""
    filepath = config.get("filepath")
    return trusted(
        DatasetSnapshot,
        {
            "name": name,
            "type": _as_text(config.get("type", "")),
            "filepath": _redacted(_as_text(filepath)) if filepath else None,
        },
    )


def _fill(value: object, pattern: Pattern, captures: Mapping[str, str]) -> Result[object, DatasetError]:
    if not isinstance(value, str) or "}" not in value:
        return Success(value)
    try:
        return Success(value.format_map(captures))
    except (ValueError, KeyError, IndexError, AttributeError) as exc:
        return Failure(
            DatasetError(
                DatasetErrorReason.PATTERN,
                f"Dataset factory pattern '{pattern.text}' has a configuration string "
                f"'{value}' that cannot be filled in ({exc}). Use only '{{placeholder}}' "
                "references to names that appear in the pattern.",
                dataset=pattern.text,
            )
        )


def _ordered_patterns(keys: Iterable[str]) -> Result[tuple[Pattern, ...], DatasetError]:
    parsed: list[Pattern] = []
    for key in keys:
        result = parse_pattern(key)
        if not is_successful(result):
            return Failure(result.failure())
        parsed.append(result.unwrap())
    return order_patterns(parsed).map(lambda ordered: ordered.in_order())


def dataset_snapshots(
    catalog_config: Mapping[str, object],
    pipelines: Sequence[PipelineSnapshot],
) -> Result[dict[str, DatasetSnapshot], DatasetError]:
    """The datasets of a snapshot, as Kedro 1.7 lists them.

    Every explicit entry (not starting with ``_``, a mapping) in declaration order, then each
    dataset name the pipelines' nodes use that no entry declares but a factory pattern matches
    (most specific pattern first, Kedro's order), with ``type`` and ``filepath`` filled in from
    the match. Names no pattern matches are left out, like Kedro.

    Returns:
        ``Success({name: snapshot})``; ``Failure(DatasetError(PATTERN))`` for a malformed
        pattern key, several catch-all patterns or a pattern string that cannot be filled in.
    """
    entries: dict[str, Mapping[str, object]] = {
        name: config
        for name, config in catalog_config.items()
        if not name.startswith("_") and isinstance(config, Mapping)
    }
    result = {
        name: dataset_snapshot(name, config)
        for name, config in entries.items()
        if not is_pattern(name)
    }
    pattern_keys = [name for name in entries if is_pattern(name)]
    if not pattern_keys:
        return Success(result)
    ordered = _ordered_patterns(pattern_keys)
    if not is_successful(ordered):
        return Failure(ordered.failure())
    patterns = ordered.unwrap()
    tried: set[str] = set()  # each name is matched once, however many nodes use it
    for pipeline in pipelines:
        for node in pipeline.nodes:
            for name in (*node.inputs, *node.outputs):
                if name in result or name in tried:
                    continue
                tried.add(name)
                found = first_match(patterns, name)
                if found is None:
                    continue
                pattern, captures = found
                config = entries[pattern.text]
                filled: dict[str, object] = {}
                for key in ("type", "filepath"):
                    if key in config:
                        value = config[key]
                        if isinstance(value, str) and "}" in value:
                            filled_in = _fill(value, pattern, captures)
                            if not is_successful(filled_in):
                                return Failure(filled_in.failure())
                            value = filled_in.unwrap()
                        filled[key] = value
                result[name] = dataset_snapshot(name, filled)
    return Success(result)


def build_project_snapshot(
    metadata: ProjectMetadataSnapshot,
    pipelines: Mapping[str, Pipeline],
    catalog_config: Mapping[str, object],
    parameters: Mapping[str, object],
    *,
    locate: SourceLocator,
) -> Result[ProjectSnapshot, DatasetError]:
    """Assemble a :class:`ProjectSnapshot` from what the shell read.

    Args:
        metadata: the project's metadata.
        pipelines: every registered pipeline by name, in registration order.
        catalog_config: the raw ``catalog`` configuration (paths as written).
        parameters: the ``parameters`` configuration (only its top-level keys are kept).
        locate: finds a node function's source location.

    Returns:
        ``Success(ProjectSnapshot)`` or the ``DatasetError`` of :func:`dataset_snapshots`.
    """
    # Tens of thousands of small values and no reference cycle: collections on the way would
    # only re-trace what is being built (see core._collector).
    with collector_paused():
        pipeline_snapshots = tuple(pipeline_snapshot(name, p, locate) for name, p in pipelines.items())
        datasets = dataset_snapshots(catalog_config, pipeline_snapshots)
    return datasets.map(
        lambda datasets: ProjectSnapshot(
            metadata=metadata,
            pipelines=pipeline_snapshots,
            datasets=datasets,
            parameters=tuple(sorted(parameters)),
        )
    )
