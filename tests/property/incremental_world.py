"""A small world for the incremental-run laws (no tests here).

A :class:`World` is a random pipeline (from :func:`core.strategies.pipelines`) with real
storage in a directory: every free input and a random subset of the intermediate datasets
are pickle files, the rest live in memory for one run; parameters are fed as a project's
would be; the run journal is a real SQLite store. :func:`run` drives exactly what the
session drives for ``run``, ``run --only-changed`` and ``run --resume``
(:func:`shell.incremental.planning.prepare_run`, a real runner, the journal recorder).

Edits mutate the world in place: :meth:`World.edit_code` changes a node's function (its
``SyntheticFunction`` label, which changes both its digest and what it computes),
:meth:`World.edit_parameter` a parameter, :meth:`World.edit_input` a free input file.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from returns.pipeline import is_successful

from core import Node, Pipeline
from core.incremental import ChangePlan, PlanMode
from core.incremental.keep_going import descendants
from core.strategies import SyntheticFunction
from shell.incremental.code import CodeScope
from shell.incremental.planning import IncrementalOptions, plan_changes, prepare_run
from shell.io import DataCatalog
from shell.io.pickle_dataset import PickleDataset
from shell.runners import SequentialRunner, ThreadRunner
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.store.sqlite import SQLiteStore

__all__ = ["RunResult", "World", "quiet_shell_records", "run", "scratch_files"]



@contextmanager
def quiet_shell_records() -> Iterator[None]:
    """The worlds' runs log under ``shell``: only errors while the block runs (the level is
    put back, so later ``caplog`` tests still see those records)."""
    shell = logging.getLogger("shell")
    saved = shell.level
    shell.setLevel(logging.ERROR)
    try:
        yield
    finally:
        shell.setLevel(saved)


@dataclass
class World:
    """A pipeline with its storage, parameters and journal, all under ``root``."""

    pipeline: Pipeline
    root: Path
    persisted: frozenset[str]
    parameters: dict[str, object] = field(default_factory=dict)
    generation: int = 0

    @classmethod
    def make(cls, pipeline: Pipeline, root: Path, persisted: frozenset[str]) -> World:
        """A world whose free inputs exist (they are always persisted) and whose parameters
        give every ``params:`` input a value."""
        world = cls(pipeline, root, persisted | _free_inputs(pipeline))
        for key in world.parameter_keys():
            world.set_parameter(key, 1)
        (root / "data").mkdir(parents=True, exist_ok=True)
        for name in _free_inputs(pipeline):
            world.write_input(name, f"free:{name}")
        return world

    def path(self, name: str) -> Path:
        return self.root / "data" / f"{name}.pkl"

    def write_input(self, name: str, value: object) -> None:
        self.path(name).write_bytes(pickle.dumps(value))

    def catalog(self) -> DataCatalog:
        """A fresh catalog, as every run builds one."""
        catalog = DataCatalog({name: PickleDataset(filepath=str(self.path(name))) for name in sorted(self.persisted)})
        catalog.add_parameters(self.parameters)
        return catalog

    def store(self) -> SQLiteStore:
        return SQLiteStore(str(self.root / "sessions"), "laws")

    def files(self) -> dict[str, bytes]:
        """Every persisted dataset that exists, by name."""
        return {name: self.path(name).read_bytes() for name in sorted(self.persisted) if self.path(name).exists()}

    # -- edits -------------------------------------------------------------------------------

    def edit_code(self, node_name: str) -> None:
        func = self.pipeline.graph.by_name[node_name].func
        assert isinstance(func, SyntheticFunction)
        self.generation += 1
        func.label = f"{func.label}'{self.generation}"

    def parameter_keys(self) -> list[str]:
        """The dotted keys the pipeline reads (``params:a.b`` -> ``a.b``), sorted."""
        return sorted({i.removeprefix("params:") for n in self.pipeline.nodes for i in n.inputs if i.startswith("params:")})

    def set_parameter(self, key: str, value: object) -> None:
        *parents, leaf = key.split(".")
        level = self.parameters
        for part in parents:
            child = level.setdefault(part, {})
            assert isinstance(child, dict)
            level = child
        level[leaf] = value

    def edit_parameter(self, key: str) -> None:
        self.generation += 1
        self.set_parameter(key, 100 + self.generation)

    def edit_input(self, name: str) -> None:
        self.generation += 1
        self.write_input(name, f"free:{name}:{self.generation}")

    def readers_of_parameter(self, key: str) -> frozenset[str]:
        """Nodes reading ``key``: ``params:`` of it or of a prefix of it, or ``parameters``."""
        parts = key.split(".")
        names = {"parameters"} | {"params:" + ".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        return frozenset(n.name for n in self.pipeline.nodes if names & set(n.inputs))

    def readers_of(self, dataset: str) -> frozenset[str]:
        return frozenset(n.name for n in self.pipeline.nodes if dataset in n.inputs)

    def downstream(self, names: frozenset[str]) -> frozenset[str]:
        return names | descendants(self.pipeline, names)


def _free_inputs(pipeline: Pipeline) -> frozenset[str]:
    return frozenset(name for name in pipeline.inputs() if not (name == "parameters" or name.startswith("params:")))


@dataclass(frozen=True)
class RunResult:
    """What one run did."""

    ok: bool
    ran: tuple[str, ...]
    plan: ChangePlan | None
    failed: tuple[str, ...] = ()
    #: on failure: the error's completed nodes and failed nodes
    error_completed: frozenset[str] = frozenset()
    error_failures: tuple[str, ...] = ()


def plan(world: World, *, mode: PlanMode = PlanMode.ONLY_CHANGED, run_id: str = "") -> ChangePlan:
    store = world.store()
    journal = store.journal()
    planned = plan_changes(world.pipeline, world.catalog(), journal, mode=mode, run_id=run_id)
    journal.close()
    assert is_successful(planned), planned
    return planned.unwrap()[0]


def run(
    world: World,
    run_id: str,
    *,
    only_changed: bool = False,
    resume: str | None = None,
    keep_going: bool = False,
    pipeline: Pipeline | None = None,
    code_scope: CodeScope = "function",
    runner: type[SequentialRunner] | type[ThreadRunner] = SequentialRunner,
) -> RunResult:
    """One run of the world (``pipeline`` replaces the world's, e.g. with a failing node)."""
    chosen = pipeline or world.pipeline
    journal = world.store().journal()
    catalog = world.catalog()
    options = IncrementalOptions(only_changed=only_changed, resume_run=resume, keep_going=keep_going, code_scope=code_scope)
    prepared = prepare_run(chosen, catalog, journal, run_id=run_id, options=options, clock=lambda: "t")
    assert is_successful(prepared), prepared
    ready = prepared.unwrap()
    ran: list[str] = []
    failed: list[str] = []

    def watch(event: ProgressEvent) -> None:
        if event.kind is ProgressKind.COMPLETED:
            ran.append(event.node)
        elif event.kind is ProgressKind.FAILED:
            failed.append(event.node)

    outcome = runner(progress=watch).run(
        ready.pipeline, catalog, run_id=run_id, observer=ready.recorder, keep_going=keep_going
    )
    ready.recorder.finish()
    if is_successful(outcome):
        return RunResult(True, tuple(ran), ready.plan, tuple(failed))
    error = outcome.failure()
    return RunResult(
        False, tuple(ran), ready.plan, tuple(failed),
        error_completed=frozenset(error.completed), error_failures=tuple(f.node for f in error.failures),
    )


def scratch_files(world: World, root: Path) -> dict[str, bytes]:
    """The persisted datasets a full run from scratch produces, with the world's current
    code, parameters and inputs, in a fresh directory."""
    fresh = World(world.pipeline, root, world.persisted, dict(world.parameters), world.generation)
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name in _free_inputs(world.pipeline):
        fresh.path(name).write_bytes(world.path(name).read_bytes())
    result = run(fresh, "scratch")
    assert result.ok
    return fresh.files()


def node_subset(mapping: Mapping[str, object], names: frozenset[str]) -> dict[str, object]:
    return {k: v for k, v in mapping.items() if k in names}


# -- a run in a child process that SIGKILLs itself at a chosen point ------------------------


@dataclass(frozen=True)
class KillPlan:
    """What the child process runs, and where it kills itself.

    ``when`` is ``"started"`` (the node was handed out, nothing journaled yet) or
    ``"completed"`` (its outputs were saved, its journal entry not yet written).
    """

    nodes: tuple[Node, ...]
    root: str
    persisted: frozenset[str]
    parameters: dict[str, object]
    run_id: str
    node: str
    when: str


def child_main(plan_file: str) -> None:
    """Run the world described in ``plan_file`` and SIGKILL this process at the chosen point."""
    import os
    import signal

    from core import pipeline as build

    kill: KillPlan = pickle.loads(Path(plan_file).read_bytes())
    world = World(build(list(kill.nodes)).unwrap(), Path(kill.root), kill.persisted, kill.parameters)
    journal = world.store().journal()
    catalog = world.catalog()
    prepared = prepare_run(world.pipeline, catalog, journal, run_id=kill.run_id, options=IncrementalOptions(), clock=lambda: "t")
    ready = prepared.unwrap()

    def die(event: ProgressEvent) -> None:
        if event.node == kill.node and event.kind.value == kill.when:
            os.kill(os.getpid(), signal.SIGKILL)

    # The runner's own callback runs before the journal's: the kill lands before the event
    # is journaled, the worst moment for a "completed" (outputs saved, not recorded).
    SequentialRunner(progress=die).run(ready.pipeline, catalog, run_id=kill.run_id, observer=ready.recorder)
    raise SystemExit("the run finished without reaching the kill point")
