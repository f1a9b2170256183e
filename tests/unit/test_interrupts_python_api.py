"""Ctrl-C in a run started from Python (``KedroSession.run``, Python's own SIGINT handler).

For the run's duration the remembering handler holds SIGINT
(:func:`shell.interrupts.held_for_python_run`): the caller gets ``Failure(RunError(
INTERRUPTED))`` and the store agrees, whatever moment the signal lands; a signal a finalizer
swallowed still interrupts; one arriving after the outcome was recorded is raised as
``KeyboardInterrupt`` once the run is over, as Python's handler would have. Real signals;
the acceptance test runs real processes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.store_records import RunOutcome
from shell import interrupts
from shell.api import to_result
from shell.store.history import list_sessions
from tests.unit.cli_projects import cli_env, write_cli_project

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def python_handler() -> Iterator[None]:
    """Python's own SIGINT handler, whatever this process inherited (a background job
    inherits SIGINT ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupts.clear()


class _SignalsWhenCollected:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed one
def test_a_ctrl_c_swallowed_by_a_finalizer_is_still_seen_at_the_next_checkpoint(python_handler: None) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.held_for_python_run():
        _SignalsWhenCollected()  # collected at once: its KeyboardInterrupt is "ignored" in __del__
        assert interrupts.requested() == signal.SIGINT
        interrupts.raise_if_requested()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_signal_held_while_recording_is_raised_once_the_run_is_over(python_handler: None) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.held_for_python_run():
        with interrupts.shielded():
            os.kill(os.getpid(), signal.SIGINT)  # held: recording an outcome is not torn
            interrupts.give_back(interrupts.outcome_committed() or 0)
        assert interrupts.requested() is None
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_run_without_a_signal_leaves_python_s_handler_and_raises_nothing(python_handler: None) -> None:
    with interrupts.held_for_python_run():
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_another_handler_is_left_alone() -> None:
    def mine(signum: int, frame: object) -> None:
        del signum, frame

    previous = signal.signal(signal.SIGINT, mine)
    try:
        with interrupts.held_for_python_run():
            assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)


_INTERRUPTING_HOOK = textwrap.dedent(
    """
    import os, signal
    from shell.hooks.markers import hook_impl


    class InterruptsBeforeTheRun:
        @hook_impl
        def before_pipeline_run(self):
            # Ctrl-C while the run's start is being recorded.
            os.kill(os.getpid(), signal.SIGINT)
    """
)


def test_a_ctrl_c_while_the_run_s_start_is_recorded_interrupts_it_on_record(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    package = next(p for p in (root / "src").iterdir() if (p / "settings.py").is_file())
    (package / "interrupting.py").write_text(_INTERRUPTING_HOOK)
    (package / "settings.py").write_text(
        f"from {package.name}.hooks import RanLog\nfrom {package.name}.interrupting import InterruptsBeforeTheRun\n\n"
        "HOOKS = (RanLog(), InterruptsBeforeTheRun())\n"
    )
    env = cli_env({"KP_RAN_LOG": str(tmp_path / "ran.log")})
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(root), "sequential"], cwd=root, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )
    # With Python's handler alone, the KeyboardInterrupt escaped from the hook: no Result, and
    # no run on record.
    assert done.stdout.strip().splitlines()[-1] == "RESULT INTERRUPTED", done.stderr
    sessions = to_result(list_sessions(root / "sessions")).unwrap()
    assert [run.outcome for run in sessions[-1].runs] == [RunOutcome.INTERRUPTED]


_SCRIPT = textwrap.dedent(
    """
    import signal, sys
    signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever was inherited
    from returns.pipeline import is_successful
    from shell.runners import SequentialRunner, ThreadRunner
    from shell.session import KedroSession

    runner = ThreadRunner() if sys.argv[2] == "thread" else SequentialRunner()
    print("START", flush=True)
    try:
        with KedroSession.create(sys.argv[1]).unwrap() as session:
            outcome = session.run(runner=runner, pipeline_names=["prep", "report"])
    except KeyboardInterrupt:
        print("RAISED", flush=True)
    else:
        print("RESULT", "SUCCESS" if is_successful(outcome) else outcome.failure().reason.name, flush=True)
    """
)


def _wait_for_the_run(log: Path, proc: subprocess.Popen[str]) -> None:
    """Until the project's hook logged ``before_pipeline_run`` (the run's start is being
    recorded), or the process ended."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if log.is_file() and log.read_text().startswith("run_params"):
            return
        time.sleep(0.005)


@pytest.mark.slow
def test_sigint_at_random_moments_of_python_runs_always_ends_consistently(tmp_path: Path) -> None:
    # The signal lands from the run's start on (before it, in a finalizer of the session's
    # creation, Python's handler alone would lose it: Python's rule, not the run's).
    root = write_cli_project(tmp_path / "proj")
    chooser = random.Random(17)
    seen: set[str] = set()
    for attempt in range(24):
        kind = chooser.choice(["thread", "sequential"])
        log = tmp_path / f"ran{attempt}.log"
        # Half the runs nap for a minute (the signal then lands before or in the nap), half
        # are quick (it may land after the outcome was recorded, or while the session closes).
        napping = {"KP_SLEEP_MARKER": str(tmp_path / f"napping{attempt}")} if chooser.random() < 0.5 else {}
        proc = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, str(root), kind], cwd=root,
            env=cli_env({"KP_RAN_LOG": str(log), **napping}),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            _wait_for_the_run(log, proc)
            time.sleep(chooser.uniform(0.0, 0.3))
            proc.send_signal(signal.SIGINT)
            # Beyond the nap: a signal a finalizer swallowed just before the nap began is
            # acted on at the next checkpoint, once the nap is over (the run is interrupted).
            out, err = proc.communicate(timeout=90)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        sessions = to_result(list_sessions(root / "sessions")).unwrap()
        outcomes = [run.outcome for run in sessions[-1].runs] if sessions else []
        said = out.strip().splitlines()[-1] if out.strip() else ""
        where = f"attempt {attempt} ({kind}): exit {proc.returncode}, said {said!r}, store {outcomes}\n{err[-3000:]}"
        seen.add(said)
        assert outcomes and RunOutcome.RUNNING not in outcomes, where
        if said == "RESULT SUCCESS":
            assert outcomes[-1:] == [RunOutcome.SUCCESS], where
        elif said == "RESULT INTERRUPTED":
            # (stderr may show Python's "Exception ignored" report of a KeyboardInterrupt a
            # finalizer swallowed: Python prints it; the run is interrupted all the same)
            assert outcomes[-1:] == [RunOutcome.INTERRUPTED], where
        else:
            # After the outcome was recorded (raised as Python would), or while the session
            # closed: the run on record has its final outcome.
            assert said == "RAISED", where
    assert "RESULT INTERRUPTED" in seen  # the moments did hit runs
