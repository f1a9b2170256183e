"""Node time limits: ``--node-timeout`` and ``timeout-SECONDS`` tags stop a hanging node
with ``RunError(TIMEOUT)`` and the resume plan, under the sequential, thread and process
runners (real processes; the bounds only stop a hang, they time nothing). ``DaskRunner``'s
own tests are in ``test_node_timeouts_dask.py``; the command line is tested with it here."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.errors import RunError, RunErrorReason
from core.node import node
from core.pipeline import pipeline
from core.resume import ResumePlan
from core.timeouts import bad_tags, timeout_of
from shell.io.catalog import DataCatalog
from shell.runners import ParallelRunner, SequentialRunner, ThreadRunner
from shell.runners.runner import AbstractRunner
from tests.unit.cli_projects import Done, kedro_pure, write_cli_project

pytestmark = pytest.mark.timeout(180)

#: The sleeping node sleeps 60 s: a run that ends before this bound was stopped early.
BOUND = 45


def spin(x: int) -> int:
    """Never returns: Python code that only a time limit stops."""
    while True:
        x += 1


def nap(x: int) -> int:
    time.sleep(60)
    return x


def inc(x: int) -> int:
    return x + 1


def test_tags_override_the_default() -> None:
    assert timeout_of(["a", "timeout-2.5"], 10) == 2.5
    assert timeout_of(["a"], 10) == 10
    assert timeout_of(["timeout-nope"], None) is None
    assert bad_tags(["timeout-nope", "timeout--1", "timeout-3"]) == ["timeout--1", "timeout-nope"]


def _timed_out(runner: AbstractRunner, func: object, tags: tuple[str, ...] = ()) -> RunError:
    p = pipeline(
        [node(inc, "a", "b", name="first"), node(func, "b", "c", name="stuck", tags=list(tags))]  # type: ignore[arg-type]
    ).unwrap()
    outcome = runner.run(p, DataCatalog({"a": 1}))
    assert not is_successful(outcome)
    error = outcome.failure()
    assert (error.reason, error.node) == (RunErrorReason.TIMEOUT, "stuck"), error
    assert error.completed == ("first",)
    # "b" is in memory, so Kedro's rule resumes from its producer.
    assert isinstance(error.resume, ResumePlan)
    assert error.resume.from_nodes_argument == '--from-nodes "first"'
    return error


@pytest.mark.parametrize("func", [spin, nap], ids=["python-loop", "sleep"])
def test_sequential_runner_stops_a_hanging_node(func: object) -> None:
    runner = SequentialRunner()
    runner.node_timeout = 0.5
    assert "time limit of 0.5 s" in _timed_out(runner, func).message


def test_thread_runner_stops_a_node_stuck_in_python_code() -> None:
    _timed_out(ThreadRunner(), spin, tags=("timeout-0.5",))


def test_parallel_runner_kills_the_stuck_worker() -> None:
    runner = ParallelRunner(max_workers=2)
    runner.node_timeout = 1.0
    _timed_out(runner, nap)


def doze(x: int) -> int:
    time.sleep(3)
    return x


@pytest.mark.slow
def test_parallel_runner_times_a_node_from_its_start_not_its_wait_for_a_worker() -> None:
    # One worker, two 3 s nodes with 5 s each: the second waits 3 s for the worker first,
    # which must not count against its limit (3 + 3 > 5 > 3).
    p = pipeline([node(doze, "a", "b", name="one"), node(doze, "a", "c", name="two")]).unwrap()
    runner = ParallelRunner(max_workers=1)
    runner.node_timeout = 5.0
    outcome = runner.run(p, DataCatalog({"a": 1}))
    assert is_successful(outcome), outcome.failure()


def test_nodes_within_their_limit_are_untouched() -> None:
    p = pipeline([node(inc, "a", "b", name="quick", tags=["timeout-30"])]).unwrap()
    runner = SequentialRunner()
    runner.node_timeout = 30
    assert is_successful(runner.run(p, DataCatalog({"a": 1})))


def _sleepy_run(tmp_path: Path, root: Path, *args: str) -> Done:
    """``kedro-pure run args`` with the project's ``nap`` node sleeping for a minute."""
    marker = {"KP_SLEEP_MARKER": str(tmp_path / "sleeping")}
    return kedro_pure("run", *args, cwd=root, env=marker, timeout=BOUND)


@pytest.mark.parametrize(
    "runner",
    ["SequentialRunner", "ParallelRunner", pytest.param("DaskRunner", marks=pytest.mark.slow)],
)
def test_the_cli_option_fails_the_run_with_the_resume_command(tmp_path: Path, runner: str) -> None:
    root = write_cli_project(tmp_path / "proj")
    done = _sleepy_run(
        tmp_path, root, "--runner", runner, "--pipelines", "prep,report", "--node-timeout", "1"
    )
    assert done.code == 5, done.stderr
    assert "node 'nap' did not finish within its time limit of 1 s" in done.stderr
    assert "--from-nodes" in done.stderr


def test_a_tag_that_is_not_a_time_limit_is_named_and_ignored(caplog: pytest.LogCaptureFixture) -> None:
    p = pipeline([node(inc, "a", "b", name="quick", tags=["timeout-soon"])]).unwrap()
    with caplog.at_level(logging.WARNING):
        assert is_successful(SequentialRunner().run(p, DataCatalog({"a": 1})))
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Node 'quick' has the tag 'timeout-soon'" in m and "timeout-600" in m for m in warned)


def test_a_config_file_sets_the_run_time_limit(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    config = tmp_path / "run.yml"
    config.write_text("run:\n  pipelines: prep,report\n  node_timeout: 1\n")
    done = _sleepy_run(tmp_path, root, "--config", str(config))
    assert done.code == 5, done.stderr
    assert "node 'nap' did not finish within its time limit of 1 s" in done.stderr
