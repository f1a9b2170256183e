"""Public Hypothesis strategies for kedro-pure values: a testing API for downstream suites.

Import this module explicitly (``from core import strategies``); ``core`` itself never
imports Hypothesis. Installing kedro-pure registers :mod:`core._hypothesis_hook` as a
Hypothesis entry point, so ``st.from_type(Node)``, ``st.from_type(Pipeline)`` and
``st.from_type(SessionState)`` use the strategies below.

House rules (Hypothesis's API style): every function returns a ``SearchStrategy``, options are
keyword-only, sizes are ``min_size``/``max_size``, and bad arguments raise
``hypothesis.errors.InvalidArgument`` when a value is drawn, not when the strategy is made.

What is generated
-----------------

:func:`pipelines` builds *valid* pipelines by construction: nodes are drawn in a hidden
topological order and may only read datasets produced by earlier nodes, free inputs
(``raw0``, ``raw1@csv`` ...) or parameters (``params:alpha``, ``parameters``), so the graph is
acyclic and outputs are unique. The nodes then get declared in a shuffled order. The values
exercise every declaration form Kedro accepts (``None``, a string, a list, a dict, and the
empty ``[]``/``{}``), tags, namespaces (nested ones such as ``a.b`` and ones sharing a
prefix), explicit, dotted and generated node names, transcoding (a base is either always
transcoded, ``d3@pandas`` written and ``d3@spark`` read, or never), dotted dataset names,
nodes without inputs or without outputs, and a final ``pipeline(..., namespace=..., tags=...)``
wrapping.

Every node runs a :class:`SyntheticFunction`: a picklable callable that accepts whatever its
node declares and returns the declared output shape, with values derived deterministically
from its inputs and its label. Runners (sequential, threads, processes) and Kedro 1.7 therefore
produce identical, comparable outputs for the same free inputs.

Invalid inputs have their own, clearly named strategy: :func:`cyclic_pipelines`.

Re-exported from the areas that own them: :func:`session_states` (session lifecycle),
:func:`catalog_snapshots`, :func:`completion_orders` and :class:`DatasetKind` (run planning).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from returns.result import Success

from core._run_strategies import DatasetKind, catalog_snapshots, completion_orders
from core._session_strategies import session_states
from core.filters import FilterSpec
from core.node import DatasetNames, NameForm, Node, node
from core.pipeline import Pipeline, pipeline
from core.transcoding import TRANSCODING_SEPARATOR, strip_transcoding

__all__ = [
    "DatasetKind",
    "SyntheticFunction",
    "SyntheticPairFunction",
    "catalog_snapshots",
    "completion_orders",
    "cyclic_pipelines",
    "filter_specs",
    "node_lists",
    "nodes",
    "pipelines",
    "session_states",
]

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


# -- node functions ---------------------------------------------------------------------


class SyntheticFunction:
    """A deterministic, picklable node function fitting a declared output shape.

    It accepts any positional and keyword arguments, and returns ``None``, one value, a list
    of values or a dict of values, as ``outputs`` was declared (only its form, length and keys
    matter, not the dataset names, so the function still fits after namespace remapping).
    Each value is a short string ``"{label}[{slot}]:{digest}"``, the digest hashing the label
    and the ``repr`` of the arguments (keyword arguments sorted), so equal inputs give equal
    outputs in any process. Inputs must therefore have a deterministic ``repr``.

    Kedro names a node after ``func.__name__`` and ``func.__module__``; instances carry a
    ``__name__`` (``"combine"``) so generated node names are the same in Kedro and here.

    Args:
        label: Mixed into every output value (the strategies use the node's index).
        outputs: The node's ``outputs`` declaration whose shape the function returns.
    """

    __name__: str

    def __init__(self, label: str, outputs: DatasetNames) -> None:
        self.__name__ = "combine"
        self.label = label
        self.form, self.keys, self.count = _shape(outputs)

    def __call__(self, /, *args: object, **kwargs: object) -> object:
        return self._result(args, kwargs)

    def _result(self, args: Sequence[object], kwargs: dict[str, object]) -> object:
        text = repr((self.label, tuple(args), sorted(kwargs.items())))
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]

        def value(slot: str) -> str:
            return f"{self.label}[{slot}]:{digest}"

        if self.form is NameForm.NONE:
            return None
        if self.form is NameForm.SINGLE:
            return value("0")
        if self.form is NameForm.LIST:
            return [value(str(i)) for i in range(self.count)]
        return {key: value(key) for key in self.keys}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SyntheticFunction):
            return NotImplemented
        return (type(self), self.label, self.form, self.keys, self.count) == (
            type(other),
            other.label,
            other.form,
            other.keys,
            other.count,
        )

    def __hash__(self) -> int:
        return hash((type(self), self.label, self.form, self.keys, self.count))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r}, {_declared(self.form, self.keys, self.count)!r})"


class SyntheticPairFunction(SyntheticFunction):
    """Like :class:`SyntheticFunction`, with two named leading parameters ``a`` and ``b``.

    A dict declaration such as ``{"b": "x", "a": "z"}`` binds in signature order, so the
    node's ``inputs`` are ``["z", "x"]``: this exercises Kedro's binding order. Named
    ``"combine_ab"``.
    """

    def __init__(self, label: str, outputs: DatasetNames) -> None:
        super().__init__(label, outputs)
        self.__name__ = "combine_ab"

    def __call__(
        self, /, a: object = None, b: object = None, *args: object, **kwargs: object
    ) -> object:
        return self._result((a, b, *args), kwargs)


def _shape(outputs: DatasetNames) -> tuple[NameForm, tuple[str, ...], int]:
    if outputs is None or outputs == "":
        return NameForm.NONE, (), 0
    if isinstance(outputs, str):
        return NameForm.SINGLE, (), 1
    if isinstance(outputs, list):
        return NameForm.LIST, (), len(outputs)
    return NameForm.DICT, tuple(outputs), len(outputs)


def _declared(form: NameForm, keys: tuple[str, ...], count: int) -> DatasetNames:
    if form is NameForm.NONE:
        return None
    if form is NameForm.SINGLE:
        return "_"
    if form is NameForm.LIST:
        return ["_"] * count
    return dict.fromkeys(keys, "_")


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


def _built(
    nodes_: Iterable[Node],
    *,
    namespace: str | None = None,
    tags: list[str] | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Pipeline:
    result = pipeline(
        list(nodes_),
        namespace=namespace,
        tags=tags,
        prefix_datasets_with_namespace=prefix_datasets_with_namespace,
    )
    if not isinstance(result, Success):
        # A bug in this module or in the core: say which, with the failure.
        raise AssertionError(f"core.strategies drew nodes that pipeline() refused: {result}")
    built: Pipeline = result.unwrap()
    return built


@st.composite
def _valid_pipeline(
    draw: st.DrawFn,
    min_size: object,
    max_size: object,
    transcoding: object,
    namespaces: object,
    parameters: object,
    wrapping: object,
) -> Pipeline:
    _check_flags("pipelines", wrapping=wrapping)
    drawn = draw(_acyclic_nodes(min_size, max_size, transcoding, namespaces, parameters))
    if not wrapping or not draw(st.booleans()):
        return _built(drawn)
    namespace = draw(st.none() | st.sampled_from(_OUTER_NAMESPACES)) if namespaces else None
    tags = draw(st.lists(st.sampled_from(_TAGS), max_size=2, unique=True))
    return _built(
        drawn,
        namespace=namespace,
        tags=tags or None,
        prefix_datasets_with_namespace=draw(st.booleans()),
    )


def pipelines(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    transcoding: bool = True,
    namespaces: bool = True,
    parameters: bool = True,
    wrapping: bool = True,
) -> SearchStrategy[Pipeline]:
    """Generate valid (acyclic) pipelines.

    Args:
        min_size: The fewest nodes.
        max_size: The most nodes; ``None`` means ``min_size + 15``.
        transcoding: Whether datasets may be transcoded.
        namespaces: Whether nodes may have namespaces.
        parameters: Whether nodes may read parameters.
        wrapping: Whether the nodes may be passed through ``pipeline(..., namespace=...,
            tags=..., prefix_datasets_with_namespace=...)`` once more.

    Returns:
        A strategy of :class:`~core.pipeline.Pipeline`. Bad arguments raise
        ``InvalidArgument`` when a value is drawn.
    """
    return _valid_pipeline(min_size, max_size, transcoding, namespaces, parameters, wrapping)


# -- cycles -----------------------------------------------------------------------------


def _with_extra_input(n: Node, dataset: str) -> Node:
    declared = n.declared_inputs
    extended: DatasetNames
    if declared is None:
        extended = dataset
    elif isinstance(declared, str):
        extended = [declared, dataset]
    elif isinstance(declared, list):
        extended = [*declared, dataset]
    else:
        key = next(k for k in (*_INPUT_KEYS, "extra", "more") if k not in declared)
        extended = {**declared, key: dataset}
    return node(
        n.func,
        extended,
        n.declared_outputs,
        name=n.explicit_name,
        tags=n.tags,
        namespace=n.namespace,
    )


def _ancestors(p: Pipeline, name: str) -> list[str]:
    seen: set[str] = set()
    frontier = [name]
    while frontier:
        for parent in p.graph.parents[frontier.pop()]:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return sorted(seen)


@st.composite
def _cyclic_nodes(draw: st.DrawFn, min_size: object, max_size: object) -> tuple[Node, ...]:
    low, high = _check_sizes("cyclic_pipelines", min_size, max_size)
    if high < 2:
        raise InvalidArgument(f"cyclic_pipelines(max_size={max_size!r}): a cycle needs 2 nodes")
    # Room for a ring of two fresh nodes is always kept.
    drawn = list(draw(_acyclic_nodes(max(0, low - 2), high - 2, True, True, True)))
    acyclic = _built(drawn)
    closable = [
        (n.name, ancestors)
        for n in acyclic.nodes
        if n.outputs and (ancestors := _ancestors(acyclic, n.name))
    ]
    if closable and len(drawn) >= low and draw(st.booleans()):
        # Close a loop through existing nodes: an ancestor also reads its descendant's output.
        last, ancestors = draw(st.sampled_from(closable))
        first = draw(st.sampled_from(ancestors))
        back = draw(st.sampled_from(acyclic.graph.by_name[last].outputs))
        position = next(i for i, n in enumerate(drawn) if n.name == first)
        drawn[position] = _with_extra_input(drawn[position], back)
    else:
        # A ring of fresh nodes ``cycle0 -> cycle1 -> ... -> cycle0``, transcoded or not.
        length = draw(st.integers(2, max(2, min(3, high - len(drawn)))))
        spell = draw(st.sampled_from(("{}", "{}@pandas")))
        ring = [spell.format(f"ring{i}") for i in range(length)]
        for i in range(length):
            extra = draw(st.lists(st.sampled_from(("raw_ring", "params:alpha")), max_size=1))
            declared_out = ring[i]
            drawn.append(
                node(
                    SyntheticFunction(f"cycle{i}", declared_out),
                    [ring[i - 1], *extra],
                    declared_out,
                    name=draw(st.sampled_from((f"cycle{i}", None))),
                )
            )
    order = draw(st.permutations(range(len(drawn))))
    return tuple(drawn[i] for i in order)


def cyclic_pipelines(*, min_size: int = 2, max_size: int | None = None) -> SearchStrategy[tuple[Node, ...]]:
    """Generate node tuples whose dependency graph has a cycle (and is otherwise valid).

    ``pipeline(drawn)`` returns ``Failure(CircularDependencyError)`` for every value: names
    and outputs are unique and transcoding is consistent, so the cycle is the only problem.
    The cycle either runs through existing nodes (an ancestor made to read a descendant's
    output) or is a ring of two or three fresh nodes.

    Args:
        min_size: The fewest nodes (a cycle has at least 2 anyway).
        max_size: The most nodes, at least 2; ``None`` means ``min_size + 15``.

    Returns:
        A strategy of tuples of :class:`~core.node.Node` in a shuffled order.
    """
    return _cyclic_nodes(min_size, max_size)


# -- filter specs -----------------------------------------------------------------------


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


# -- st.from_type support ---------------------------------------------------------------


def _hypothesis_setup_hook() -> None:
    """Kept for callers of the old entry point; see :mod:`core._hypothesis_hook`."""
    from core._hypothesis_hook import _hypothesis_setup_hook as register

    register()
