"""The strategy for filter specifications (re-exported by :mod:`core.strategies`)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from core._node_strategies import _check_flags
from core.filters import FilterSpec
from core.pipeline import Pipeline
from core.transcoding import strip_transcoding

__all__ = ["filter_specs"]


def _names_from(
    draw: st.DrawFn, known: Sequence[str], unknown: Sequence[str], allow_unknown: bool
) -> tuple[str, ...]:
    choices: list[SearchStrategy[str]] = []
    if known:
        # Three to one: names come mostly from the pipeline.
        choices += [st.sampled_from(known)] * 3
    if allow_unknown and unknown:
        choices.append(st.sampled_from(unknown))
    if not choices or draw(st.integers(0, 2)) == 0:
        return ()
    return tuple(draw(st.lists(st.one_of(choices), min_size=1, max_size=3, unique=True)))


@st.composite
def _filter_spec(draw: st.DrawFn, p: object, allow_unknown: object) -> FilterSpec:
    if not isinstance(p, Pipeline):
        raise InvalidArgument(f"filter_specs(pipeline) expects a Pipeline, got {p!r}")
    _check_flags("filter_specs", allow_unknown=allow_unknown)
    unknown_ok = bool(allow_unknown)
    names = sorted(n.name for n in p.nodes)
    # A namespaced node's name without its namespace is unknown, with a "Did you mean" hint.
    short = sorted({n.name[len(n.namespace) + 1 :] for n in p.nodes if n.namespace} - set(names))
    tags = sorted({t for n in p.nodes for t in n.tags})
    datasets = sorted(p.datasets() | {strip_transcoding(d) for d in p.datasets()})
    namespaces = sorted({pre for n in p.nodes if n.namespace for pre in n.namespace_prefixes})
    return FilterSpec(
        tags=_names_from(draw, tags, ("no_such_tag",), unknown_ok),
        from_nodes=_names_from(draw, names, ("no_such_node", *short), unknown_ok),
        to_nodes=_names_from(draw, names, ("no_such_node", *short), unknown_ok),
        node_names=_names_from(draw, names, ("no_such_node", *short), unknown_ok),
        from_inputs=_names_from(draw, datasets, ("no_such_dataset",), unknown_ok),
        to_outputs=_names_from(draw, datasets, ("no_such_dataset",), unknown_ok),
        node_namespaces=_names_from(draw, namespaces, ("no_such_ns",), unknown_ok),
    )


def filter_specs(pipeline: Pipeline, *, allow_unknown: bool = True) -> SearchStrategy[FilterSpec]:
    """Generate :class:`~core.filters.FilterSpec` values for ``pipeline``.

    Each criterion is often empty; otherwise it holds one to three distinct names, mostly
    taken from the pipeline (node names, tags, raw and transcoding-stripped dataset names,
    namespaces and their prefixes) and, when ``allow_unknown``, sometimes names the pipeline
    lacks (including a namespaced node's short name, which Kedro answers with a hint).
    Namespaces may overlap (``a`` and ``a.b``).

    Args:
        pipeline: The pipeline the names come from.
        allow_unknown: Whether unknown names may be drawn.

    Returns:
        A strategy of ``FilterSpec``; a non-``Pipeline`` argument raises ``InvalidArgument``
        when a value is drawn.
    """
    return _filter_spec(pipeline, allow_unknown)
