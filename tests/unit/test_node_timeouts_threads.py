"""``ThreadRunner`` time limits for nodes blocked for ever inside one C call.

A thread cannot be killed and the exception a time limit raises in a node's thread only
arrives when the node runs Python code again, so a node blocked in ``time.sleep``, a socket
read, ``select`` or a lock would hold a run for ever. The runner gives up on it instead: the
run fails with ``RunError(TIMEOUT)`` and returns without waiting for that thread, and what the
node returns later is dropped. These tests block nodes for real (on a socket nobody writes
to, an event nobody sets...) and release them only after the run returned; bounds only stop
a hang, they time nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.errors import RunError, RunErrorReason
from core.node import Node, node
from core.pipeline import pipeline
from core.resume import ResumePlan
from shell.hooks import _create_hook_manager
from shell.io.catalog import DataCatalog
from shell.runners import ThreadRunner
from tests.unit.blocked_nodes import JOIN_BOUND, KINDS, Blocker, Recorder, inc
from tests.unit.cli_projects import kedro_pure, python_script, write_cli_project

pytestmark = pytest.mark.timeout(180)

#: The CLI project's ``nap`` sleeps 60 s: a process that ends before this bound did not wait.
BOUND = 45


@pytest.fixture(params=KINDS)
def blocker(request: pytest.FixtureRequest) -> Iterator[Blocker]:
    made = Blocker(request.param)
    try:
        yield made
    finally:
        if made.threads and made.threads[-1].is_alive():
            made.release()


def pause(x: int) -> int:
    time.sleep(1.5)
    return x


def _run(nodes: list[Node], recorder: Recorder, workers: int = 2) -> tuple[RunError, DataCatalog]:
    hooks = _create_hook_manager()
    hooks.register(recorder)
    catalog = DataCatalog({"a": 1})
    outcome = ThreadRunner(max_workers=workers).run(pipeline(nodes).unwrap(), catalog, hooks)
    assert not is_successful(outcome)
    return outcome.failure(), catalog


def test_a_node_blocked_in_a_c_call_fails_the_run_and_its_late_return_saves_nothing(
    blocker: Blocker,
) -> None:
    recorder = Recorder()
    error, catalog = _run(
        [node(inc, "a", "b", name="first"), node(blocker, "b", "c", name="stuck", tags=["timeout-0.5"])],
        recorder,
    )
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck"), error
    assert "did not finish within its time limit of 0.5 s" in error.message
    assert error.completed == ("first",)
    assert isinstance(error.resume, ResumePlan)
    assert error.resume.from_nodes_argument == '--from-nodes "first"'
    # The run is over while the node is still blocked: hooks fired once, for the timeout.
    assert not blocker.returned.is_set()
    assert recorder.errors == [("stuck", "NodeTimedOut", {"b": 2})]
    blocker.release()
    assert blocker.returned.is_set()
    assert recorder.errors == [("stuck", "NodeTimedOut", {"b": 2})]
    assert recorder.ran == ["first"]
    assert recorder.saved == ["b"]
    assert catalog.exists("c").unwrap() is False


def test_other_running_nodes_finish_and_are_recorded(blocker: Blocker) -> None:
    recorder = Recorder()
    error, _ = _run(
        [
            node(blocker, "a", "c", name="stuck", tags=["timeout-0.5"]),
            node(pause, "a", "d", name="slow"),
            node(inc, "d", "e", name="after_slow"),
        ],
        recorder,
    )
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck")
    # "slow" was running when "stuck" ran out of time: it finished and saved; nothing new started.
    assert error.completed == ("slow",)
    assert recorder.saved == ["d"]
    assert "after_slow" not in recorder.ran


def test_every_stuck_node_runs_out_of_its_own_time() -> None:
    first, second = Blocker("event"), Blocker("recv")
    recorder = Recorder()
    try:
        error, _ = _run(
            [
                node(first, "a", "c", name="stuck_one", tags=["timeout-0.3"]),
                node(second, "a", "d", name="stuck_two", tags=["timeout-0.6"]),
            ],
            recorder,
        )
        assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck_one")
        assert sorted(name for name, _, _ in recorder.errors) == ["stuck_one", "stuck_two"]
    finally:
        first.release()
        second.release()
    assert recorder.saved == []


def test_keep_going_runs_the_independent_nodes_beside_an_abandoned_one() -> None:
    stuck = Blocker("event")
    hooks = _create_hook_manager()
    recorder = Recorder()
    hooks.register(recorder)
    nodes = [
        node(stuck, "a", "c", name="stuck", tags=["timeout-0.3"]),
        node(inc, "c", "d", name="needs_stuck"),
        node(pause, "a", "e", name="slow"),
        node(inc, "e", "f", name="after_slow"),
    ]
    try:
        outcome = ThreadRunner(max_workers=2).run(
            pipeline(nodes).unwrap(), DataCatalog({"a": 1}), hooks, keep_going=True
        )
    finally:
        stuck.release()
    assert not is_successful(outcome)
    error = outcome.failure()
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck")
    assert sorted(error.completed) == ["after_slow", "slow"]
    assert "needs_stuck" not in recorder.ran


_SCRIPT = textwrap.dedent(
    """
    import time
    from core.node import node
    from core.pipeline import pipeline
    from shell.io.catalog import DataCatalog
    from shell.runners import ThreadRunner

    def hang(x):
        time.sleep(10**6)
        return x

    runner = ThreadRunner()
    runner.node_timeout = 0.5
    outcome = runner.run(pipeline([node(hang, "a", "b", name="hang")]).unwrap(), DataCatalog({"a": 1}))
    print(outcome.failure().reason.name)
    """
)


def test_a_process_whose_node_sleeps_for_ever_still_exits() -> None:
    # The abandoned thread sleeps for 11 days: the interpreter must not wait for it at exit.
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=BOUND, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "TIMEOUT"), done.stderr


_SESSION_SCRIPT = textwrap.dedent(
    """
    import sys
    from shell.runners import ThreadRunner
    from shell.session import KedroSession

    runner = ThreadRunner()
    runner.node_timeout = 1
    with KedroSession.create(sys.argv[1]).unwrap() as session:
        outcome = session.run(runner=runner, pipeline_names=["prep", "report"])
    error = outcome.failure()
    print(error.reason.name, error.node)
    """
)


def test_session_run_returns_the_failure_while_the_node_still_sleeps(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    marker = {"KP_SLEEP_MARKER": str(tmp_path / "sleeping")}
    done = python_script(_SESSION_SCRIPT, str(root), cwd=root, env=marker, timeout=BOUND)
    assert (done.code, done.stdout.strip()) == (0, "TIMEOUT nap"), done.stderr


def test_the_cli_exits_with_the_timeout_code_without_waiting_for_the_thread(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    args = ("run", "--runner", "ThreadRunner", "--pipelines", "prep,report", "--node-timeout", "1")
    marker = {"KP_SLEEP_MARKER": str(tmp_path / "sleeping")}
    done = kedro_pure(*args, cwd=root, env=marker, timeout=BOUND)
    assert done.code == 5, done.stderr
    assert "node 'nap' did not finish within its time limit of 1 s" in done.stderr
    assert "--from-nodes" in done.stderr
    sessions = kedro_pure("sessions", "list", cwd=root, timeout=BOUND)
    assert "failed" in sessions.stdout, sessions.stdout + sessions.stderr



class Dozer:
    """Sleeps as long as its limit: it ends just before or after it (the load decides)."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def __call__(self, x: int) -> int:
        self.threads.append(threading.current_thread())
        time.sleep(0.1)
        return x


def test_a_node_ending_at_its_limit_either_finishes_or_times_out_never_both() -> None:
    for _ in range(15):
        dozer, recorder = Dozer(), Recorder()
        hooks = _create_hook_manager()
        hooks.register(recorder)
        catalog = DataCatalog({"a": 1})
        p = pipeline([node(dozer, "a", "b", name="dozer", tags=["timeout-0.1"])]).unwrap()
        outcome = ThreadRunner().run(p, catalog, hooks)
        for thread in dozer.threads:
            thread.join(JOIN_BOUND)
        if is_successful(outcome):
            assert (recorder.errors, recorder.ran, recorder.saved) == ([], ["dozer"], ["b"])
        else:
            assert outcome.failure().reason is RunErrorReason.TIMEOUT
            assert [name for name, _, _ in recorder.errors] == ["dozer"]
            assert (recorder.ran, recorder.saved) == ([], [])
            assert catalog.exists("b").unwrap() is False
