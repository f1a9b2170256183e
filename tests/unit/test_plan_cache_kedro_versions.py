"""The plan cache over Kedro's versioned datasets (the unmodified starter's ``regressor``,
plots and confusion matrix are ``versioned: true`` kedro-datasets classes).

Such a dataset is observed by the bytes of the version a load reads, so an entry records that
file's digest and the listing of the versions folder that makes it the one read: a new
version, or other bytes in the one read, is a miss, and the full plan decides. Real
``kedro-pure`` processes on a copy of the starter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from kedro.io import Version
from kedro_datasets.pickle import PickleDataset

from core.incremental import DatasetState, Observation, StateKind
from shell.incremental.cache_entry_files import dataset_files
from shell.incremental.datasets import DigestCache, dataset_state, local_file
from tests.unit.starter_runs import BIN, STARTER, copy_starter, environment

pytestmark = pytest.mark.skipif(not STARTER.is_dir(), reason="the shared starter copy is not available")


def _saved(folder: Path, *versions: str) -> PickleDataset:
    for version in versions:
        PickleDataset(filepath=str(folder / "model.pickle"), version=Version(None, version)).save({"v": version})
    return PickleDataset(filepath=str(folder / "model.pickle"), version=Version(None, None))


def _recorded(dataset: PickleDataset, pinned: dict[str, str]) -> tuple[dict[str, str], dict[str, str]] | None:
    state = dataset_state(dataset, DigestCache({}))
    observation = Observation(nodes={}, datasets={"model": state})
    return dataset_files(observation, {"model": local_file(dataset)}, pinned)


def test_a_kedro_versioned_dataset_records_the_file_a_load_reads_and_the_listing(tmp_path: Path) -> None:
    older, newer = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"
    dataset = _saved(tmp_path, older, newer)
    folder = str(tmp_path / "model.pickle")
    assert local_file(dataset) == (folder, True)
    state = dataset_state(dataset, DigestCache({}))
    assert state.kind is StateKind.CONTENT

    recorded = _recorded(dataset, {})
    assert recorded is not None
    files, versions = recorded
    assert files == {f"{folder}/{newer}/model.pickle": state.value}
    assert list(versions) == [folder]


def test_a_pinned_load_version_records_that_version_s_file(tmp_path: Path) -> None:
    older, newer = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"
    _saved(tmp_path, older, newer)
    pinned = PickleDataset(filepath=str(tmp_path / "model.pickle"), version=Version(older, None))
    recorded = _recorded(pinned, {"model": older})
    assert recorded is not None
    assert list(recorded[0]) == [f"{tmp_path / 'model.pickle'}/{older}/model.pickle"]


def test_a_kedro_versioned_dataset_with_no_version_yet_is_not_cached(tmp_path: Path) -> None:
    dataset = PickleDataset(filepath=str(tmp_path / "model.pickle"), version=Version(None, None))
    observation = Observation(nodes={}, datasets={"model": DatasetState(StateKind.CONTENT, "digest:x")})
    assert dataset_files(observation, {"model": local_file(dataset)}, {}) is None


def _kedro_pure(project: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [str(BIN / "kedro-pure"), *args, "--json"], cwd=project, env=environment(),
        capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown: dict[str, object] = json.loads(done.stdout[done.stdout.index("{"):])
    return shown


def _decisions(plan: dict[str, object]) -> list[tuple[object, ...]]:
    nodes = plan["nodes"]
    assert isinstance(nodes, list)
    return [(n["name"], n["runs"], n["reason"], n["fingerprint"]) for n in nodes]


def _runs(plan: dict[str, object]) -> list[str]:
    runs = plan["runs"]
    assert isinstance(runs, list)
    return [str(name) for name in runs]


def _newest_regressor(project: Path) -> Path:
    # kedro-pure's own pickle.PickleDataset (observed by its version, not its bytes).
    folder = project / "data" / "06_models" / "regressor.pickle"
    return max(p for p in folder.iterdir() if p.is_dir())


@pytest.mark.slow
def test_the_starter_s_first_no_op_is_served_and_any_version_change_misses(tmp_path: Path) -> None:
    project = copy_starter(tmp_path / "starter")
    assert _kedro_pure(project, "run")["nodes_run"] == 9

    served = _kedro_pure(project, "plan", "--only-changed")
    assert served["from_cache"] is True and served["runs"] == []
    assert _decisions(served) == _decisions(_kedro_pure(project, "plan", "--only-changed", "--no-plan-cache"))

    # A new version of the regressor (other bytes): a load now reads it, so its reader runs.
    newest = _newest_regressor(project)
    later = newest.with_name("9999-12-31T23.59.59.999Z")
    shutil.copytree(newest, later)
    model = later / "regressor.pickle"
    model.write_bytes(model.read_bytes() + b"\n")  # still loads (pickle stops at its end mark)
    missed = _kedro_pure(project, "plan", "--only-changed")
    full = _kedro_pure(project, "plan", "--only-changed", "--no-plan-cache")
    assert missed["from_cache"] is False and _decisions(missed) == _decisions(full)
    assert "evaluate_model_node" in _runs(full)

    # Back to the versions the run left: served again. Then the bytes of a Kedro versioned
    # output's version changed in place (plotly.JSONDataset, observed by its bytes): a miss,
    # and its producer runs ("changed since it was written").
    shutil.rmtree(later)
    assert _kedro_pure(project, "plan", "--only-changed")["from_cache"] is True
    plot_folder = project / "data" / "08_reporting" / "shuttle_passenger_capacity_plot_go.json"
    plot = max(p for p in plot_folder.iterdir() if p.is_dir()) / plot_folder.name
    plot.write_text(plot.read_text() + "\n")
    missed = _kedro_pure(project, "plan", "--only-changed")
    full = _kedro_pure(project, "plan", "--only-changed", "--no-plan-cache")
    assert missed["from_cache"] is False and _decisions(missed) == _decisions(full)
    assert [name.split("__")[0] for name in _runs(full)] == ["compare_passenger_capacity_go"]

    # A new version of that plot: a miss as well (the listing changed), decided as in full.
    shutil.copytree(plot.parent, plot.parent.with_name("9999-12-31T23.59.59.999Z"))
    missed = _kedro_pure(project, "plan", "--only-changed")
    assert missed["from_cache"] is False
    assert _decisions(missed) == _decisions(_kedro_pure(project, "plan", "--only-changed", "--no-plan-cache"))
