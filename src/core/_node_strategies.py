"""Strategies for acyclic node lists and single nodes (re-exported by :mod:`core.strategies`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from core._synthetic import SyntheticFunction, SyntheticPairFunction
from core.node import DatasetNames, Node, node
from core.transcoding import TRANSCODING_SEPARATOR

__all__ = ["node_lists", "nodes"]

_TAGS = ("t1", "t2", "extract", "model.train", "tag-3")
#: "a" and "a.b" share a prefix on purpose: selecting "a" must select "a.b" too.
_NAMESPACES = ("a", "a.b", "ns", "ns.inner.deep", "b")
_OUTER_NAMESPACES = ("outer", "x.y")
_PARAMETERS = ("params:alpha", "params:model.lr", "params:beta", "parameters")
_SUFFIXES = ("pandas", "spark")
_INPUT_KEYS = ("a", "b", "x", "y", "z")
_OUTPUT_KEYS = ("p", "q", "r")
_DEFAULT_SPAN = 15
_T = TypeVar("_T")


# -- argument checks (run at draw time) -------------------------------------------------


def _check_sizes(where: str, min_size: object, max_size: object) -> tuple[int, int]:
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 0:
        raise InvalidArgument(f"{where}(min_size=...) expects an int >= 0, got {min_size!r}")
    if max_size is None:
        return min_size, min_size + _DEFAULT_SPAN
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < min_size:
        raise InvalidArgument(
            f"{where}(max_size=...) expects None or an int >= min_size={min_size}, got {max_size!r}"
        )
    return min_size, max_size


def _check_flags(where: str, **flags: object) -> None:
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidArgument(f"{where}({name}=...) expects a bool, got {value!r}")


# -- acyclic node lists -----------------------------------------------------------------


# Strategies reused by every draw (built once: making strategies is not free).
_COIN = st.booleans()
_SUFFIX = st.sampled_from(_SUFFIXES)
_TAG_LISTS = st.lists(st.sampled_from(_TAGS), max_size=2, unique=True)
_NAMESPACE = st.none() | st.sampled_from(_NAMESPACES)
_INPUT_KEY_ORDERS = st.permutations(_INPUT_KEYS)
_OUTPUT_KEY_ORDERS = st.permutations(_OUTPUT_KEYS)
_NO_NAMES: tuple[DatasetNames, ...] = (None, None, None, [], {})


def _pick(draw: st.DrawFn, choices: Sequence[_T]) -> _T:
    """One of ``choices``, shrinking towards the first (``st.integers`` strategies are cached)."""
    return choices[draw(st.integers(0, len(choices) - 1))]


def _one_in(draw: st.DrawFn, n: int) -> bool:
    return draw(st.integers(0, n - 1)) == 0


@dataclass(slots=True)
class _Datasets:
    """Dataset names handed out while drawing one node list (mutated only while drawing)."""

    produced: list[str] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    transcoded: set[str] = field(default_factory=set)
    count: int = 0

    def fresh(self, draw: st.DrawFn, stem: str, transcoding: bool) -> str:
        self.count += 1
        base = f"{stem}{self.count}.part" if _one_in(draw, 6) else f"{stem}{self.count}"
        if transcoding and draw(_COIN):
            self.transcoded.add(base)
        return base

    def spelled(self, draw: st.DrawFn, base: str) -> str:
        if base not in self.transcoded:
            return base
        return f"{base}{TRANSCODING_SEPARATOR}{draw(_SUFFIX)}"


def _declaration(
    draw: st.DrawFn, names: list[str], key_orders: SearchStrategy[list[str]]
) -> DatasetNames:
    """Pick a declaration form fitting ``names`` (every form Kedro accepts)."""
    if not names:
        return _pick(draw, _NO_NAMES)
    form = draw(st.integers(0 if len(names) == 1 else 1, 2))
    if form == 0:
        return names[0]
    if form == 1:
        return list(names)
    return dict(zip(draw(key_orders), names, strict=False))


def _draw_inputs(
    draw: st.DrawFn, data: _Datasets, *, transcoding: bool, parameters: bool
) -> list[str]:
    sources = []
    if data.produced:
        sources += ["produced", "produced"]  # favour connected graphs
    sources.append("new_free")
    if data.free:
        sources.append("old_free")
    if parameters:
        sources.append("param")
    bases: set[str] = set()
    names: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        source = _pick(draw, sources)
        if source == "produced":
            base = _pick(draw, data.produced)
        elif source == "old_free":
            base = _pick(draw, data.free)
        elif source == "param":
            base = _pick(draw, _PARAMETERS)
        else:
            base = data.fresh(draw, "raw", transcoding)
            data.free.append(base)
        # One use per base in a node: ``["d1@pandas", "d1@spark"]`` is legal but pointless.
        if base not in bases:
            bases.add(base)
            names.append(data.spelled(draw, base))
    return names


_FUNCTION_KINDS: tuple[type[SyntheticFunction], ...] = (SyntheticFunction, SyntheticPairFunction)


@st.composite
def _acyclic_nodes(
    draw: st.DrawFn,
    min_size: object,
    max_size: object,
    transcoding: object,
    namespaces: object,
    parameters: object,
) -> tuple[Node, ...]:
    low, high = _check_sizes("node_lists", min_size, max_size)
    _check_flags("node_lists", transcoding=transcoding, namespaces=namespaces, parameters=parameters)
    size = draw(st.integers(low, high))
    data = _Datasets()
    built: list[Node] = []
    taken: set[str] = set()
    for index in range(size):
        inputs = _draw_inputs(draw, data, transcoding=bool(transcoding), parameters=bool(parameters))
        output_count = draw(st.integers(0 if inputs else 1, 3))
        outputs = [data.fresh(draw, "d", bool(transcoding)) for _ in range(output_count)]
        declared_in = _declaration(draw, inputs, _INPUT_KEY_ORDERS)
        declared_out = _declaration(
            draw, [data.spelled(draw, b) for b in outputs], _OUTPUT_KEY_ORDERS
        )
        data.produced.extend(outputs)
        label = f"n{index}"
        func = _pick(draw, _FUNCTION_KINDS)(label, declared_out)
        name = _pick(draw, (None, None, label, f"{label}.step"))
        raw_tags = draw(_TAG_LISTS)
        tags: str | list[str] | None = (
            raw_tags[0] if len(raw_tags) == 1 and draw(_COIN) else raw_tags or None
        )
        namespace = draw(_NAMESPACE) if namespaces else None
        made = node(func, declared_in, declared_out, name=name, tags=tags, namespace=namespace)
        if made.name in taken:
            # Two output-less nodes with one function and the same inputs share a generated
            # name (Kedro would refuse them): name this one explicitly.
            made = node(func, declared_in, declared_out, name=label, tags=tags, namespace=namespace)
        taken.add(made.name)
        built.append(made)
    order = draw(st.permutations(range(size)))
    return tuple(built[i] for i in order)


def node_lists(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    transcoding: bool = True,
    namespaces: bool = True,
    parameters: bool = True,
) -> SearchStrategy[tuple[Node, ...]]:
    """Generate node tuples that :func:`core.pipeline.pipeline` accepts together.

    The nodes form an acyclic graph with unique names and outputs, declared in a shuffled
    (usually not topological) order.

    Args:
        min_size: The fewest nodes.
        max_size: The most nodes; ``None`` means ``min_size + 15``.
        transcoding: Whether datasets may be transcoded (``d1@pandas`` / ``d1@spark``).
        namespaces: Whether nodes may have namespaces (``a``, ``a.b``, ``ns.inner.deep``...).
        parameters: Whether nodes may read ``params:...`` and ``parameters``.

    Returns:
        A strategy of tuples of :class:`~core.node.Node`. Bad arguments raise
        ``InvalidArgument`` when a value is drawn.
    """
    return _acyclic_nodes(min_size, max_size, transcoding, namespaces, parameters)


@st.composite
def _one_node(draw: st.DrawFn, transcoding: object, namespaces: object, parameters: object) -> Node:
    _check_flags("nodes", transcoding=transcoding, namespaces=namespaces, parameters=parameters)
    drawn = draw(_acyclic_nodes(1, 4, transcoding, namespaces, parameters))
    return draw(st.sampled_from(drawn))


def nodes(
    *, transcoding: bool = True, namespaces: bool = True, parameters: bool = True
) -> SearchStrategy[Node]:
    """Generate single valid nodes (any declaration form, name, tags and namespace).

    Args:
        transcoding: Whether dataset names may be transcoded.
        namespaces: Whether the node may have a namespace.
        parameters: Whether the node may read parameters.

    Returns:
        A strategy of :class:`~core.node.Node` running a :class:`SyntheticFunction`.
    """
    return _one_node(transcoding, namespaces, parameters)
