"""Acceptance: the pristine ``spaceflights-pandas`` starter runs *unmodified* under kedro-pure.

Each case plays the same steps with ``kedro run`` (Kedro 1.7.0) and ``kedro-pure run`` on two
fresh copies of the starter, with the library versions ``SOURCE.md`` pins (the ``starter``
extra), and compares every file under ``data/`` byte for byte, the nodes completed in order,
and the records the project's ``conf/logging.yml`` writes to ``info.log``. Kedro's side runs
once per scenario per test session (:func:`kedro_outcomes`), and is shared with the migrated
cases at the end of this module (the starter after ``kedro-pure migrate --write``).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.unit.starter_runs import STARTER, Outcome, Step, copy_starter, differing, play

pytestmark = [
    pytest.mark.slow,
    pytest.mark.differential,
    pytest.mark.skipif(not STARTER.is_dir(), reason="the shared starter copy is not available"),
]

#: Kedro's scenarios: the steps played on one copy of the starter.
SCENARIOS: dict[str, tuple[Step, ...]] = {
    "default": ((),),
    "selective": (("--pipelines", "data_processing"), ("--from-nodes", "split_data_node")),
    "only_missing": (
        (),
        ("delete", "data/03_primary/model_input_table.parquet"),
        ("--only-missing-outputs",),
    ),
    "params": (("--params", "model_options.test_size=0.3"),),
}

KedroOutcomes = Callable[[str], Outcome]


@pytest.fixture(scope="session")
def kedro_outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KedroOutcomes]:
    """Kedro 1.7.0's outcome of a scenario, played once per test session."""
    played: dict[str, Outcome] = {}

    def outcome(scenario: str) -> Outcome:
        if scenario not in played:
            project = copy_starter(tmp_path_factory.mktemp("kedro") / "spaceflights-pandas")
            played[scenario] = play("kedro", project, SCENARIOS[scenario])
        return played[scenario]

    yield outcome


def assert_same_run(ours: Outcome, kedro: Outcome, *, ordered: bool = True) -> None:
    """Same files, same nodes (in the same order when ``ordered``), same log records."""
    assert differing(ours.files, kedro.files) == []
    if ordered:
        assert ours.nodes == kedro.nodes
        assert ours.records == kedro.records
    else:
        assert [sorted(n) for n in ours.nodes] == [sorted(n) for n in kedro.nodes]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_unmodified_starter_runs_as_with_kedro(
    scenario: str, tmp_path: Path, kedro_outcomes: KedroOutcomes
) -> None:
    ours = play("kedro-pure", copy_starter(tmp_path / "spaceflights-pandas"), SCENARIOS[scenario])

    assert_same_run(ours, kedro_outcomes(scenario))


def test_the_unmodified_starter_under_thread_runner_writes_kedros_bytes(
    tmp_path: Path, kedro_outcomes: KedroOutcomes
) -> None:
    ours = play("kedro-pure", copy_starter(tmp_path / "sp"), (("--runner", "ThreadRunner"),))

    assert_same_run(ours, kedro_outcomes("default"), ordered=False)


@pytest.mark.parametrize("runner", ["ParallelRunner", "DaskRunner"])
def test_the_unmodified_starter_under_process_runners_writes_kedros_bytes(
    runner: str, tmp_path: Path, kedro_outcomes: KedroOutcomes
) -> None:
    """Workers save the datasets' own files (``regressor.pickle``, the plotly JSON): the bytes
    of a sequential run and of Kedro's, not a copy re-pickled in the driver. Kedro has no
    DaskRunner; its sequential run is the reference for both."""
    if runner == "DaskRunner" and importlib.util.find_spec("distributed") is None:
        pytest.skip("the dask extra is not installed")

    ours = play("kedro-pure", copy_starter(tmp_path / "sp"), (("--runner", runner),))

    assert_same_run(ours, kedro_outcomes("default"), ordered=False)


def test_selective_loading_imports_only_the_requested_pipeline(tmp_path: Path) -> None:
    """``--pipelines data_processing`` with the starter's unmodified registry imports neither
    scikit-learn, matplotlib, plotly nor seaborn (Kedro 1.7 behaves the same)."""
    import subprocess

    from tests.unit.starter_runs import environment

    project = copy_starter(tmp_path / "sp")
    script = (
        "import sys\n"
        "from shell.cli.main import main\n"
        "code = main(['-q', 'run', '--pipelines', 'data_processing'])\n"
        "heavy = [m for m in ('sklearn', 'matplotlib', 'plotly', 'seaborn') if m in sys.modules]\n"
        "print('RESULT', code, ','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=environment(),
        capture_output=True, text=True, timeout=240, check=False,
    )

    assert "RESULT 0 \n" in done.stdout, done.stdout + done.stderr


# -- after `kedro-pure migrate --write` ----------------------------------------------------------


def migrated_starter(destination: Path) -> Path:
    """A copy of the starter after ``kedro-pure migrate --write`` (run as a real process)."""
    import subprocess

    from tests.unit.starter_runs import BIN, environment

    project = copy_starter(destination)
    done = subprocess.run(
        [str(BIN / "kedro-pure"), "-q", "migrate", "--write"], cwd=project, env=environment(),
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return project


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_migrated_starter_runs_as_kedro_runs_the_original(
    scenario: str, tmp_path: Path, kedro_outcomes: KedroOutcomes
) -> None:
    ours = play("kedro-pure", migrated_starter(tmp_path / "sp"), SCENARIOS[scenario])

    assert_same_run(ours, kedro_outcomes(scenario))


@pytest.mark.parametrize("runner", ["ThreadRunner", "ParallelRunner"])
def test_the_migrated_starter_under_concurrent_runners_writes_kedros_bytes(
    runner: str, tmp_path: Path, kedro_outcomes: KedroOutcomes
) -> None:
    ours = play("kedro-pure", migrated_starter(tmp_path / "sp"), (("--runner", runner),))

    assert_same_run(ours, kedro_outcomes("default"), ordered=False)


def test_the_starters_own_tests_pass_after_migration(tmp_path: Path) -> None:
    """The starter's ``tests/`` (session, runner and catalog use) pass against kedro-pure.

    Its ``addopts`` need pytest-cov, which the starter's dev extra brings and ours does not,
    so they are cleared; the package is found through ``PYTHONPATH`` instead of an install.
    """
    import subprocess

    from tests.unit.starter_runs import environment

    project = migrated_starter(tmp_path / "sp")
    env = {**environment(), "PYTHONPATH": str(project / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
