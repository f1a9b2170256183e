"""kedro-pure against Kedro 1.7.0 on random pipelines: construction, order, names, filters,
cycles and namespace remapping must agree (values, or failure kind and message).

Known, deliberate differences are normalised here and pinned in ``test_pipeline_parity``:
messages that list several unknown node names (or several transcoding names) print them
sorted where Kedro prints set order, and overlapping namespaces select nodes once where Kedro
raises its duplicate-name error.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import kedro.pipeline as kp
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from returns.result import Result, Success

from core.errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    OutputNotUniqueError,
    PipelineError,
    PipelineErrorReason,
)
from core.filters import FilterSpec
from core.node import Node, node
from core.pipeline import Pipeline, pipeline
from core.strategies import SyntheticFunction, cyclic_pipelines, filter_specs, node_lists, pipelines
from core.transcoding import strip_transcoding

pytestmark = [
    pytest.mark.differential,
    # Kedro warns (once per process) about dotted dataset names and interrupted namespaces.
    pytest.mark.filterwarnings("ignore::UserWarning"),
]

#: 200 examples under the ci profile (100 by default there), 60 under dev.
EXAMPLES = 2 * settings().max_examples

#: Kedro is untyped here (``ignore_missing_imports``); its values are plain ``Any``.
Kedro = Any


# -- building both ----------------------------------------------------------------------


def to_kedro(n: Node) -> Kedro:
    return kp.node(
        n.func,
        n.declared_inputs,
        n.declared_outputs,
        name=n.explicit_name,
        tags=sorted(n.tags) or None,
        namespace=n.namespace,
    )


@dataclass(frozen=True)
class Outcome:
    """What building or filtering gave: a pipeline, or an error's kind and message."""

    value: Pipeline | None
    kedro: Kedro
    kind: str
    message: str


def kedro_outcome(build: Callable[[], Kedro]) -> Outcome:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = build()
    except Exception as exc:  # every Kedro failure is compared by class name and message
        return Outcome(None, None, type(exc).__name__, str(exc))
    return Outcome(None, built, "ok", "")


#: The Kedro exception class each of our failures corresponds to.
def kedro_kind(error: PipelineError) -> str:
    if isinstance(error, CircularDependencyError):
        return "CircularDependencyError"
    if isinstance(error, OutputNotUniqueError):
        return "OutputNotUniqueError"
    if isinstance(error, ConfirmNotUniqueError):
        return "ConfirmNotUniqueError"
    if error.reason is PipelineErrorReason.MAPPING_INVALID_NODE:
        return "ValueError"  # Kedro's node error, raised while remapping
    if error.reason.name.startswith("MAPPING_"):
        return "PipelineError"
    return "ValueError"


def our_outcome(build: Callable[[], Result[Pipeline, PipelineError]]) -> Outcome:
    try:
        result = build()
    except (ValueError, TypeError) as exc:  # authoring errors raise, as in Kedro
        return Outcome(None, None, type(exc).__name__, str(exc))
    if isinstance(result, Success):
        return Outcome(result.unwrap(), None, "ok", "")
    error = result.failure()
    return Outcome(None, None, kedro_kind(error), error.message)


_LISTED = re.compile(r"(\[[^\]]*\])")


def normalised(message: str) -> str:
    """Sort the Python lists and comma lists printed in set order by Kedro."""
    if message.startswith("Circular dependencies exist among the following"):
        # The cycle found (and its size) depends on graphlib's walk and set order.
        return "Circular dependencies exist among the following"
    if message.startswith("Pipeline does not contain nodes named"):
        return _LISTED.sub(lambda m: repr(sorted(ast.literal_eval(m.group(1)))), message)
    if message.startswith("The following datasets are used with transcoding"):
        head, _, tail = message.partition(": ")
        listed, _, rest = tail.partition(".\n")
        return f"{head}: {', '.join(sorted(listed.split(', ')))}.\n{rest}"
    return message


def assert_same_outcome(ours: Outcome, theirs: Outcome) -> None:
    event(f"{ours.kind}: {ours.message[:40]}" if ours.kind != "ok" else "ok")
    assert ours.kind == theirs.kind, (ours, theirs)
    assert normalised(ours.message) == normalised(theirs.message)


def names_of(nodes: Iterable[Any]) -> list[str]:
    return [str(n.name) for n in nodes]


def assert_same_pipeline(ours: Pipeline, theirs: Kedro) -> None:
    k = theirs
    assert names_of(ours.nodes) == names_of(k.nodes)
    assert [names_of(g) for g in ours.grouped_nodes] == [names_of(g) for g in k.grouped_nodes]
    assert set(ours.inputs()) == k.inputs()
    assert set(ours.outputs()) == k.outputs()
    assert set(ours.all_inputs()) == k.all_inputs()
    assert set(ours.all_outputs()) == k.all_outputs()
    assert ours.describe() == k.describe()
    assert ours.describe(names_only=False) == k.describe(names_only=False)
    theirs_by_name = {n.name: n for n in k.nodes}
    for n in ours.nodes:
        other = theirs_by_name[n.name]
        assert (str(n), repr(n)) == (str(other), repr(other))
        assert list(n.inputs) == other.inputs
        assert list(n.outputs) == other.outputs
        assert set(n.tags) == other.tags
        assert n.namespace == other.namespace
        assert list(n.namespace_prefixes) == list(other.namespace_prefixes)
    dependencies = {
        child.name: sorted(p.name for p in parents)
        for child, parents in k.node_dependencies.items()
    }
    assert {n.name: sorted(x.name for x in ps) for n, ps in ours.node_dependencies.items()} == dependencies


# -- construction -----------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(node_lists())
def test_construction_order_names_and_free_datasets_match_kedro(drawn: tuple[Node, ...]) -> None:
    ours = our_outcome(lambda: pipeline(list(drawn)))
    theirs = kedro_outcome(lambda: kp.Pipeline([to_kedro(n) for n in drawn]))
    assert_same_outcome(ours, theirs)
    assert ours.value is not None
    assert_same_pipeline(ours.value, theirs.kedro)


@settings(max_examples=EXAMPLES // 2)
@given(node_lists(max_size=8), node_lists(max_size=8))
def test_union_and_duplicate_names_match_kedro(left: tuple[Node, ...], right: tuple[Node, ...]) -> None:
    # Two independent lists reuse names (n0, combine__...) and datasets: unions often clash.
    ours = our_outcome(lambda: pipeline([*left, *right]))
    theirs = kedro_outcome(lambda: kp.Pipeline([to_kedro(n) for n in (*left, *right)]))
    assert_same_outcome(ours, theirs)
    if ours.value is not None:
        assert_same_pipeline(ours.value, theirs.kedro)
    # The same, given as two pipelines (the duplicate message names the pipeline).
    mine = pipeline(list(left)).unwrap(), pipeline(list(right)).unwrap()
    kedros = kp.Pipeline([to_kedro(n) for n in left]), kp.Pipeline([to_kedro(n) for n in right])
    ours = our_outcome(lambda: pipeline([mine[0], mine[1]]))
    theirs = kedro_outcome(lambda: kp.Pipeline([kedros[0], kedros[1]]))
    assert_same_outcome(ours, theirs)


@settings(max_examples=EXAMPLES // 2)
@given(cyclic_pipelines())
def test_cycles_fail_like_kedro(drawn: tuple[Node, ...]) -> None:
    ours = our_outcome(lambda: pipeline(list(drawn)))
    theirs = kedro_outcome(lambda: kp.Pipeline([to_kedro(n) for n in drawn]))
    assert ours.kind == theirs.kind == "CircularDependencyError"
    assert normalised(ours.message) == normalised(theirs.message)


# -- filters ----------------------------------------------------------------------------


def overlapping(namespaces: Sequence[str]) -> bool:
    return any(a != b and b.startswith(f"{a}.") for a in namespaces for b in namespaces)


def without_nested(namespaces: Sequence[str]) -> tuple[str, ...]:
    return tuple(b for b in namespaces if not any(b.startswith(f"{a}.") for a in namespaces))


def kedro_filter(k: Kedro, spec: FilterSpec) -> Outcome:
    def run(namespaces: Sequence[str]) -> Outcome:
        return kedro_outcome(
            lambda: k.filter(
                tags=spec.tags or None,
                from_nodes=spec.from_nodes or None,
                to_nodes=spec.to_nodes or None,
                node_names=spec.node_names or None,
                from_inputs=spec.from_inputs or None,
                to_outputs=spec.to_outputs or None,
                node_namespaces=namespaces or None,
            )
        )

    outcome = run(spec.node_namespaces)
    if outcome.message.startswith("Pipeline nodes must have unique names") and overlapping(spec.node_namespaces):
        # Deliberate divergence: overlapping namespaces select each node once here.
        return run(without_nested(spec.node_namespaces))
    return outcome


def check_filter(p: Pipeline, k: Kedro, spec: FilterSpec) -> None:
    ours = our_outcome(lambda: spec.apply(p))
    theirs = kedro_filter(k, spec)
    assert_same_outcome(ours, theirs)
    if ours.value is not None:
        assert set(names_of(ours.value.nodes)) == set(names_of(theirs.kedro.nodes))
        assert names_of(ours.value.nodes) == names_of(theirs.kedro.nodes)


@settings(max_examples=EXAMPLES)
@given(pipelines(), st.data())
def test_filters_match_kedro(p: Pipeline, data: st.DataObject) -> None:
    # Nodes keep their explicit name and (possibly wrapped) namespace, so Kedro rebuilds them.
    k = kp.Pipeline([to_kedro(n) for n in p.construction_order])
    assert_same_pipeline(p, k)
    for spec in data.draw(st.lists(filter_specs(p), min_size=1, max_size=3)):
        check_filter(p, k, spec)
    # Each criterion alone, taken from one more spec.
    spec = data.draw(filter_specs(p))
    for field in FilterSpec.__dataclass_fields__:
        value = getattr(spec, field)
        if value:
            check_filter(p, k, FilterSpec(**{field: value}))


# -- namespace remapping ----------------------------------------------------------------


@dataclass(frozen=True)
class Remap:
    inputs: str | set[str] | dict[str, str] | None
    outputs: str | set[str] | dict[str, str] | None
    parameters: str | set[str] | dict[str, str] | None
    namespace: str | None
    prefix: bool
    tags: list[str] | None

    def kwargs(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "outputs": self.outputs,
            "parameters": self.parameters,
            "namespace": self.namespace,
            "prefix_datasets_with_namespace": self.prefix,
            "tags": self.tags,
        }


def mapping_of(
    draw: st.DrawFn, keys: Sequence[str], renames: Sequence[str], *, extra: Sequence[str] = ()
) -> str | set[str] | dict[str, str] | None:
    pool = [*keys, *extra]
    if not pool or draw(st.integers(0, 2)) == 0:
        return None
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    shape = draw(st.sampled_from(["str", "set", "dict", "dict"]))
    if shape == "str":
        return chosen[0]
    if shape == "set":
        return set(chosen)
    return {key: draw(st.sampled_from([key, f"new_{strip_transcoding(key)}", *renames])) for key in chosen}


@st.composite
def remaps(draw: st.DrawFn, p: Pipeline) -> Remap:
    free = sorted(d for d in p.inputs() if not d.startswith("params:") and d != "parameters")
    params = sorted(d for d in p.inputs() if d.startswith("params:"))
    produced = sorted(p.all_outputs())
    free_keys = sorted({*free, *(strip_transcoding(d) for d in free)})
    # Invalid keys now and then: a typo (close match), a parameter, an intermediate dataset.
    typos = [f"{free[0]}x"] if free else ["raw"]
    bad_inputs = [*typos, *params[:1], *produced[:1]]
    bad_outputs = [*free[:1], "missing"]
    params_short = [d[len("params:") :] for d in params]
    return Remap(
        inputs=mapping_of(draw, free_keys, [*produced[:1], "shared"], extra=draw(st.sampled_from([(), bad_inputs]))),
        outputs=mapping_of(draw, produced, ["shared", *free[:1]], extra=draw(st.sampled_from([(), bad_outputs]))),
        parameters=mapping_of(
            draw,
            [*params, *params_short, *(["parameters"] if "parameters" in p.inputs() else [])],
            ["params:renamed", "other"],
            extra=draw(st.sampled_from([(), ("nope",)])),
        ),
        namespace=draw(st.sampled_from([None, "ns", "a.b", "n0"])),
        prefix=draw(st.booleans()),
        tags=draw(st.sampled_from([None, ["T"], ["T", "t1"]])),
    )


@settings(max_examples=EXAMPLES)
@given(node_lists(max_size=10).flatmap(lambda d: st.tuples(st.just(d), remaps(pipeline(list(d)).unwrap()))))
@example(
    (
        (
            node(SyntheticFunction("n1", "mid"), "raw", "mid", name="n1"),
            node(SyntheticFunction("n2", "out@pandas"), ["mid", "params:alpha"], "out@pandas", name="n2"),
            node(SyntheticFunction("n3", "allp"), "parameters", "allp", name="n3"),
        ),
        Remap(
            inputs={"raw": "raw_in"},
            outputs={"out": "final"},
            parameters={"alpha": "beta"},
            namespace="ns",
            prefix=True,
            tags=["T"],
        ),
    )
)
def test_namespace_remapping_matches_kedro(case: tuple[tuple[Node, ...], Remap]) -> None:
    drawn, remap = case
    inner = pipeline(list(drawn)).unwrap()
    ours = our_outcome(
        lambda: pipeline(
            [inner],
            inputs=remap.inputs,
            outputs=remap.outputs,
            parameters=remap.parameters,
            namespace=remap.namespace,
            prefix_datasets_with_namespace=remap.prefix,
            tags=remap.tags,
        )
    )
    k_inner = kp.Pipeline([to_kedro(n) for n in drawn])
    theirs = kedro_outcome(lambda: kp.pipeline([k_inner], **remap.kwargs()))
    assert_same_outcome(ours, theirs)
    if ours.value is not None:
        assert_same_pipeline(ours.value, theirs.kedro)
