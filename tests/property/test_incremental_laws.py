"""Laws of incremental runs, resume and keep-going, on random pipelines with real storage.

* Idempotence: after a successful ``--only-changed`` run, the next plan runs nothing.
* Locality: changing one node's code (or one parameter, or one input file) makes exactly that
  node (the nodes reading it) and their descendants run for a reason of their own; any other
  node that runs does so only to recompute in-memory data a running node reads.
* Soundness: after any sequence of edits, each followed by an ``--only-changed`` run, the
  persisted datasets equal those of a full run from scratch.
* Resume: a run SIGKILLed at a random node (a real child process, killed before the node or
  after its save and before its journal entry), then resumed, leaves the same datasets as an
  uninterrupted run, and reruns no node it had completed except to recompute in-memory data.
* Keep-going: the nodes that run are all nodes minus the failed one and its descendants.

See :mod:`tests.property.incremental_world` for the world these run in.
"""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import Pipeline, pipeline
from core.incremental import ChangePlan, PlanMode, ReasonKind
from core.incremental.journal import NodeEvent
from core.strategies import pipelines
from shell.runners import SequentialRunner, ThreadRunner
from tests.property.incremental_world import (
    KillPlan,
    World,
    plan,
    quiet_shell_records,
    run,
    scratch_files,
)

_REPO = Path(__file__).resolve().parents[2]

_LAWS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])



@pytest.fixture(autouse=True, scope="module")
def quiet_runs() -> Iterator[None]:
    with quiet_shell_records():
        yield


@contextmanager
def workspace() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="kp-laws-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@st.composite
def worlds_spec(draw: st.DrawFn, min_size: int = 1) -> tuple[Pipeline, frozenset[str]]:
    """A pipeline and which of its intermediate datasets are files (the rest are memory)."""
    p = draw(pipelines(min_size=min_size, max_size=8, transcoding=False))
    intermediates = sorted(p.all_outputs())
    persisted = frozenset(name for name in intermediates if draw(st.booleans()))
    return p, persisted


def own_runners(changes: ChangePlan) -> frozenset[str]:
    """Nodes that run for a reason of their own (not only to recompute in-memory data)."""
    return frozenset(
        d.node for d in changes.decisions if any(r.kind is not ReasonKind.NEEDED_IN_MEMORY for r in d.reasons)
    )


@_LAWS
@given(worlds_spec())
def test_idempotence_after_any_run(spec: tuple[Pipeline, frozenset[str]]) -> None:
    p, persisted = spec
    with workspace() as root:
        world = World.make(p, root, persisted)
        assert run(world, "r1", only_changed=True).ok
        assert plan(world).to_run == ()
        assert run(world, "r2", only_changed=True).ran == ()


@_LAWS
@given(worlds_spec(), st.data())
def test_locality_of_a_code_change(spec: tuple[Pipeline, frozenset[str]], data: st.DataObject) -> None:
    p, persisted = spec
    edited = data.draw(st.sampled_from(sorted(n.name for n in p.nodes)))
    with workspace() as root:
        world = World.make(p, root, persisted)
        assert run(world, "r1").ok
        world.edit_code(edited)
        assert own_runners(plan(world)) == world.downstream(frozenset({edited}))


@_LAWS
@given(worlds_spec(), st.data())
def test_locality_of_a_parameter_change(spec: tuple[Pipeline, frozenset[str]], data: st.DataObject) -> None:
    p, persisted = spec
    with workspace() as root:
        world = World.make(p, root, persisted)
        keys = world.parameter_keys()
        if not keys:
            return
        key = data.draw(st.sampled_from(keys))
        assert run(world, "r1").ok
        world.edit_parameter(key)
        assert own_runners(plan(world)) == world.downstream(world.readers_of_parameter(key))


@_LAWS
@given(worlds_spec(), st.data())
def test_locality_of_an_input_file_change(spec: tuple[Pipeline, frozenset[str]], data: st.DataObject) -> None:
    p, persisted = spec
    with workspace() as root:
        world = World.make(p, root, persisted)
        free = sorted(set(world.persisted) & set(p.inputs()))
        if not free:
            return
        edited = data.draw(st.sampled_from(free))
        assert run(world, "r1").ok
        world.edit_input(edited)
        assert own_runners(plan(world)) == world.downstream(world.readers_of(edited))


_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("code"), st.integers(0, 7)),
        st.tuples(st.just("param"), st.integers(0, 7)),
        st.tuples(st.just("input"), st.integers(0, 7)),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds_spec(), _EDITS)
def test_soundness_only_changed_equals_a_full_run_from_scratch(
    spec: tuple[Pipeline, frozenset[str]], edits: list[tuple[str, object]]
) -> None:
    p, persisted = spec
    names = sorted(n.name for n in p.nodes)
    with workspace() as root:
        world = World.make(p, root / "world", persisted)
        free = sorted(set(world.persisted) & set(p.inputs()))
        assert run(world, "r0", only_changed=True).ok
        for step, (kind, which) in enumerate(edits, start=1):
            if kind == "code":
                world.edit_code(names[int(str(which)) % len(names)])
            elif kind == "param" and world.parameter_keys():
                keys = world.parameter_keys()
                world.edit_parameter(keys[int(str(which)) % len(keys)])
            elif kind == "input" and free:
                world.edit_input(free[int(str(which)) % len(free)])
            assert run(world, f"r{step}", only_changed=True).ok
            assert world.files() == scratch_files(world, root / f"scratch{step}")
        assert plan(world).to_run == ()


class Boom(Exception):
    """The failure a node of the keep-going law raises."""


def _explode(*args: object, **kwargs: object) -> object:
    raise Boom("planned failure")


@_LAWS
@given(worlds_spec(), st.data(), st.sampled_from([SequentialRunner, ThreadRunner]))
def test_keep_going_runs_all_but_the_descendants_of_the_failure(
    spec: tuple[Pipeline, frozenset[str]], data: st.DataObject, runner: type[SequentialRunner] | type[ThreadRunner]
) -> None:
    p, persisted = spec
    failing = data.draw(st.sampled_from(sorted(n.name for n in p.nodes)))
    broken = pipeline(
        [dataclasses.replace(n, func=_explode) if n.name == failing else n for n in p.construction_order]
    ).unwrap()
    with workspace() as root:
        world = World.make(p, root, persisted)
        result = run(world, "r1", keep_going=True, pipeline=broken, runner=runner)
        assert not result.ok
        assert result.failed == (failing,) and result.error_failures == (failing,)
        everything = frozenset(n.name for n in p.nodes)
        assert frozenset(result.ran) == everything - world.downstream(frozenset({failing}))
        assert result.error_completed == frozenset(result.ran)  # the error says what completed


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds_spec(min_size=2), st.data(), st.sampled_from(["started", "completed"]))
def test_resume_after_sigkill_matches_an_uninterrupted_run(
    spec: tuple[Pipeline, frozenset[str]], data: st.DataObject, when: str
) -> None:
    p, persisted = spec
    victim = data.draw(st.sampled_from([n.name for n in p.nodes]))
    with workspace() as root:
        world = World.make(p, root / "world", persisted)
        kill = KillPlan(tuple(p.construction_order), str(world.root), world.persisted, world.parameters, "r1", victim, when)
        plan_file = root / "kill.pickle"
        plan_file.write_bytes(pickle.dumps(kill))
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from tests.property.incremental_world import child_main; child_main(sys.argv[1])", str(plan_file)],
            cwd=_REPO, capture_output=True, text=True, timeout=120, check=False,
        )
        assert child.returncode == -9, child.stderr  # killed by SIGKILL, as planned
        journal = world.store().journal()
        entries = journal.run_entries("r1").unwrap()
        completed = frozenset(e.node for e in entries if e.event is NodeEvent.COMPLETED)
        assert victim not in completed
        resumed_plan = plan(world, mode=PlanMode.RESUME, run_id="r1")
        resumed = run(world, "r2", resume="r1")
        assert resumed.ok
        assert resumed.plan == resumed_plan  # the plan and the resume agree
        reran = frozenset(resumed.ran) & completed
        by_node = {d.node: d for d in resumed_plan.decisions}
        assert all({r.kind for r in by_node[name].reasons} == {ReasonKind.NEEDED_IN_MEMORY} for name in reran)
        assert world.files() == scratch_files(world, root / "scratch")
