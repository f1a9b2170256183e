"""An interrupted ``ThreadRunner`` run ends promptly even when a node is blocked in a C call.

Ctrl-C and SIGTERM reach only the main thread, and a worker thread blocked in
``threading.Event().wait()`` or a socket read cannot be stopped. The runner stops scheduling,
gives the running nodes a short grace, then abandons those still inside their call as it
abandons a node past its time limit, and the interrupt propagates as under
``SequentialRunner`` (no ``on_node_error`` for them, nothing recorded). These tests send
real signals and release the blocked nodes only after the run returned; bounds only stop a
hang, they time nothing.
"""

from __future__ import annotations

import os
import signal
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.node import node
from core.node_call import CallArguments
from core.pipeline import pipeline
from core.store_records import RunOutcome
from shell import interrupts
from shell.api import to_result
from shell.hooks import _create_hook_manager
from shell.io.catalog import DataCatalog
from shell.runners import ThreadRunner
from shell.runners.task import call_here
from shell.runners.thread_timeouts import Watch, Withdrawn
from shell.store.history import list_sessions
from tests.unit.blocked_nodes import Blocker, Recorder, inc
from tests.unit.cli_projects import interrupt_when, kedro_pure, python_script, write_cli_project

pytestmark = pytest.mark.timeout(180)

#: Seconds a released node's thread may take to end, or a blocked node to start; only stops a hang.
BOUND = 30.0
#: The CLI project's ``nap`` sleeps 60 s: a process that ends before this bound did not wait.
PROCESS_BOUND = 45


@pytest.fixture(params=["event", "recv"])
def blocker(request: pytest.FixtureRequest) -> Iterator[Blocker]:
    made = Blocker(request.param)
    try:
        yield made
    finally:
        if not made.returned.is_set():
            made.release()


def _signal_once_entered(blocker: Blocker, signum: int) -> threading.Thread:
    def send() -> None:
        if blocker.entered.wait(BOUND):
            os.kill(os.getpid(), signum)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    return sender


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_abandons_a_node_blocked_in_a_c_call(blocker: Blocker, signum: int) -> None:
    recorder = Recorder()
    hooks = _create_hook_manager()
    hooks.register(recorder)
    catalog = DataCatalog({"a": 1})
    nodes = [
        node(inc, "a", "b", name="first"),
        node(blocker, "b", "c", name="stuck"),
        node(inc, "c", "d", name="after_stuck"),
    ]
    interrupts.install()
    try:
        sender = _signal_once_entered(blocker, signum)
        expected = interrupts.Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        with pytest.raises(expected):
            ThreadRunner(max_workers=2).run(pipeline(nodes).unwrap(), catalog, hooks)
        sender.join(BOUND)
    finally:
        interrupts.reset()
    # The run is over while the node is still blocked; as when a sequential run's interrupt
    # lands in a node: no on_node_error, no after_node_run, nothing saved for it.
    assert not blocker.returned.is_set()
    assert (recorder.errors, recorder.ran, recorder.saved) == ([], ["first"], ["b"])
    blocker.release()
    assert blocker.returned.is_set()
    assert (recorder.errors, recorder.ran, recorder.saved) == ([], ["first"], ["b"])
    assert catalog.exists("c").unwrap() is False
    assert catalog.exists("d").unwrap() is False


class Checkpointing:
    """A node that polls for an interrupt (a checkpoint of its own) and then returns at once."""

    def __init__(self) -> None:
        self.entered = threading.Event()

    def __call__(self, x: int) -> int:
        self.entered.set()
        while interrupts.requested() is None:
            threading.Event().wait(0.01)
        return x


def test_a_node_returning_within_the_grace_is_saved_and_recorded(blocker: Blocker) -> None:
    recorder = Recorder()
    hooks = _create_hook_manager()
    hooks.register(recorder)
    catalog = DataCatalog({"a": 1})
    polite = Checkpointing()
    nodes = [
        node(polite, "a", "b", name="polite"),
        node(blocker, "a", "c", name="stuck"),
        node(inc, "b", "d", name="after_polite"),
    ]
    interrupts.install()
    try:
        def send() -> None:
            if polite.entered.wait(BOUND) and blocker.entered.wait(BOUND):
                os.kill(os.getpid(), signal.SIGINT)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        with pytest.raises(KeyboardInterrupt):
            ThreadRunner(max_workers=2).run(pipeline(nodes).unwrap(), catalog, hooks)
        sender.join(BOUND)
    finally:
        interrupts.reset()
    blocker.release()
    # "polite" returned within the grace: saved and recorded; nothing started after it.
    assert (recorder.errors, recorder.ran, recorder.saved) == ([], ["polite"], ["b"])
    assert catalog.exists("c").unwrap() is False


def test_no_call_starts_once_the_board_is_closed() -> None:
    called: list[int] = []

    def record(x: int) -> int:
        called.append(x)
        return x

    watch = Watch(call_here, None)
    assert watch.split_call(node(record, "a", "b", name="before"), (1,), {}) == 1
    assert watch.close() == []  # nothing was inside its call
    with pytest.raises(Withdrawn):
        watch(node(record, "a", "b", name="after"), CallArguments((2,), {}))
    assert called == [1]


_SESSION_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    from pathlib import Path
    from shell.runners import ThreadRunner
    from shell.session import KedroSession

    marker = Path(os.environ["KP_SLEEP_MARKER"])
    # Python's own handler, whatever this process inherited: a shell starts background jobs
    # (a CI script's ``cmd &``) with SIGINT ignored, and Python then keeps ignoring it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def interrupt_once_napping():
        while not marker.exists():
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGINT)  # Python's own handler: KeyboardInterrupt

    threading.Thread(target=interrupt_once_napping, daemon=True).start()
    with KedroSession.create(sys.argv[1]).unwrap() as session:
        outcome = session.run(runner=ThreadRunner(), pipeline_names=["prep", "report"])
    print(outcome.failure().reason.name)
    """
)


def test_session_run_returns_the_interrupted_failure_while_the_node_still_sleeps(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    marker = {"KP_SLEEP_MARKER": str(tmp_path / "sleeping")}
    done = python_script(_SESSION_SCRIPT, str(root), cwd=root, env=marker, timeout=PROCESS_BOUND)
    assert (done.code, done.stdout.strip()) == (0, "INTERRUPTED"), done.stderr
    sessions = to_result(list_sessions(root / "sessions")).unwrap()
    assert [run.outcome for run in sessions[-1].runs] == [RunOutcome.INTERRUPTED]


def test_ctrl_c_on_the_command_line_is_journaled_as_interrupted_and_resume_finishes(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    done = interrupt_when(["run", "--runner", "ThreadRunner"], cwd=root, marker=tmp_path / "sleeping")
    assert done.code == 130, done
    assert "pipeline_error KeyboardInterrupt" in done.log, done.log
    assert "Traceback" not in done.stderr
    listed = kedro_pure("sessions", "list", "--json", cwd=root).json()
    assert isinstance(listed, list)
    run_id = str(listed[-1]["runs"][-1]["run_id"])
    shown = kedro_pure("sessions", "show", run_id, "--json", cwd=root).json()
    assert isinstance(shown, dict)
    nodes = {n["node"]: n for n in shown["runs"][0]["nodes"]}
    assert nodes["nap"]["status"] == "interrupted" and nodes["nap"]["error"] == "KeyboardInterrupt"
    assert "nap" not in done.ran  # its thread was abandoned: nothing of it recorded
    resumed = kedro_pure("run", "--resume", "--runner", "ThreadRunner", cwd=root)
    assert resumed.code == 0, resumed
    assert "nap" in resumed.ran
