"""Stop signals and crashes with the real console script and real signals.

* SIGTERM is handled like SIGINT under every runner: the run stops, ``on_pipeline_error``
  fires, the store records ``interrupted``, and the exit code is 143.
* A ``kedro-pure`` process killed with SIGKILL leaves its run ``running``; the next
  ``sessions list`` (and ``--json``) shows it ``crashed``, with its pid and when it was last seen.
* Killing a ``ParallelRunner`` driver with SIGKILL leaves no worker (nor fork server) behind.
* SIGINT at 50 random moments of a ``ParallelRunner`` run (start-up, running, shutdown,
  after the end) always gives an outcome the terminal and the store agree on, and never a
  worker's traceback.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from core.liveness import crashed_message, parse_process_id
from core.store_records import RunOutcome, StoredSession
from shell.api import to_result
from shell.store import store_file
from shell.store.history import list_sessions
from tests.unit.cli_projects import (
    KEDRO_PURE,
    TIMEOUT,
    Done,
    cli_env,
    interrupt_when,
    kedro_pure,
    write_cli_project,
)
from tests.unit.process_table import descendants, is_alive

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cli_project(tmp_path_factory.mktemp("signals") / "proj")


def _sessions(root: Path) -> tuple[StoredSession, ...]:
    return to_result(list_sessions(root / "sessions")).unwrap()


def _last_outcomes(root: Path) -> list[RunOutcome]:
    sessions = _sessions(root)
    return [run.outcome for run in sessions[-1].runs] if sessions else []


@pytest.mark.parametrize("runner", ["SequentialRunner", "ThreadRunner", "ParallelRunner", "DaskRunner"])
def test_sigterm_stops_a_run_like_ctrl_c(project: Path, tmp_path: Path, runner: str) -> None:
    done = interrupt_when(
        ["run", "--runner", runner, "--pipelines", "prep,report"],
        cwd=project,
        marker=tmp_path / "sleeping",
        sig=signal.SIGTERM,
    )
    assert done.code == 143, done
    assert "pipeline_error Terminated" in done.log, done.log
    assert "Run interrupted" in done.stderr
    if runner != "DaskRunner":  # Dask's own worker processes may log their shutdown
        assert "Traceback" not in done.stderr
    assert _last_outcomes(project) == [RunOutcome.INTERRUPTED]


def test_ctrl_c_stops_a_command_started_with_sigint_ignored(project: Path, tmp_path: Path) -> None:
    # A shell starts a script's background job (``kedro-pure run &``) with SIGINT ignored;
    # ``kill -INT`` from a wrapper must still stop the run, as in the foreground.
    done = interrupt_when(
        ["run", "--pipelines", "prep,report"], cwd=project, marker=tmp_path / "sleeping", sigint_ignored=True
    )
    assert done.code == 130, done
    assert "pipeline_error KeyboardInterrupt" in done.log, done.log
    assert _last_outcomes(project) == [RunOutcome.INTERRUPTED]


def test_a_killed_run_is_listed_as_crashed(project: Path, tmp_path: Path) -> None:
    done = interrupt_when(
        ["run", "--pipelines", "prep,report"], cwd=project, marker=tmp_path / "sleeping", sig=signal.SIGKILL
    )
    assert done.code == -signal.SIGKILL
    listed = kedro_pure("sessions", "list", "--json", cwd=project)
    runs = listed.json()[-1]["runs"]  # type: ignore[index]
    assert [r["outcome"] for r in runs] == ["crashed"]
    # Both listings say which process it was and when it was last seen.
    connection = sqlite3.connect(store_file(project / "sessions"))
    try:
        owner, started_at = connection.execute(
            "SELECT owner, started_at FROM runs WHERE run_id = ?", (runs[0]["run_id"],)
        ).fetchone()
    finally:
        connection.close()
    killed = parse_process_id(owner)
    assert killed is not None
    expected = crashed_message(killed, started_at)
    assert f"last seen {started_at}" in expected
    assert runs[0]["error"] == expected
    assert expected in kedro_pure("sessions", "list", cwd=project).stdout


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="walks /proc (Linux)")
@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_killing_a_parallel_driver_leaves_no_orphan(project: Path, tmp_path: Path, method: str) -> None:
    marker = tmp_path / "sleeping"
    proc = subprocess.Popen(
        [KEDRO_PURE, "run", "--runner", "ParallelRunner", "--pipelines", "prep,report"],
        cwd=project,
        env=cli_env({"KP_SLEEP_MARKER": str(marker), "KEDRO_MP_CONTEXT": method}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the node never started"
            time.sleep(0.02)
        below = descendants(proc.pid)
        assert below, "a ParallelRunner run has worker processes"
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 20
        while any(is_alive(pid) for pid in below) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in below if is_alive(pid)] == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _run_with_sigint_after(root: Path, delay: float) -> tuple[Done, float]:
    proc = subprocess.Popen(
        [KEDRO_PURE, "run", "--runner", "ParallelRunner", "--pipelines", "prep,scaling,modelling"],
        cwd=root,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(delay)
        sent = time.monotonic()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
        out, err = proc.communicate(timeout=TIMEOUT)
        return Done(("run",), proc.returncode, out, err), time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
def test_sigint_at_50_random_moments_always_ends_consistently(tmp_path: Path) -> None:
    # A launcher generated before ``shell.entry`` existed would leave the command-line import
    # to Python's default handling too: the -2 case below is only the interpreter's start-up.
    assert "shell.entry" in Path(KEDRO_PURE).read_text(), "stale kedro-pure launcher: pip install -e ."
    root = write_cli_project(tmp_path / "proj")
    clean = kedro_pure("run", "--runner", "ParallelRunner", "--pipelines", "prep,scaling,modelling", cwd=root)
    assert clean.code == 0, clean
    chooser = random.Random(13)
    codes: list[int] = []
    for attempt in range(50):
        before = len(_sessions(root))
        done, took = _run_with_sigint_after(root, chooser.uniform(0.0, 3.0))
        codes.append(done.code)
        sessions = _sessions(root)
        outcomes = [r.outcome for r in sessions[-1].runs] if len(sessions) > before else []
        where = f"attempt {attempt}: {done}\nstore: {outcomes}"
        assert took < 30, where
        if done.code == -signal.SIGINT or (done.code == 1 and "init_import_site" in done.stderr):
            # Landed before any kedro-pure code (Python's own handling): while the interpreter
            # imported ``site`` (a fatal start-up error, exit 1) or ran the pip-generated
            # launcher (killed by SIGINT). Nothing may have been recorded.
            assert outcomes == [] and "shell/entry.py" not in done.stderr, where
            continue
        for noise in ("Traceback", "ForkServerProcess", "Exception ignored", "KeyboardInterrupt"):
            assert noise not in done.stderr, where
        if done.code == 0:
            assert outcomes == [RunOutcome.SUCCESS], where
        else:
            assert done.code == 130, where
            if len(sessions) > before:
                # Once a session row exists the interrupt is on record: as the run's outcome,
                # or, when it landed before the run was recorded (loading the context,
                # building the catalog: the run row is written with its start, in one
                # transaction with the session row), as the session's exception, which
                # ``KedroSession.__exit__`` saves. Exit 130 with nothing recorded is left
                # only for a signal landing before the session was saved at all.
                exception = sessions[-1].exception
                interrupted_early = isinstance(exception, Mapping) and exception.get("type") == "KeyboardInterrupt"
                assert outcomes == [RunOutcome.INTERRUPTED] or (outcomes == [] and interrupted_early), where
            else:
                assert outcomes == [], where
        # Nothing left running by this attempt.
        assert RunOutcome.RUNNING not in outcomes, where
    assert 130 in codes  # the moments did hit runs
