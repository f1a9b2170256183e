"""Namespace remapping: renaming the datasets, parameters and nodes of a (sub-)pipeline.

``pipeline(p, namespace="ns", inputs={"raw": "raw_in"}, parameters={"alpha": "beta"})``
prefixes node names and every dataset not mapped explicitly with ``ns.``, maps the listed
names, and prefixes ``params:x`` as ``params:ns.x``. Each node is renamed once, in one pass,
so remapping is O(N) in the number of nodes (Kedro's is quadratic in namespaced pipelines).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from core.errors import PipelineError, PipelineErrorReason
from core.node import Node, renamed_node, shape_problem
from core.transcoding import TRANSCODING_SEPARATOR, strip_transcoding, transcode_split

__all__ = ["NameMapping", "close_matches", "remap_nodes"]

_ALL_PARAMETERS = "parameters"
_PARAM_PREFIX = "params:"


def _is_parameter(name: str) -> bool:
    return name == _ALL_PARAMETERS or name.startswith(_PARAM_PREFIX)


@dataclass(frozen=True, slots=True)
class NameMapping:
    """``(old, new)`` name pairs, in the order given."""

    pairs: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of_datasets(names: str | Iterable[str] | Mapping[str, str] | None) -> NameMapping:
        """A name or names map to themselves; a mapping maps old to new."""
        if names is None:
            return NameMapping()
        if isinstance(names, str):
            return NameMapping(((names, names),))
        if isinstance(names, Mapping):
            return NameMapping(tuple((str(k), str(v)) for k, v in names.items()))
        return NameMapping(tuple((n, n) for n in names))

    @staticmethod
    def of_parameters(names: str | Iterable[str] | Mapping[str, str] | None) -> NameMapping:
        """Like :meth:`of_datasets`, with ``params:`` added to both sides where missing;
        ``parameters`` (all parameters) maps to itself."""

        def prefixed(name: str) -> str:
            return name if name.startswith(_PARAM_PREFIX) else f"{_PARAM_PREFIX}{name}"

        return NameMapping(
            tuple(
                (old, old) if old == _ALL_PARAMETERS else (prefixed(old), prefixed(new))
                for old, new in NameMapping.of_datasets(names).pairs
            )
        )

    def old_names(self) -> tuple[str, ...]:
        return tuple(old for old, _ in self.pairs)


def close_matches(names: Sequence[str], candidates: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` close matches (difflib ratio >= 0.6) for ``names``, without repeats."""
    pool = list(candidates)
    found: list[str] = []
    for name in names:
        for match in difflib.get_close_matches(name, pool, n=limit, cutoff=0.6):
            if match not in found:
                found.append(match)
    return tuple(found[:limit])


def _mapping_error(reason: PipelineErrorReason, message: str, names: Iterable[str] = ()) -> PipelineError:
    return PipelineError(reason, message, names=tuple(sorted(names)))


def _check_mappings(
    inputs: NameMapping,
    outputs: NameMapping,
    parameters: NameMapping,
    inner_inputs: frozenset[str],
    inner_datasets: frozenset[str],
) -> PipelineError | None:
    input_keys = {strip_transcoding(k) for k in inputs.old_names()}
    output_keys = {strip_transcoding(k) for k in outputs.old_names()}
    existing = {strip_transcoding(d) for d in inner_datasets}
    unknown = sorted((input_keys | output_keys | set(parameters.old_names())) - existing)
    if unknown:
        what = (
            f"{unknown[0]} does not exist in the pipeline."
            if len(unknown) == 1
            else "The following datasets and/or parameters do not exist in the pipeline: "
            f"{', '.join(unknown)}."
        )
        matches = close_matches(unknown, existing)
        hint = f" - did you mean one of these instead: {', '.join(matches)}" if matches else ""
        return PipelineError(
            PipelineErrorReason.MAPPING_UNKNOWN,
            f"Failed to map datasets and/or parameters onto the nodes provided: {what}{hint}",
            names=tuple(unknown),
            suggestions=matches,
        )
    if any(_is_parameter(k) for k in input_keys):
        return _mapping_error(
            PipelineErrorReason.MAPPING_PARAMETER_AS_INPUT,
            "Parameters should be specified in the 'parameters' argument",
            (k for k in input_keys if _is_parameter(k)),
        )
    free = {strip_transcoding(i) for i in inner_inputs}
    if not input_keys <= free:
        return _mapping_error(
            PipelineErrorReason.MAPPING_INPUT_NOT_FREE,
            "Inputs must not be outputs from another node in the same pipeline",
            input_keys - free,
        )
    if output_keys & free:
        return _mapping_error(
            PipelineErrorReason.MAPPING_OUTPUT_NOT_PRODUCED,
            "All outputs must be generated by some node within the pipeline",
            output_keys & free,
        )
    return None


def _renamer(
    mapping: Mapping[str, str], namespace: str | None, prefix_datasets: bool
) -> Callable[[str], str]:
    def rename(name: str) -> str:
        if name in mapping:
            return mapping[name]
        if name == _ALL_PARAMETERS:
            return name
        if TRANSCODING_SEPARATOR in name:
            base, suffix = transcode_split(name)
            if base in mapping:
                return f"{mapping[base]}{TRANSCODING_SEPARATOR}{suffix}"
        if prefix_datasets and namespace:
            if name.startswith(_PARAM_PREFIX):
                return f"{_PARAM_PREFIX}{namespace}.{name[len(_PARAM_PREFIX):]}"
            return f"{namespace}.{name}"
        return name

    return rename


def remap_nodes(
    nodes: Sequence[Node],
    *,
    inner_inputs: frozenset[str],
    inner_datasets: frozenset[str],
    inputs: NameMapping,
    outputs: NameMapping,
    parameters: NameMapping,
    namespace: str | None,
    prefix_datasets: bool,
) -> Result[tuple[Node, ...], PipelineError]:
    """Rename ``nodes`` (a validated pipeline's nodes) under the mappings and namespace.

    Returns:
        The renamed nodes, or ``Failure(PipelineError)`` when a mapped name does not exist
        (with close-match suggestions), a parameter is given as an input, a mapped input is
        not free, or a mapped output is a free input.
    """
    problem = _check_mappings(inputs, outputs, parameters, inner_inputs, inner_datasets)
    if problem is not None:
        return Failure(problem)
    mapping = {**dict(inputs.pairs), **dict(outputs.pairs), **dict(parameters.pairs)}
    rename = _renamer(mapping, namespace, prefix_datasets)
    renamed: list[Node] = []
    for n in nodes:
        new_namespace = (
            (f"{namespace}.{n.namespace}" if n.namespace else namespace) if namespace else n.namespace
        )
        copy = renamed_node(n, rename, namespace=new_namespace)
        # A mapping can make a valid node invalid (an output renamed onto its own input):
        # Kedro raises its node error; here it is the pipeline's Failure, with that message.
        invalid = shape_problem(copy)
        if invalid is not None:
            return Failure(PipelineError(PipelineErrorReason.MAPPING_INVALID_NODE, invalid, names=(copy.name,)))
        renamed.append(copy)
    return Success(tuple(renamed))
