"""Node time limits under ``DaskRunner`` on real ``LocalCluster`` worker processes: the
node fails as under the other runners; on the runner's own cluster its worker is killed
while the other nodes go on; on a cluster passed in, the task is cancelled and the workers
are left alone (the bounds only stop a hang, they time nothing)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from pluggy import PluginManager
from returns.pipeline import is_successful

from core.errors import RunError, RunErrorReason
from core.node import node
from core.pipeline import Pipeline, pipeline
from core.resume import ResumePlan
from shell.hooks.manager import _create_hook_manager, register_hooks
from shell.hooks.markers import hook_impl
from shell.io.catalog import DataCatalog
from shell.runners import SequentialRunner
from shell.runners.dask import DaskRunner
from shell.runners.runner import AbstractRunner
from tests.unit.process_table import is_alive

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]

#: SIGKILL ends a process within milliseconds; a retired worker left to end on its own
#: takes over 15 s (its nanny's graceful close waits for the stuck thread first).
KILLED_WITHIN = 5.0


# -- node functions (importable by the workers) ------------------------------------------------


def inc(x: int) -> int:
    return x + 1


def nap(x: int) -> int:
    time.sleep(60)
    return x


def nap_telling_pid(x: int, pidfile: str) -> int:
    Path(pidfile).write_text(str(os.getpid()))
    time.sleep(60)
    return x


def settles(condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds within :data:`KILLED_WITHIN` seconds."""
    for _ in range(int(KILLED_WITHIN * 20)):
        if condition():
            return True
        time.sleep(0.05)
    return False


def gone_soon(pid: int) -> bool:
    """Whether process ``pid`` ends within :data:`KILLED_WITHIN` seconds."""
    return settles(lambda: not is_alive(pid))


class StuckWorker:
    """``on_node_error`` (fired in the driver once the node was stopped): was the stuck
    node's worker process killed?"""

    def __init__(self, pidfile: Path) -> None:
        self.pidfile = pidfile
        self.killed: bool | None = None

    @hook_impl
    def on_node_error(self, error: BaseException, node: object) -> None:
        del error, node
        self.killed = gone_soon(int(self.pidfile.read_text()))


class NodeErrors:
    @hook_impl
    def on_node_error(self, error: BaseException, node: object) -> None:
        self.seen.append((type(error).__name__, getattr(node, "name", "")))

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []


def manager_with(hooks: object) -> PluginManager:
    manager = _create_hook_manager()
    assert is_successful(register_hooks(manager, [hooks]))
    return manager


def first_then(stuck: object, *others: object, tags: tuple[str, ...] = ()) -> Pipeline:
    nodes = [
        node(inc, "a", "b", name="first"),
        node(stuck, "b", "c", name="stuck", tags=list(tags)),  # type: ignore[arg-type]
        *others,
    ]
    return pipeline(nodes).unwrap()  # type: ignore[arg-type]


def failed(runner: AbstractRunner, p: Pipeline, catalog: DataCatalog, hooks: object) -> RunError:
    outcome = runner.run(p, catalog, manager_with(hooks))
    assert not is_successful(outcome)
    return outcome.failure()


# -- tests -------------------------------------------------------------------------------------


def test_a_timed_out_node_fails_as_under_the_sequential_runner() -> None:
    errors: dict[str, RunError] = {}
    hooks: dict[str, NodeErrors] = {}
    for runner in (SequentialRunner(), DaskRunner()):
        runner.node_timeout = 1.0
        name = type(runner).__name__
        hooks[name] = NodeErrors()
        errors[name] = failed(runner, first_then(nap), DataCatalog({"a": 1}), hooks[name])
    seq, dask = errors["SequentialRunner"], errors["DaskRunner"]
    assert (dask.reason, dask.node) == (RunErrorReason.TIMEOUT, "stuck")
    assert (dask.message, dask.completed, dask.resume) == (seq.message, seq.completed, seq.resume)
    assert "time limit of 1 s" in dask.message
    assert isinstance(dask.resume, ResumePlan) and dask.resume.from_nodes_argument == '--from-nodes "first"'
    assert hooks["DaskRunner"].seen == hooks["SequentialRunner"].seen == [("NodeTimedOut", "stuck")]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_runners_own_cluster_kills_the_stuck_worker_and_finishes_the_others(tmp_path: Path) -> None:
    pidfile = tmp_path / "stuck.pid"
    p = pipeline([
        node(inc, "a", "b", name="first"),
        node(nap_telling_pid, ["b", "pidfile"], "c", name="stuck", tags=["timeout-1"]),
        node(inc, "b", "beside", name="beside"),
    ]).unwrap()
    catalog = DataCatalog({"a": 1, "pidfile": str(pidfile)})
    stuck = StuckWorker(pidfile)
    error = failed(DaskRunner(), p, catalog, stuck)
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck")
    assert stuck.killed is True
    assert set(error.completed) == {"first", "beside"}
    assert catalog.load("beside").unwrap() == 3


@pytest.fixture()
def single_worker() -> Iterator[Client]:
    """A caller's cluster of one single-threaded worker (nothing for the run to own)."""
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
    with Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client
    cluster.close()


def test_a_callers_cluster_has_the_task_cancelled_and_keeps_its_worker(single_worker: Client) -> None:
    client = single_worker
    workers = dict(client.scheduler_info()["workers"])
    # "waiting" is queued behind the stuck thread on the only worker: the run cancels it
    # rather than wait for a thread that Dask cannot stop.
    p = first_then(nap, node(inc, "b", "waiting", name="waiting"), tags=("timeout-1",))
    error = failed(DaskRunner(client=client), p, DataCatalog({"a": 1}), NodeErrors())
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck")
    assert error.completed == ("first",)
    # The same worker (not restarted), and no task of the run left on the scheduler (the
    # cancellations travel on the client's message stream: they land soon after).
    after = client.scheduler_info()["workers"]
    assert {a: w["id"] for a, w in after.items()} == {a: w["id"] for a, w in workers.items()}
    assert settles(lambda: not any(client.processing().values()))  # type: ignore[no-untyped-call]
