"""Laws of pipeline construction, toposort, algebra, namespacing and filtering.

Every law runs over ``core.strategies`` values, so these tests also check that the public
strategies only draw values the core accepts.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from returns.result import Failure, Result, Success

from core.catalog.snapshot import CatalogSnapshot
from core.errors import CircularDependencyError, PipelineError, PipelineErrorReason
from core.filters import (
    FilterSpec,
    filter_pipeline,
    from_inputs,
    from_nodes,
    only_nodes,
    only_nodes_with_namespaces,
    only_nodes_with_tags,
    to_nodes,
    to_outputs,
)
from core.node import Node, node
from core.node_call import call_arguments, split_outputs
from core.pipeline import Pipeline, pipeline
from core.session_state import SessionState
from core.strategies import (
    SyntheticFunction,
    catalog_snapshots,
    completion_orders,
    cyclic_pipelines,
    filter_specs,
    node_lists,
    nodes,
    pipelines,
    session_states,
)
from core.transcoding import strip_transcoding


def f(*args: object) -> object:
    return args


Filter = Callable[[Pipeline, tuple[str, ...]], Result[Pipeline, PipelineError]]

#: The single-criterion filter behind each ``FilterSpec`` field, in ``filter_pipeline``'s order.
SINGLE_FILTERS: tuple[tuple[str, Filter], ...] = (
    ("tags", lambda p, a: only_nodes_with_tags(p, *a)),
    ("from_nodes", lambda p, a: from_nodes(p, *a)),
    ("to_nodes", lambda p, a: to_nodes(p, *a)),
    ("node_names", lambda p, a: only_nodes(p, *a)),
    ("from_inputs", lambda p, a: from_inputs(p, *a)),
    ("to_outputs", lambda p, a: to_outputs(p, *a)),
    ("node_namespaces", lambda p, a: only_nodes_with_namespaces(p, a)),
)


def built(items: Iterable[Node | Pipeline], **options: object) -> Pipeline:
    result = pipeline(list(items), **options)  # type: ignore[arg-type]
    assert isinstance(result, Success), result
    value: Pipeline = result.unwrap()
    return value


def names(p: Pipeline) -> frozenset[str]:
    return frozenset(n.name for n in p.nodes)


def grouped_names(p: Pipeline) -> list[list[str]]:
    return [[n.name for n in group] for group in p.grouped_nodes]


pipelines_with_specs = pipelines().flatmap(
    lambda p: st.tuples(st.just(p), filter_specs(p))
)


# -- the strategies draw what the core accepts ------------------------------------------


@given(node_lists())
def test_every_drawn_node_list_builds_a_pipeline_of_exactly_those_nodes(drawn: tuple[Node, ...]) -> None:
    p = built(drawn)
    assert frozenset(p.nodes) == frozenset(drawn)
    assert p.construction_order == drawn


@given(pipelines())
def test_every_drawn_pipeline_rebuilds_to_itself(p: Pipeline) -> None:
    assert built(p.nodes) == p
    assert isinstance(p, Pipeline)


@given(pipelines().flatmap(lambda p: st.tuples(st.just(p), catalog_snapshots(p), completion_orders(p))))
def test_run_planning_strategies_are_re_exported(case: tuple[Pipeline, CatalogSnapshot, tuple[str, ...]]) -> None:
    p, snapshot, order = case
    assert snapshot.registered <= p.datasets()
    assert sorted(order) == sorted(n.name for n in p.nodes)


@given(session_states())
def test_session_states_are_re_exported(state: SessionState) -> None:
    assert isinstance(state, SessionState)


@given(st.from_type(Pipeline), st.from_type(Node))
def test_from_type_resolves_through_the_entry_point(p: Pipeline, n: Node) -> None:
    assert isinstance(p, Pipeline)
    assert isinstance(n, Node)
    assert isinstance(n.func, SyntheticFunction)


@given(nodes())
def test_synthetic_functions_fit_their_node_and_survive_pickling(n: Node) -> None:
    loaded = {name: f"value of {name}" for name in n.inputs}
    arguments = call_arguments(n, loaded).unwrap()
    returned = n.func(*arguments.args, **arguments.kwargs)
    split = split_outputs(n, returned)
    assert isinstance(split, Success), split
    assert set(split.unwrap()) == set(n.outputs)
    # The same inputs give the same outputs, in this process or another one.
    clone = pickle.loads(pickle.dumps(n.func))
    assert clone(*arguments.args, **arguments.kwargs) == returned


@given(nodes())
@example(node(SyntheticFunction("n0", []), "raw1", []))  # shrunk: no outputs, nothing to compare
def test_synthetic_outputs_depend_on_the_inputs(n: Node) -> None:
    if n.outputs:
        assert n.func("x") != n.func("y")
        func = n.func
        assert isinstance(func, SyntheticFunction)
        assert func("x") != type(func)("another label", n.declared_outputs)("x")


@pytest.mark.parametrize(
    "strategy",
    [
        pipelines(min_size=-1),
        pipelines(min_size=3, max_size=2),
        pipelines(max_size=1.5),  # type: ignore[arg-type]
        pipelines(transcoding="yes"),  # type: ignore[arg-type]
        node_lists(min_size=True),
        cyclic_pipelines(max_size=1),
        filter_specs("not a pipeline"),  # type: ignore[arg-type]
        nodes(namespaces=None),  # type: ignore[arg-type]
    ],
)
def test_bad_strategy_arguments_fail_at_draw_time(strategy: st.SearchStrategy[object]) -> None:
    @given(strategy)
    def draw_one(value: object) -> None:
        raise AssertionError(f"drew {value!r} from bad arguments")

    with pytest.raises(InvalidArgument):
        draw_one()


@given(node_lists(min_size=1, max_size=5))
def test_sizes_are_respected(drawn: tuple[Node, ...]) -> None:
    assert 1 <= len(drawn) <= 5


# -- toposort ---------------------------------------------------------------------------


@given(node_lists().flatmap(lambda d: st.tuples(st.just(d), st.permutations(d))))
def test_grouped_nodes_do_not_depend_on_declaration_order(case: tuple[tuple[Node, ...], list[Node]]) -> None:
    drawn, shuffled = case
    assert grouped_names(built(shuffled)) == grouped_names(built(drawn))
    assert [n.name for n in built(shuffled).nodes] == [n.name for n in built(drawn).nodes]


@given(pipelines())
def test_every_node_appears_once_after_all_its_parents_in_sorted_groups(p: Pipeline) -> None:
    position: dict[str, int] = {}
    for index, group in enumerate(p.grouped_nodes):
        group_names = [n.name for n in group]
        assert group_names == sorted(group_names)
        assert group
        for name in group_names:
            assert name not in position
            position[name] = index
    assert set(position) == set(p.graph.by_name)
    assert [n.name for n in p.nodes] == [n for g in grouped_names(p) for n in g]
    for name, parents in p.graph.parents.items():
        assert all(position[parent] < position[name] for parent in parents)
        # A node's layer is the length of its longest chain of ancestors.
        expected = 1 + max((position[parent] for parent in parents), default=-1)
        assert position[name] == expected


@given(pipelines())
def test_parents_are_the_producers_of_the_inputs(p: Pipeline) -> None:
    producer = {strip_transcoding(o): n.name for n in p.nodes for o in n.outputs}
    for n in p.nodes:
        assert p.graph.parents[n.name] == frozenset(
            producer[strip_transcoding(i)] for i in n.inputs if strip_transcoding(i) in producer
        )
        assert p.node_dependencies[n] == frozenset(p.graph.by_name[x] for x in p.graph.parents[n.name])


@given(pipelines())
def test_free_inputs_and_outputs(p: Pipeline) -> None:
    produced = {strip_transcoding(o) for o in p.all_outputs()}
    consumed = {strip_transcoding(i) for i in p.all_inputs()}
    assert p.inputs() == {i for i in p.all_inputs() if strip_transcoding(i) not in produced}
    assert p.outputs() == {o for o in p.all_outputs() if strip_transcoding(o) not in consumed}
    assert p.datasets() == p.all_inputs() | p.all_outputs()


@given(cyclic_pipelines())
def test_a_cycle_is_a_circular_dependency_failure(drawn: tuple[Node, ...]) -> None:
    result = pipeline(list(drawn))
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, CircularDependencyError)
    assert error.reason is PipelineErrorReason.CIRCULAR
    # The names reported form a cycle: each one's parent among them is also reported.
    by_name = {n.name: n for n in drawn}
    producer = {strip_transcoding(o): n.name for n in drawn for o in n.outputs}
    on_cycle = set(error.names)
    assert len(on_cycle) >= 2
    for name in on_cycle:
        parents = {producer.get(strip_transcoding(i)) for i in by_name[name].inputs}
        assert parents & on_cycle
    assert error.message.startswith(f"Circular dependencies exist among the following {len(on_cycle)} item(s): ")


# -- algebra ----------------------------------------------------------------------------


@st.composite
def split_pipelines(draw: st.DrawFn) -> tuple[Pipeline, Pipeline, Pipeline]:
    drawn = draw(node_lists())
    left = draw(st.lists(st.sampled_from(drawn), unique=True)) if drawn else []
    right = draw(st.lists(st.sampled_from(drawn), unique=True)) if drawn else []
    return built(drawn), built(left), built(right)


@given(split_pipelines())
def test_union_is_commutative_idempotent_and_a_set_union(parts: tuple[Pipeline, Pipeline, Pipeline]) -> None:
    whole, a, b = parts
    assert a + b == b + a
    assert a + a == a
    assert (a | b) == (a + b)
    assert frozenset((a + b).nodes) == frozenset(a.nodes) | frozenset(b.nodes)
    assert sum([a, b]) == a + b
    assert frozenset((a - b).nodes) == frozenset(a.nodes) - frozenset(b.nodes)
    assert frozenset((a & b).nodes) == frozenset(a.nodes) & frozenset(b.nodes)
    assert (a + b) + whole == whole
    assert whole - whole == built([])


@given(pipelines(wrapping=False), st.sampled_from(["x", "x.y"]), st.sampled_from(["outer", "o.p"]), st.booleans())
def test_namespacing_twice_composes(p: Pipeline, inner: str, outer: str, prefix: bool) -> None:
    twice = built([built([p], namespace=inner, prefix_datasets_with_namespace=prefix)], namespace=outer, prefix_datasets_with_namespace=prefix)
    once = built([p], namespace=f"{outer}.{inner}", prefix_datasets_with_namespace=prefix)
    assert twice == once
    assert {n.name: n.namespace for n in twice.nodes} == {n.name: n.namespace for n in once.nodes}
    assert twice.inputs() == once.inputs()


@given(pipelines(wrapping=False), st.sampled_from(["x", "x.y"]))
def test_namespacing_keeps_the_graph_shape(p: Pipeline, namespace: str) -> None:
    moved = built([p], namespace=namespace)
    assert [len(g) for g in moved.grouped_nodes] == [len(g) for g in p.grouped_nodes]
    assert all(n.name.startswith(f"{namespace}.") for n in moved.nodes)
    assert {d for d in moved.datasets()} == {
        d if d == "parameters" else (f"params:{namespace}.{d[7:]}" if d.startswith("params:") else f"{namespace}.{d}")
        for d in p.datasets()
    }


# -- filters ----------------------------------------------------------------------------


def single_results(p: Pipeline, spec: FilterSpec) -> list[Result[Pipeline, PipelineError]]:
    return [select(p, getattr(spec, field)) for field, select in SINGLE_FILTERS if getattr(spec, field)]


@given(pipelines_with_specs)
def test_a_filter_result_is_a_non_empty_subset(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    result = spec.apply(p)
    if isinstance(result, Success):
        kept = result.unwrap()
        assert kept.nodes
        assert frozenset(kept.nodes) <= frozenset(p.nodes)


@given(pipelines_with_specs)
def test_filter_is_the_intersection_of_the_single_filters(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    result = spec.apply(p)
    singles = single_results(p, spec)
    failures = [r for r in singles if isinstance(r, Failure)]
    if failures:
        assert result == failures[0]
        return
    kept = names(p)
    for r in singles:
        kept &= names(r.unwrap())
    if not kept:
        assert isinstance(result, Failure)
        assert result.failure().reason is PipelineErrorReason.EMPTY_AFTER_FILTER
    else:
        assert names(result.unwrap()) == kept


@given(pipelines_with_specs, st.data())
def test_filter_does_not_depend_on_argument_order(case: tuple[Pipeline, FilterSpec], data: st.DataObject) -> None:
    p, spec = case
    fields = [field for field, _ in SINGLE_FILTERS]
    shuffled = {field: tuple(data.draw(st.permutations(getattr(spec, field)))) for field in data.draw(st.permutations(fields))}
    again = filter_pipeline(p, **shuffled)
    first = spec.apply(p)
    if isinstance(first, Success):
        assert names(again.unwrap()) == names(first.unwrap())
    else:
        assert isinstance(again, Failure)
        assert again.failure().reason is first.failure().reason
        assert again.failure().names == first.failure().names


def names_known_to(q: Pipeline, field: str, args: tuple[str, ...]) -> bool:
    if field in ("from_nodes", "to_nodes", "node_names"):
        return set(args) <= names(q)
    if field in ("from_inputs", "to_outputs"):
        known = q.datasets() | {strip_transcoding(d) for d in q.datasets()}
        return set(args) <= known
    if field == "node_namespaces":
        return all(any(n.namespace and (n.namespace + ".").startswith(a + ".") for n in q.nodes) for a in args)
    return True


@given(pipelines_with_specs)
def test_single_filters_are_idempotent(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    for field, select in SINGLE_FILTERS:
        args = getattr(spec, field)
        first = select(p, args)
        if not isinstance(first, Success):
            continue
        q = first.unwrap()
        # Re-applying selects everything again, as long as every name given still exists
        # (a dataset with no consumer is gone after ``from_inputs``, say).
        if names_known_to(q, field, args):
            assert names(select(q, args).unwrap()) == names(q)


@given(pipelines_with_specs)
# Shrunk counterexamples to earlier, too strong versions of this law: a name that another
# criterion filtered out is unknown the second time.
@example(
    (
        built([node(f, None, "d1", name="x", namespace="a"), node(f, None, "d2", name="y", namespace="ns")]),
        FilterSpec(node_names=("a.x",), node_namespaces=("a", "ns")),
    )
)
@example(
    (
        built([node(f, None, "d1", name="x", tags="t1"), node(f, None, "d2", name="y")]),
        FilterSpec(tags=("t1",), node_names=("x", "y")),
    )
)
def test_selection_criteria_make_filter_idempotent(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    selecting = FilterSpec(tags=spec.tags, node_names=spec.node_names, node_namespaces=spec.node_namespaces)
    first = selecting.apply(p)
    if not isinstance(first, Success):
        return
    q = first.unwrap()
    if names_known_to(q, "node_names", spec.node_names) and names_known_to(q, "node_namespaces", spec.node_namespaces):
        assert selecting.apply(q) == first
    else:
        again = selecting.apply(q)
        assert isinstance(again, Failure)
        assert again.failure().reason in (PipelineErrorReason.UNKNOWN_NODES, PipelineErrorReason.UNKNOWN_NAMESPACES)


@given(pipelines_with_specs)
def test_from_nodes_is_closed_under_descendants(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    result = from_nodes(p, *spec.from_nodes)
    if not isinstance(result, Success):
        assert set(spec.from_nodes) - names(p)
        return
    kept = names(result.unwrap())
    assert set(spec.from_nodes) <= kept
    for name in kept:
        assert p.graph.children[name] <= kept
        # Minimal: everything kept is a start node or a child of something kept.
        assert name in spec.from_nodes or p.graph.parents[name] & kept


@given(pipelines_with_specs)
def test_to_nodes_is_closed_under_ancestors(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    result = to_nodes(p, *spec.to_nodes)
    if not isinstance(result, Success):
        assert set(spec.to_nodes) - names(p)
        return
    kept = names(result.unwrap())
    assert set(spec.to_nodes) <= kept
    for name in kept:
        assert p.graph.parents[name] <= kept
        assert name in spec.to_nodes or p.graph.children[name] & kept


@given(pipelines_with_specs)
def test_tag_filter_keeps_the_nodes_with_any_of_the_tags(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    kept = only_nodes_with_tags(p, *spec.tags).unwrap()
    assert names(kept) == {n.name for n in p.nodes if n.tags & set(spec.tags)}


@given(pipelines_with_specs)
def test_unknown_names_fail_with_the_names_sorted(case: tuple[Pipeline, FilterSpec]) -> None:
    p, spec = case
    result = only_nodes(p, *spec.node_names)
    unknown = sorted(set(spec.node_names) - names(p))
    if unknown:
        error = result.failure()
        assert error.reason is PipelineErrorReason.UNKNOWN_NODES
        assert error.names == tuple(unknown)
        assert error.message.startswith(f"Pipeline does not contain nodes named {unknown}.")
    else:
        assert names(result.unwrap()) == set(spec.node_names)


@given(pipelines())
@example(built([]))
def test_an_empty_selection_is_a_failure(p: Pipeline) -> None:
    result = filter_pipeline(p, tags=["no_such_tag"])
    assert isinstance(result, Failure)
    assert result.failure().reason is PipelineErrorReason.EMPTY_AFTER_FILTER
