"""DaskRunner against a real ``LocalCluster`` of worker processes.

One cluster serves the module (starting one takes seconds); the tests that need a cluster of
their own (the runner's default cluster, a killed worker) make one each. Node functions are
module-level so that the workers can import them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import dask
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
from shell.io import AbstractDataset, DataCatalog, MemoryDataset, PickleDataset
from shell.runners.dask import DaskRunner
from shell.runners.progress import ProgressEvent, ProgressKind
from shell.runners.sequential import SequentialRunner

pytestmark = pytest.mark.timeout(120)


def local_cluster(*, workers: int, processes: bool) -> LocalCluster:
    return LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0"
    )


def connect(to: LocalCluster | str) -> Client:
    return Client(to)  # type: ignore[no-untyped-call]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    # No retries: a test that kills a worker must not kill the others in turn.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = local_cluster(workers=2, processes=True)
    with connect(cluster) as connected:
        yield connected
    cluster.close()


# -- node functions (importable by the workers) ------------------------------------------------


def double(x: int) -> int:
    return x * 2


def increment(x: int) -> int:
    return x + 1


def add(a: int, b: int) -> int:
    return a + b


def split(x: int) -> tuple[int, int]:
    return x - 1, x + 1


def as_dict(x: int) -> dict[str, int]:
    return {"low": x - 1, "high": x + 1}


def keywords(key: int, pure: int, workers: int) -> int:
    # Parameter names that are also keywords of ``Client.submit``.
    return key * 100 + pure * 10 + workers


def chunks(x: int) -> Iterator[tuple[int, int]]:
    for i in range(3):
        yield x + i, x * i


def boom(x: int) -> int:
    raise ValueError(f"boom on {x}")


def wrong_count(x: int) -> tuple[int, int, int]:
    return x, x, x


def mutate(items: list[int]) -> list[int]:
    items.append(99)
    return items


def length(items: list[int]) -> int:
    return len(items)


def die(x: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return x


def hidden_generator(x: int) -> Iterator[int]:
    return (i for i in [x])


class Marker:
    """Records in which processes it was unpickled (only this module's list is read)."""

    unpickled_in: ClassVar[list[int]] = []

    def __init__(self, value: int) -> None:
        self.value = value

    def __getstate__(self) -> dict[str, int]:
        return {"value": self.value}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.value = state["value"]
        Marker.unpickled_in.append(os.getpid())


def make_marker(x: int) -> Marker:
    return Marker(x)


def read_marker(m: Marker) -> int:
    return m.value


class Collect(AbstractDataset):
    """Keeps every value saved to it, in order (for generator nodes)."""

    def __init__(self) -> None:
        self.saved: list[object] = []

    def load(self) -> object:
        return list(self.saved)

    def save(self, data: object) -> None:
        self.saved.append(data)

    def _exists(self) -> bool:
        return bool(self.saved)

    def _describe(self) -> Mapping[str, object]:
        return {}


class PidFile(AbstractDataset):
    """A text file that records the process that saved it; ``load`` returns the data."""

    def __init__(self, filepath: str) -> None:
        self._path = Path(filepath)

    def load(self) -> object:
        return int(self._path.read_text().split()[1])

    def save(self, data: object) -> None:
        self._path.write_text(f"{os.getpid()} {data}")

    def saved_by(self) -> int:
        return int(self._path.read_text().split()[0])

    def _describe(self) -> Mapping[str, object]:
        return {"filepath": str(self._path)}


# -- helpers ---------------------------------------------------------------------------------


def build(*nodes: Any) -> Pipeline:
    return pipeline(list(nodes)).unwrap()


def outputs(
    runner: SequentialRunner | DaskRunner, p: Pipeline, catalog: DataCatalog, hooks: Any = None
) -> dict[str, object]:
    result = runner.run(p, catalog, hooks)
    assert is_successful(result), result
    return {name: catalog.load(name).unwrap() for name in sorted(result.unwrap())}


def failure(
    runner: DaskRunner, p: Pipeline, catalog: DataCatalog, hooks: Any = None
) -> RunError:
    result = runner.run(p, catalog, hooks)
    assert not is_successful(result)
    return result.failure()


class Recorder:
    """A hook object that records every node and dataset hook it receives."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, object]] = []
        self.pids: set[int] = set()

    def _record(self, hook: str, name: str, data: object = None) -> None:
        self.pids.add(os.getpid())
        self.calls.append((hook, name, data))

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str, node: Any) -> None:
        self._record("before_dataset_loaded", dataset_name)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("after_dataset_loaded", dataset_name, data)

    @hook_impl
    def before_node_run(self, node: Any, inputs: Mapping[str, object]) -> None:
        self._record("before_node_run", node.name, dict(inputs))

    @hook_impl
    def after_node_run(self, node: Any, inputs: Mapping[str, object], outputs: Mapping[str, object]) -> None:
        self._record("after_node_run", node.name, (dict(inputs), dict(outputs)))

    @hook_impl
    def on_node_error(self, error: BaseException, node: Any, inputs: Mapping[str, object]) -> None:
        self._record("on_node_error", node.name, (type(error).__name__, dict(inputs)))

    @hook_impl
    def before_dataset_saved(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("before_dataset_saved", dataset_name, data)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: object, node: Any) -> None:
        self._record("after_dataset_saved", dataset_name, data)


def manager_with(*hooks: object) -> PluginManager:
    manager = _create_hook_manager()
    assert is_successful(register_hooks(manager, hooks))
    return manager


# -- same results as SequentialRunner --------------------------------------------------------

LINEAR = (
    node(double, "a", "b", name="double"),
    node(increment, "b", "c", name="increment"),
    node(double, "c", "d", name="again"),
)
DIAMOND = (
    node(split, "a", ["left", "right"], name="split"),
    node(double, "left", "l2", name="left_side"),
    node(increment, "right", "r2", name="right_side"),
    node(add, ["l2", "r2"], "total", name="join"),
)
DICTS = (
    node(as_dict, "a", {"low": "lo", "high": "hi"}, name="as_dict"),
    node(keywords, {"key": "lo", "pure": "hi", "workers": "a"}, "k", name="keywords"),
)


@pytest.mark.parametrize("nodes", [LINEAR, DIAMOND, DICTS], ids=["linear", "diamond", "dicts"])
def test_same_outputs_as_sequential(client: Client, nodes: tuple[Any, ...]) -> None:
    p = build(*nodes)
    expected = outputs(SequentialRunner(), p, DataCatalog({"a": 5}))
    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 5})) == expected


def test_transcoded_names_go_through_their_datasets(client: Client, tmp_path: Path) -> None:
    def catalog() -> DataCatalog:
        path = str(tmp_path / "shared.pkl")
        return DataCatalog(
            {"a": 3, "b@write": PickleDataset(filepath=path), "b@read": PickleDataset(filepath=path)}
        )

    p = build(node(double, "a", "b@write", name="write"), node(increment, "b@read", "c", name="read"))
    expected = outputs(SequentialRunner(), p, catalog())
    assert outputs(DaskRunner(client=client), p, catalog()) == expected == {"c": 7}


def count_up(x: int) -> Iterator[int]:
    yield from range(x, x + 3)


def run_chunks(runner: SequentialRunner | DaskRunner, p: Pipeline) -> tuple[object, ...]:
    catalog = DataCatalog({"a": 2, "evens": Collect(), "odds": Collect()})
    assert is_successful(runner.run(p, catalog))
    return tuple(catalog.load(name).unwrap() for name in sorted(p.outputs()))


def test_generator_nodes_save_their_chunks_as_sequential_does(client: Client) -> None:
    p = build(node(count_up, "a", "evens", name="count_up"))
    assert run_chunks(DaskRunner(client=client), p) == run_chunks(SequentialRunner(), p) == ([2, 3, 4],)


def test_generator_nodes_with_several_outputs_save_each_stream(client: Client) -> None:
    # Regression: every output stream used to be bound to the last output's name.
    p = build(node(chunks, "a", ["evens", "odds"], name="chunks"))
    assert run_chunks(DaskRunner(client=client), p) == run_chunks(SequentialRunner(), p) == ([2, 3, 4], [0, 2, 4])


def test_a_generator_hidden_from_inspection_fails_its_node_clearly(client: Client) -> None:
    error = failure(DaskRunner(client=client), build(node(hidden_generator, "a", "b", name="hidden")), DataCatalog({"a": 1}))
    assert error.reason is RunErrorReason.NODE_FAILED
    assert error.node == "hidden"
    assert "returned a generator" in error.message


def test_lambdas_run_on_the_cluster(client: Client) -> None:
    p = build(node(lambda x: x * 3, "a", "b", name="triple"))
    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 2})) == {"b": 6}


def test_wrong_output_shape_fails_with_the_sequential_message(client: Client) -> None:
    p = build(node(wrong_count, "a", ["x", "y"], name="wrong"))
    expected = SequentialRunner().run(p, DataCatalog({"a": 1})).failure()
    error = failure(DaskRunner(client=client), p, DataCatalog({"a": 1}))
    assert (error.reason, error.node, error.message) == (expected.reason, expected.node, expected.message)


def test_a_reader_cannot_see_another_reader_mutate_an_intermediate() -> None:
    # One in-process worker: both readers get the very same object unless it is copied.
    with local_cluster(workers=1, processes=False) as cluster, connect(cluster) as local:
        p = build(
            node(split, "a", ["lo", "hi"], name="make"),
            node(list_of, ["lo", "hi"], "items", name="items"),
            node(mutate, "items", "mutated", name="append"),  # runs before "length"
            node(length, "items", "n", name="length"),
        )
        expected = outputs(SequentialRunner(), p, DataCatalog({"a": 5}))
        assert outputs(DaskRunner(client=local), p, DataCatalog({"a": 5})) == expected
    assert expected["n"] == 2


def list_of(a: int, b: int) -> list[int]:
    return [a, b]


# -- hooks run in the driver -----------------------------------------------------------------


def test_hooks_fire_in_the_driver_with_data_as_sequential_fires_them(client: Client) -> None:
    p = build(*LINEAR)
    sequential, dask_hooks = Recorder(), Recorder()
    outputs(SequentialRunner(), p, DataCatalog({"a": 5}), manager_with(sequential))
    outputs(DaskRunner(client=client), p, DataCatalog({"a": 5}), manager_with(dask_hooks))
    assert dask_hooks.pids == {os.getpid()}
    assert dask_hooks.calls == sequential.calls
    assert ("after_node_run", "increment", ({"b": 10}, {"c": 11})) in dask_hooks.calls


def test_file_outputs_are_saved_next_to_their_data_unless_a_hook_needs_it(client: Client, tmp_path: Path) -> None:
    """A dataset that pickles saves in the cluster (the bytes a sequential run writes, not a
    re-pickled copy); with a hook given the data, the driver saves it as before."""
    p = build(node(double, "a", "b", name="double"), node(increment, "b", "c", name="increment"))
    there, here = PidFile(str(tmp_path / "there.txt")), PidFile(str(tmp_path / "here.txt"))

    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 5, "b": there})) == {"c": 11}
    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 5, "b": here}), manager_with(Recorder())) == {"c": 11}

    assert there.saved_by() != os.getpid()
    assert here.saved_by() == os.getpid()
    assert there.load() == here.load() == 10


def test_intermediates_stay_in_the_cluster_unless_a_hook_needs_them(client: Client) -> None:
    p = build(node(make_marker, "a", "m", name="make"), node(read_marker, "m", "v", name="read"))
    Marker.unpickled_in.clear()
    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 4})) == {"v": 4}
    assert os.getpid() not in Marker.unpickled_in

    recorder = Recorder()
    outputs(DaskRunner(client=client), p, DataCatalog({"a": 4}), manager_with(recorder))
    (seen,) = [data for hook, name, data in recorder.calls if (hook, name) == ("before_node_run", "read")]
    assert isinstance(seen, dict)
    assert isinstance(seen["m"], Marker)
    assert seen["m"].value == 4


class Replace:
    @hook_impl
    def before_node_run(self, node: Any) -> dict[str, object] | None:
        return {"b": 100} if node.name == "increment" else None


def test_before_node_run_can_replace_an_in_cluster_input(client: Client) -> None:
    p = build(*LINEAR)
    expected = outputs(SequentialRunner(), p, DataCatalog({"a": 5}), manager_with(Replace()))
    assert outputs(DaskRunner(client=client), p, DataCatalog({"a": 5}), manager_with(Replace())) == expected
    assert expected == {"d": 202}


# -- failures ------------------------------------------------------------------------------------


def test_a_failing_node_gives_the_sequential_failure_and_resume_plan(client: Client, tmp_path: Path) -> None:
    p = build(
        node(double, "a", "b", name="double"),
        node(increment, "b", "c", name="increment"),
        node(boom, "c", "d", name="boom"),
    )

    def catalog() -> DataCatalog:
        return DataCatalog({"a": 5, "c": PickleDataset(filepath=str(tmp_path / "c.pkl"))})

    expected = SequentialRunner().run(p, catalog()).failure()
    (tmp_path / "c.pkl").unlink()
    recorder = Recorder()
    kept = catalog()
    error = failure(DaskRunner(client=client), p, kept, manager_with(recorder))
    assert (error.reason, error.node, error.message) == (RunErrorReason.NODE_FAILED, "boom", expected.message)
    assert isinstance(error.cause, ValueError)
    assert error.completed == ("double", "increment")
    assert isinstance(error.resume, ResumePlan)
    assert error.resume == expected.resume
    assert ("on_node_error", "boom", ("ValueError", {"c": 11})) in recorder.calls
    # The dataset saved by an earlier node stays saved.
    assert PickleDataset(filepath=str(tmp_path / "c.pkl")).load() == 11


def test_nothing_new_starts_after_a_failure(client: Client) -> None:
    p = build(node(boom, "a", "b", name="boom"), node(increment, "b", "c", name="after"))
    error = failure(DaskRunner(client=client), p, DataCatalog({"a": 1}))
    assert error.node == "boom"
    assert error.completed == ()


def test_data_that_cannot_be_pickled_fails_its_node(client: Client) -> None:
    p = build(node(increment, "a", "b", name="needs_lock"))
    lock = MemoryDataset(threading.Lock(), copy_mode="assign")
    error = failure(DaskRunner(client=client), p, DataCatalog({"a": lock}))
    assert (error.reason, error.node) == (RunErrorReason.NOT_SERIALISABLE, "needs_lock")
    assert "cannot be pickled" in error.message


def make_lock(x: int) -> object:
    return threading.Lock()


def test_a_result_that_cannot_be_pickled_fails_its_node(client: Client) -> None:
    p = build(node(make_lock, "a", "lock", name="lock_maker"))
    error = failure(DaskRunner(client=client), p, DataCatalog({"a": 1}))
    assert (error.reason, error.node) == (RunErrorReason.NOT_SERIALISABLE, "lock_maker")


def test_a_killed_worker_fails_its_node_without_hanging() -> None:
    # The runner's own cluster (no client, no address): made for the run, closed after it.
    p = build(node(double, "a", "b", name="first"), node(die, "b", "c", name="die"))
    recorder = Recorder()
    error = failure(DaskRunner(), p, DataCatalog({"a": 1}), manager_with(recorder))
    assert (error.reason, error.node) == (RunErrorReason.WORKER_DIED, "die")
    assert "died" in error.message
    assert error.completed == ("first",)
    assert ("on_node_error", "die", ("WorkerDied", {"b": 2})) in recorder.calls


# -- construction and connection ---------------------------------------------------------------


def test_without_dask_the_runner_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"kedro-pure\[dask\]"):
        DaskRunner()


def test_a_client_and_an_address_are_exclusive(client: Client) -> None:
    with pytest.raises(ValueError, match="not both"):
        DaskRunner(client=client, address="tcp://127.0.0.1:8786")


def test_an_address_connects_to_a_running_cluster_and_leaves_it_running(client: Client) -> None:
    runner = DaskRunner(address=client.scheduler.address)  # type: ignore[union-attr]
    assert outputs(runner, build(*LINEAR), DataCatalog({"a": 1})) == {"d": 6}
    assert client.submit(increment, 1).result() == 2


def test_an_address_without_a_scheduler_is_a_failure() -> None:
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = DaskRunner(address="tcp://127.0.0.1:9").run(build(*LINEAR), DataCatalog({"a": 1}))
    assert not is_successful(result)
    assert result.failure().reason is RunErrorReason.INVALID_RUNNER


# -- options -----------------------------------------------------------------------------------


def test_async_loading_and_saving_gives_the_same_outputs(client: Client, tmp_path: Path) -> None:
    p = build(*DIAMOND)

    def catalog() -> DataCatalog:
        return DataCatalog({"a": 5, "left": PickleDataset(filepath=str(tmp_path / "left.pkl"))})

    expected = outputs(SequentialRunner(), p, catalog())
    assert outputs(DaskRunner(client=client, is_async=True), p, catalog()) == expected


def test_async_mode_refuses_generator_nodes_as_sequential_does(client: Client) -> None:
    p = build(node(count_up, "a", "evens", name="count_up"))
    expected = SequentialRunner(is_async=True).run(p, DataCatalog({"a": 1})).failure()
    error = failure(DaskRunner(client=client, is_async=True), p, DataCatalog({"a": 1}))
    assert (error.reason, error.node, error.message) == (expected.reason, expected.node, expected.message)


def test_progress_reports_each_node_starting_and_completing(client: Client) -> None:
    events: list[ProgressEvent] = []
    outputs(DaskRunner(client=client, progress=events.append), build(*LINEAR), DataCatalog({"a": 1}))
    assert [(e.kind, e.node) for e in events] == [
        (kind, name)
        for name in ("double", "increment", "again")
        for kind in (ProgressKind.STARTED, ProgressKind.COMPLETED)
    ]
    assert events[-1].done == events[-1].total == 3


def _listening_hosts(_: object) -> list[str]:
    """Run on a worker: the addresses the scheduler's dashboard listens on (Linux /proc)."""
    from distributed import get_client

    port = get_client().scheduler_info()["services"]["dashboard"]
    hosts = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                hosts.append(address)
    return hosts


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc/net (Linux)")
def test_the_runners_own_cluster_serves_its_dashboard_on_loopback_only() -> None:
    p = build(node(_listening_hosts, "a", "hosts", name="look"))
    outputs = DaskRunner().run(p, DataCatalog({"a": 1}), manager_with(Recorder())).unwrap()
    hosts = outputs["hosts"].load()
    assert isinstance(hosts, list) and hosts, "the dashboard listens somewhere"
    # 127.0.0.1 as /proc writes it (little-endian hex); never 0.0.0.0 or ::.
    assert set(hosts) == {"0100007F"}
