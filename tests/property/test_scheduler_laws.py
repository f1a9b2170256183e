"""Laws of the scheduler (core.scheduler) under any interleaving of runner events, and of the
``completion_orders`` strategy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from core import Pipeline
from core._run_strategies import _planning_pipelines, completion_orders
from core.scheduler import (
    NodeStatus,
    Progress,
    Scheduler,
    SchedulerMisuseError,
    mark_completed,
    mark_failed,
    mark_submitted,
    next_ready,
    progress,
    ready,
    start,
    status_of,
    take_ready,
    view,
)


@dataclass
class Trace:
    """What a simulated runner saw: events in order and releases with the step they came at."""

    submitted: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    released: list[tuple[int, str]] = field(default_factory=list)
    #: every event as (kind, node), in the order the runner reported it
    events: list[tuple[str, str]] = field(default_factory=list)
    progress_seen: list[Progress] = field(default_factory=list)


def drive(p: Pipeline, data: st.DataObject, *, may_fail: bool) -> tuple[Scheduler, Trace]:
    """Run ``p`` with random choices: submit some ready node(s) or finish an in-flight one."""
    s = start(p)
    trace = Trace()
    in_flight: list[str] = []
    while True:
        state = progress(s)
        trace.progress_seen.append(state)
        if state not in (Progress.RUNNING, Progress.DRAINING):
            return s, trace
        offered = ready(s)
        moves = (["submit-one", "submit-all"] if offered else []) + (["finish"] if in_flight else [])
        move = data.draw(st.sampled_from(moves))
        if move == "submit-one":
            name = data.draw(st.sampled_from(offered))
            s = mark_submitted(s, name)
            trace.submitted.append(name)
            trace.events.append(("submit", name))
            in_flight.append(name)
        elif move == "submit-all":
            s, taken = take_ready(s)
            assert taken == offered
            trace.submitted.extend(taken)
            trace.events.extend(("submit", name) for name in taken)
            in_flight.extend(taken)
        else:
            name = in_flight.pop(data.draw(st.integers(0, len(in_flight) - 1)))
            if may_fail and data.draw(st.integers(0, 9)) == 0:
                s = mark_failed(s, name)
                trace.failed.append(name)
                trace.events.append(("fail", name))
            else:
                s, released = mark_completed(s, name)
                trace.completed.append(name)
                trace.events.append(("complete", name))
                trace.released.extend((len(trace.completed), d) for d in released)


def _releasable(p: Pipeline) -> set[str]:
    return set(p.datasets()) - p.inputs() - p.outputs()


@given(_planning_pipelines(), st.data())
def test_every_node_runs_once_after_all_its_parents(p: Pipeline, data: st.DataObject) -> None:
    s, trace = drive(p, data, may_fail=False)

    assert progress(s) is Progress.SUCCEEDED
    assert sorted(trace.completed) == sorted(n.name for n in p.nodes)
    assert sorted(trace.submitted) == sorted(trace.completed)
    at = {event: i for i, event in enumerate(trace.events)}
    for name, parents in p.graph.parents.items():
        for parent in parents:
            # handed out only once the parent had completed
            assert at["complete", parent] < at["submit", name]
    assert Progress.STUCK not in trace.progress_seen


@given(_planning_pipelines(), st.data())
def test_a_node_is_handed_out_only_when_every_parent_completed(p: Pipeline, data: st.DataObject) -> None:
    s = start(p)
    completed: set[str] = set()
    while progress(s) is Progress.RUNNING:
        for name in ready(s):
            assert p.graph.parents[name] <= completed
        s, taken = take_ready(s)
        if not taken:
            continue
        for name in data.draw(st.permutations(taken)):
            s, _ = mark_completed(s, name)
            completed.add(name)
    assert completed == {n.name for n in p.nodes}


@given(_planning_pipelines(), st.data())
def test_each_releasable_dataset_is_released_once_after_its_last_reader(
    p: Pipeline, data: st.DataObject
) -> None:
    _, trace = drive(p, data, may_fail=False)

    counts = Counter(name for _, name in trace.released)
    assert set(counts) == _releasable(p)
    assert all(c == 1 for c in counts.values())
    done_at = {name: i + 1 for i, name in enumerate(trace.completed)}
    for step, name in trace.released:
        readers = [n.name for n in p.nodes if name in n.inputs]
        writers = [n.name for n in p.nodes if name in n.outputs]
        # Released at the completion of the last reader, or of the writer if nobody reads it.
        assert step == max(done_at[r] for r in readers or writers)


@given(_planning_pipelines(), st.data())
def test_free_inputs_and_outputs_are_never_released(p: Pipeline, data: st.DataObject) -> None:
    _, trace = drive(p, data, may_fail=True)

    released = {name for _, name in trace.released}
    assert not released & (p.inputs() | p.outputs())
    assert not any(name.startswith("params:") for name in released)


@given(_planning_pipelines(min_nodes=1), st.data())
def test_after_a_failure_nothing_new_starts_and_the_run_ends_failed(p: Pipeline, data: st.DataObject) -> None:
    s, trace = drive(p, data, may_fail=True)

    if not trace.failed:
        assert progress(s) is Progress.SUCCEEDED
        return
    assert progress(s) is Progress.FAILED
    failed_at = min(i for i, (kind, _) in enumerate(trace.events) if kind == "fail")
    assert all(kind != "submit" for kind, _ in trace.events[failed_at:])
    assert ready(s) == () and next_ready(s) is None
    summary = view(s)
    assert set(summary.completed) == set(trace.completed)
    assert set(summary.failed) == set(trace.failed)
    assert summary.in_flight == ()
    # What completed is closed under ancestors: a resume plan can rely on it.
    for name in summary.completed:
        assert p.graph.parents[name] <= set(summary.completed)


@given(_planning_pipelines(), st.data())
def test_sequential_loop_follows_pipeline_nodes(p: Pipeline, data: st.DataObject) -> None:
    s = start(p)
    order: list[str] = []
    while (name := next_ready(s)) is not None:
        assert name == ready(s)[0]
        s = mark_submitted(s, name)
        s, _ = mark_completed(s, name)
        order.append(name)

    assert order == [n.name for n in p.nodes]
    assert progress(s) is Progress.SUCCEEDED


@given(_planning_pipelines(), st.data())
def test_any_completion_order_can_drive_the_scheduler(p: Pipeline, data: st.DataObject) -> None:
    order = data.draw(completion_orders(p))
    s = start(p)

    for name in order:
        assert status_of(s, name) is NodeStatus.READY
        s = mark_submitted(s, name)
        s, _ = mark_completed(s, name)

    assert progress(s) is Progress.SUCCEEDED


@given(_planning_pipelines(min_nodes=1))
def test_every_transition_spends_the_handle_it_was_given(p: Pipeline) -> None:
    first = start(p)
    name = ready(first)[0]

    second = mark_submitted(first, name)

    with pytest.raises(SchedulerMisuseError):
        ready(first)
    third, _ = mark_completed(second, name)
    with pytest.raises(SchedulerMisuseError):
        mark_completed(second, name)
    assert status_of(third, name) is NodeStatus.COMPLETED


# -- the public strategy ----------------------------------------------------------------------


@given(_planning_pipelines(), st.data())
def test_completion_orders_hold_each_node_once_after_its_parents(p: Pipeline, data: st.DataObject) -> None:
    order = data.draw(completion_orders(p))

    assert sorted(order) == sorted(n.name for n in p.nodes)
    seen: set[str] = set()
    for name in order:
        assert p.graph.parents[name] <= seen
        seen.add(name)


def test_completion_orders_rejects_a_non_pipeline_when_drawing() -> None:
    @given(completion_orders(42))  # type: ignore[arg-type]
    def draw(order: tuple[str, ...]) -> None:
        raise AssertionError("unreachable")

    with pytest.raises(InvalidArgument):
        draw()
