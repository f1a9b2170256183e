"""Node and dataset hooks fire as in Kedro 1.7.0: same hooks, order, node and dataset names,
and argument names and values, for a recorded scenario.

One recording hook class, decorated with Kedro's own ``hook_impl``, is registered in a Kedro
hook manager and (another instance) in ours; both libraries run the same pipeline and the
recordings are compared. Every hook implementation asks for *every* argument of its
specification, so a missing argument name fails the call.

Our concurrent runners interleave nodes differently, so for them each node's own sequence of
hooks is compared. Our ``ParallelRunner`` fires every hook in the caller's process (Kedro's
fires them in the workers, on copies of the hooks, where the caller never sees them): pinned
below as a deliberate divergence.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from kedro.framework.hooks import hook_impl
from kedro.framework.hooks.manager import _create_hook_manager as kedro_hook_manager
from kedro.io import DataCatalog as KedroCatalog
from kedro.io import MemoryDataset as KedroMemoryDataset
from kedro.io import SharedMemoryDataCatalog as KedroSharedCatalog
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import ParallelRunner as KedroParallelRunner
from kedro.runner import SequentialRunner as KedroSequentialRunner
from returns.pipeline import is_successful

from core import Pipeline, node, pipeline
from shell.hooks import _create_hook_manager
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner

pytestmark = pytest.mark.differential

RUN_ID = "2026-01-01T00.00.00.000Z"

#: One hook call: (hook, node name, dataset name or "", (argument name, recorded value)...).
Call = tuple[str, str, str, tuple[tuple[str, object], ...]]


@contextmanager
def quiet() -> Iterator[None]:
    names = ("kedro", "shell")
    saved = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


# -- node functions (module level: they must pickle for the process runners) -------------


def scale(raw: list[int], factor: int) -> list[int]:
    return [value * factor for value in raw]


def split(values: list[int]) -> list[list[int]]:
    return [[v for v in values if v < 10], [v for v in values if v >= 10]]


def summarise(a: list[int], b: list[int]) -> dict[str, int]:
    return {"total": sum(a) + sum(b), "count": len(a) + len(b)}


def constant() -> str:
    return "c"


def report(total: int, count: int, factor: int, tag: str) -> str:
    return f"{tag}:{total}/{count}x{factor}"


def sink(text: str) -> None:
    del text


def explode(*values: object) -> object:
    raise RuntimeError("the report could not be written")


def one_of_two(values: list[int]) -> list[list[int]]:
    return [values]


NodeSpec = tuple[Callable[..., Any], Any, Any, str]

SCENARIO: tuple[NodeSpec, ...] = (
    (scale, ["raw", "params:factor"], "scaled", "scale"),
    (split, "scaled", ["low", "high"], "split"),
    (summarise, {"b": "high", "a": "low"}, {"total": "total", "count": "count"}, "summarise"),
    (constant, None, "tag", "constant"),
    (report, ["total", "count", "params:factor", "tag"], "report", "report"),
    (sink, "report", None, "sink"),
)

FREE_INPUTS = {"raw": [1, 5, 12, 20], "params:factor": 2}


def replaced(specs: tuple[NodeSpec, ...], name: str, func: Callable[..., Any], outputs: Any = "keep") -> tuple[NodeSpec, ...]:
    return tuple(
        (func, i, o if outputs == "keep" else outputs, n) if n == name else (f, i, o, n) for f, i, o, n in specs
    )


def ours_pipeline(specs: tuple[NodeSpec, ...]) -> Pipeline:
    return pipeline([node(f, i, o, name=n) for f, i, o, n in specs]).unwrap()


def kedro_pipeline(specs: tuple[NodeSpec, ...]) -> Any:
    return KedroPipeline([kedro_node(f, i, o, name=n) for f, i, o, n in specs])


# -- recording ---------------------------------------------------------------------------


class Recorder:
    """Records every node and dataset hook with all of its arguments."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.catalog: object = None

    def _record(self, hook: str, node: Any, dataset: str = "", arguments: dict[str, object] | None = None) -> None:
        self.calls.append((hook, node.name, dataset, tuple((arguments or {}).items())))

    def _run_args(self, catalog: object, is_async: bool, run_id: str) -> dict[str, object]:
        return {"catalog is the run's": catalog is self.catalog, "is_async": is_async, "run_id": run_id}

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str, node: Any) -> None:
        self._record("before_dataset_loaded", node, dataset_name)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("after_dataset_loaded", node, dataset_name, {"data": data})

    @hook_impl
    def before_node_run(self, node: Any, catalog: object, inputs: dict[str, object], is_async: bool, run_id: str) -> None:
        self._record(
            "before_node_run", node, "", {"inputs": tuple(inputs.items()), **self._run_args(catalog, is_async, run_id)}
        )

    @hook_impl
    def after_node_run(
        self,
        node: Any,
        catalog: object,
        inputs: dict[str, object],
        outputs: dict[str, object],
        is_async: bool,
        run_id: str,
    ) -> None:
        self._record(
            "after_node_run",
            node,
            "",
            {
                "inputs": tuple(inputs.items()),
                "outputs": tuple(outputs.items()),
                **self._run_args(catalog, is_async, run_id),
            },
        )

    @hook_impl
    def on_node_error(
        self,
        error: Exception,
        node: Any,
        catalog: object,
        inputs: dict[str, object],
        is_async: bool,
        run_id: str,
    ) -> None:
        self._record(
            "on_node_error",
            node,
            "",
            {
                "error": (type(error).__name__, str(error)),
                "inputs": tuple(inputs.items()),
                **self._run_args(catalog, is_async, run_id),
            },
        )

    @hook_impl
    def before_dataset_saved(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("before_dataset_saved", node, dataset_name, {"data": data})

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("after_dataset_saved", node, dataset_name, {"data": data})


class ReplaceFactor:
    """Gives ``report`` another factor through ``before_node_run`` (Kedro's input override)."""

    @hook_impl
    def before_node_run(self, node: Any) -> dict[str, object] | None:
        return {"params:factor": 3} if node.name == "report" else None


def run_kedro(specs: tuple[NodeSpec, ...], *, is_async: bool = False) -> list[Call]:
    catalog = KedroCatalog({name: KedroMemoryDataset(data=value) for name, value in FREE_INPUTS.items()})
    recorder = Recorder()
    recorder.catalog = catalog
    hooks = kedro_hook_manager()
    hooks.register(recorder)
    hooks.register(ReplaceFactor())
    # The failure scenarios raise; only the hooks are compared here.
    with quiet(), suppress(RuntimeError, ValueError):
        KedroSequentialRunner(is_async=is_async).run(kedro_pipeline(specs), catalog, hooks, run_id=RUN_ID)
    return recorder.calls


def run_ours(specs: tuple[NodeSpec, ...], runner: AbstractRunner) -> tuple[list[Call], bool]:
    catalog = DataCatalog({name: MemoryDataset(data=value) for name, value in FREE_INPUTS.items()})
    recorder = Recorder()
    recorder.catalog = catalog
    hooks = _create_hook_manager()
    hooks.register(recorder)
    hooks.register(ReplaceFactor())
    with quiet():
        result = runner.run(ours_pipeline(specs), catalog, hooks, run_id=RUN_ID)
    return recorder.calls, is_successful(result)


def by_node(calls: list[Call]) -> dict[str, list[Call]]:
    grouped: dict[str, list[Call]] = {}
    for call in calls:
        grouped.setdefault(call[1], []).append(call)
    return grouped


FAILING = replaced(SCENARIO, "report", explode)
WRONG_SHAPE = replaced(SCENARIO, "split", one_of_two)
SCENARIOS = {"success": SCENARIO, "node raises": FAILING, "wrong number of outputs": WRONG_SHAPE}


# -- tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_sequential_runner_fires_kedros_hooks_in_kedros_order(scenario: str) -> None:
    specs = SCENARIOS[scenario]
    ours, succeeded = run_ours(specs, SequentialRunner())

    assert ours == run_kedro(specs)
    assert succeeded is (scenario == "success")


def test_the_recorded_scenario_covers_every_node_and_dataset_hook() -> None:
    hooks = {call[0] for calls in (run_kedro(SCENARIO), run_kedro(FAILING)) for call in calls}
    assert hooks == {
        "before_dataset_loaded",
        "after_dataset_loaded",
        "before_node_run",
        "after_node_run",
        "on_node_error",
        "before_dataset_saved",
        "after_dataset_saved",
    }


def test_before_node_run_replacements_reach_the_node_and_after_node_run() -> None:
    ours, _ = run_ours(SCENARIO, SequentialRunner())
    report_run = next(call for call in ours if call[0] == "after_node_run" and call[1] == "report")
    # The hook's factor 3 replaced the loaded factor 2 in what the node received.
    assert dict(report_run[3])["outputs"] == (("report", "c:76/4x3"),)
    before = next(call for call in ours if call[0] == "before_node_run" and call[1] == "report")
    assert ("params:factor", 2) in dict(before[3])["inputs"]  # type: ignore[operator]


def asynchronous_view(calls: list[Call]) -> tuple[list[Call], dict[str, list[Call]]]:
    """What asynchronous loading fixes: node hooks in order, each node's calls as a multiset,
    and every ``before_dataset_saved`` of a node before any of its ``after_dataset_saved``."""
    node_level = [c for c in calls if c[0] in ("before_node_run", "after_node_run", "on_node_error")]
    per_node = {name: sorted(group, key=repr) for name, group in by_node(calls).items()}
    return node_level, per_node


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_asynchronous_sequential_runner_fires_kedros_hooks(scenario: str) -> None:
    specs = SCENARIOS[scenario]
    ours, _ = run_ours(specs, SequentialRunner(is_async=True))
    kedro = run_kedro(specs, is_async=True)

    assert asynchronous_view(ours) == asynchronous_view(kedro)
    for calls in (ours, kedro):
        for group in by_node(calls).values():
            hooks = [c[0] for c in group]
            if "after_dataset_saved" in hooks:
                # Kedro announces every save of a node before the saves run concurrently.
                last_before = max(i for i, h in enumerate(hooks) if h == "before_dataset_saved")
                assert last_before < hooks.index("after_dataset_saved")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize(
    "make_runner",
    [lambda: ThreadRunner(max_workers=3), lambda: ParallelRunner(max_workers=2)],
    ids=["ThreadRunner", "ParallelRunner"],
)
def test_concurrent_runners_fire_each_nodes_hooks_as_kedro_does(
    scenario: str, make_runner: Callable[[], AbstractRunner]
) -> None:
    specs = SCENARIOS[scenario]
    ours, _ = run_ours(specs, make_runner())
    kedro = by_node(run_kedro(specs))
    # Which nodes ran after a failure depends on the interleaving; those that did match.
    assert {name: by_node(ours)[name] for name in kedro if name in by_node(ours)} == {
        name: calls for name, calls in kedro.items() if name in by_node(ours)
    }
    if scenario == "success":
        assert by_node(ours) == kedro
    else:
        assert any(call[0] == "on_node_error" for call in ours)


@pytest.mark.slow
def test_parallel_runner_hooks_fire_in_the_callers_process_unlike_kedros() -> None:
    ours, succeeded = run_ours(SCENARIO, ParallelRunner(max_workers=2))
    kedro_recorder = Recorder()
    hooks = kedro_hook_manager()
    hooks.register(kedro_recorder)
    catalog = KedroSharedCatalog({name: KedroMemoryDataset(data=value) for name, value in FREE_INPUTS.items()})
    with quiet():
        KedroParallelRunner(max_workers=2).run(kedro_pipeline(SCENARIO), catalog, hooks, run_id=RUN_ID)

    assert succeeded
    assert len(ours) == len(run_kedro(SCENARIO))
    # Kedro builds a hook manager in each worker: the caller's hooks never fire.
    assert kedro_recorder.calls == []
