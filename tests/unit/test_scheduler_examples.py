"""The scheduler state machine (core.scheduler) on small pipelines."""

from __future__ import annotations

from typing import Any

import pytest

from core import Pipeline, node, pipeline
from core.scheduler import (
    NodeStatus,
    Progress,
    Scheduler,
    SchedulerMisuseError,
    is_done,
    is_stuck,
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


def step(*values: Any) -> Any:
    return values


def build(*specs: tuple[str, str | None, str | None]) -> Pipeline:
    return pipeline(
        [node(step, None if i is None else i.split(), None if o is None else o.split(), name=n) for n, i, o in specs]
    ).unwrap()


# a -> (b, c) -> d, declared out of order so that construction order is not Kedro's order
DIAMOND = build(("d", "b_out c_out", "d_out"), ("c", "a_out", "c_out"), ("b", "a_out", "b_out"), ("a", "x", "a_out"))


def run_sequentially(s: Scheduler) -> tuple[Scheduler, list[str], list[tuple[str, ...]]]:
    order: list[str] = []
    releases: list[tuple[str, ...]] = []
    while (name := next_ready(s)) is not None:
        s = mark_submitted(s, name)
        s, released = mark_completed(s, name)
        order.append(name)
        releases.append(released)
    return s, order, releases


def test_a_sequential_loop_runs_nodes_in_kedros_order() -> None:
    s, order, _ = run_sequentially(start(DIAMOND))

    assert order == ["a", "b", "c", "d"] == [n.name for n in DIAMOND.nodes]
    assert progress(s) is Progress.SUCCEEDED
    assert is_done(s)


def test_take_ready_hands_out_each_wave_in_kedros_order() -> None:
    s = start(DIAMOND)

    s, first = take_ready(s)
    s, _ = mark_completed(s, "a")
    s, second = take_ready(s)
    s, nothing = take_ready(s)

    assert first == ("a",)
    assert second == ("b", "c")
    assert nothing == ()
    assert progress(s) is Progress.RUNNING
    assert view(s).in_flight == ("b", "c")


def test_a_node_becomes_ready_only_when_its_last_parent_completes() -> None:
    s, _ = take_ready(start(DIAMOND))
    s, _ = mark_completed(s, "a")
    s, _ = take_ready(s)

    s, _ = mark_completed(s, "c")
    assert ready(s) == ()
    assert status_of(s, "d") is NodeStatus.PENDING
    s, _ = mark_completed(s, "b")

    assert ready(s) == ("d",)
    assert status_of(s, "d") is NodeStatus.READY


def test_next_ready_skips_a_node_in_flight_and_keeps_kedros_order() -> None:
    s, _ = take_ready(start(DIAMOND))
    s, _ = mark_completed(s, "a")

    s = mark_submitted(s, "b")

    assert next_ready(s) == "c"


def test_datasets_are_released_after_their_last_reader() -> None:
    p = build(("first", "params:k x", "m"), ("second", "m", "n"), ("third", "m n", "out"))

    _, order, releases = run_sequentially(start(p))

    assert order == ["first", "second", "third"]
    # params and free inputs/outputs stay; m is read twice, n once.
    assert releases == [(), (), ("m", "n")]


def test_an_output_nobody_reads_is_released_right_away_unless_free() -> None:
    # ``ds@save`` is read by nobody under that raw name (Kedro's test_release_transcoded).
    p = build(("save", "x", "ds@save"), ("load", "ds@load", "y"))

    _, _, releases = run_sequentially(start(p))

    assert releases == [("ds@save",), ("ds@load",)]


def test_retained_names_override_kedros_default() -> None:
    p = build(("a", "x", "m"), ("b", "m", "y"))

    _, _, releases = run_sequentially(start(p, retained=frozenset({"m"})))
    _, _, kept_nothing = run_sequentially(start(p, retained=frozenset()))

    # ``retained`` replaces the default (free inputs and outputs), it does not add to it.
    assert releases == [("x",), ("y",)]
    assert kept_nothing == [("x",), ("m", "y")]


def test_a_failure_stops_handing_out_nodes_and_drains_the_rest() -> None:
    s, _ = take_ready(start(DIAMOND))
    s, _ = mark_completed(s, "a")
    s, _ = take_ready(s)

    s = mark_failed(s, "b")

    assert progress(s) is Progress.DRAINING
    assert not is_done(s)
    assert ready(s) == ()
    assert next_ready(s) is None
    s, taken = take_ready(s)
    assert taken == ()
    s, _ = mark_completed(s, "c")
    assert progress(s) is Progress.FAILED
    assert is_done(s)
    assert not is_stuck(s)
    assert view(s).completed == ("a", "c")
    assert view(s).failed == ("b",)
    assert view(s).pending == ("d",)


def test_submitting_after_a_failure_is_refused() -> None:
    p = build(("a", "x", "y"), ("b", "x", "z"))
    s = mark_submitted(start(p), "a")
    s = mark_failed(s, "a")

    with pytest.raises(SchedulerMisuseError, match="already has a failed node"):
        mark_submitted(s, "b")
    assert status_of(s, "b") is NodeStatus.READY


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (lambda s: mark_completed(s, "b"), "Cannot mark node 'b' completed: it is pending"),
        (lambda s: mark_failed(s, "a"), "Cannot mark node 'a' failed: it is ready"),
        (lambda s: mark_submitted(s, "b"), "Cannot mark node 'b' submitted: it is pending"),
        (lambda s: mark_submitted(s, "zz"), "has no node named 'zz'"),
    ],
)
def test_a_refused_event_raises_and_leaves_the_scheduler_usable(event: Any, message: str) -> None:
    s = start(DIAMOND)

    with pytest.raises(SchedulerMisuseError, match=message):
        event(s)

    assert ready(s) == ("a",)
    assert mark_submitted(s, "a") is not s


def test_a_consumed_scheduler_refuses_every_use() -> None:
    s = start(DIAMOND)
    moved = mark_submitted(s, "a")

    with pytest.raises(SchedulerMisuseError, match="consumed by an earlier transition"):
        mark_completed(s, "a")
    with pytest.raises(SchedulerMisuseError):
        ready(s)
    with pytest.raises(SchedulerMisuseError):
        progress(s)
    assert repr(s) == "Scheduler(<spent>)"
    assert status_of(moved, "a") is NodeStatus.SUBMITTED


def test_an_empty_pipeline_has_nothing_to_do() -> None:
    s = start(build())

    assert progress(s) is Progress.SUCCEEDED
    assert ready(s) == ()
    assert next_ready(s) is None


def test_completing_twice_is_refused() -> None:
    p = build(("a", "x", "y"),)
    s = mark_submitted(start(p), "a")
    s, released = mark_completed(s, "a")

    with pytest.raises(SchedulerMisuseError, match="it is completed"):
        mark_completed(s, "a")
    assert released == ()
    assert view(s).completed == ("a",)
