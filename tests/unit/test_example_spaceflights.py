"""The ``examples/spaceflights`` project runs end to end with kedro-pure, pipeline by pipeline.

Each test works on its own copy of the example (without generated data), so runs never touch
the repository and tests do not depend on each other.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from returns.result import Success

from shell.runners.runner import AbstractRunner
from shell.runners.sequential import SequentialRunner
from shell.runners.thread import ThreadRunner
from shell.session import KedroSession

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spaceflights"
PACKAGE = "spaceflights"
CANDIDATES = ("candidate_a", "candidate_b")
NAMED_PIPELINES = ("data_processing", "feature_engineering", "data_science", "reporting")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the example; its package is dropped from ``sys.modules`` afterwards."""
    root = tmp_path / "spaceflights"
    shutil.copytree(
        EXAMPLE,
        root,
        ignore=shutil.ignore_patterns("0[2-8]_*", "sessions", "__pycache__", "*.pyc"),
    )
    saved_path = list(sys.path)
    try:
        yield root
    finally:
        sys.path[:] = saved_path
        for name in list(sys.modules):
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                del sys.modules[name]
        importlib.invalidate_caches()


def _run(
    root: Path,
    *,
    runner: AbstractRunner | None = None,
    pipeline_names: list[str] | None = None,
    tags: list[str] | None = None,
) -> set[str]:
    """Run in a new session; the names of the run's free outputs."""
    with KedroSession.create(root).unwrap() as session:
        outcome = session.run(runner=runner, pipeline_names=pipeline_names, tags=tags)
    assert isinstance(outcome, Success), outcome
    return set(outcome.unwrap())


def _versions(root: Path, relative: str) -> list[Path]:
    """The saved versions of a versioned dataset, oldest first."""
    name = Path(relative).name
    return sorted((root / relative).glob(f"*/{name}"))


def _metrics(root: Path, candidate: str) -> dict[str, float]:
    latest = _versions(root, f"data/08_reporting/{candidate}/metrics.json")[-1]
    loaded: dict[str, float] = json.loads(latest.read_text())
    return loaded


def test_the_default_pipeline_trains_and_evaluates_both_candidates(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=f"{PACKAGE}.hooks")

    outputs = _run(project, runner=SequentialRunner())

    assert outputs == {"feature_summary", "model_comparison", "price_by_engine_type"}
    rows = len(pd.read_parquet(project / "data/03_primary/model_input_table.parquet"))
    assert 300 < rows <= 400
    metrics = {}
    for candidate in CANDIDATES:
        models = _versions(project, f"data/06_models/{candidate}/regressor.pickle")
        assert len(models) == 1
        assert len(_versions(project, f"data/08_reporting/{candidate}/metrics.json")) == 1
        metrics[candidate] = scores = _metrics(project, candidate)
        assert 0.5 < scores["r2"] <= 1.0
        assert 0.0 < scores["mae"] <= scores["rmse"]
        assert scores["test_rows"] == round(rows * 0.2)
        predictions = pd.read_csv(project / f"data/07_model_output/{candidate}/predictions.csv")
        assert len(predictions) == scores["test_rows"]
        with models[0].open("rb") as stream:
            model = pickle.load(stream)
        assert len(model.coefficients) == len(model.features) > 0
    # candidate_b sees more features, so it must fit at least as well on the same rows.
    assert metrics["candidate_b"]["r2"] >= metrics["candidate_a"]["r2"]

    comparison = json.loads((project / "data/08_reporting/model_comparison.json").read_text())
    assert comparison["best"] == "candidate_b"
    assert comparison["metrics"] == metrics

    # The monitoring hook from settings.py logged every node and the run.
    logged = [r.getMessage() for r in caplog.records if r.name == f"{PACKAGE}.hooks"]
    assert any(m.startswith("Node candidate_a.train_model_node took") for m in logged)
    assert any("create_model_input_table_node" in m and f"model_input_table: {rows} rows" in m for m in logged)
    assert any(m.startswith("Run of 15 nodes took") for m in logged)


def test_each_named_pipeline_runs_on_its_own_in_order(project: Path) -> None:
    produced: dict[str, set[str]] = {}
    for name in NAMED_PIPELINES:
        produced[name] = _run(project, pipeline_names=[name], runner=SequentialRunner())

    assert produced["data_processing"] == {"model_input_table"}
    assert produced["feature_engineering"] == {"feature_summary"}
    assert (project / "data/04_feature/model_features.parquet").is_file()
    assert produced["data_science"] == {f"{c}.metrics" for c in CANDIDATES}
    assert produced["reporting"] == {"model_comparison", "price_by_engine_type"}
    comparison = json.loads((project / "data/08_reporting/model_comparison.json").read_text())
    assert comparison["best"] in CANDIDATES
    summary = pd.read_csv(project / "data/08_reporting/price_by_engine_type.csv")
    assert set(summary["engine_type"]) == {"Nuclear", "Plasma", "Quantum"}


def test_the_thread_runner_gives_the_same_models_and_adds_versions(project: Path) -> None:
    _run(project, runner=SequentialRunner())
    sequential = {c: _metrics(project, c) for c in CANDIDATES}

    _run(project, runner=ThreadRunner())

    for candidate in CANDIDATES:
        assert len(_versions(project, f"data/06_models/{candidate}/regressor.pickle")) == 2
        assert len(_versions(project, f"data/08_reporting/{candidate}/metrics.json")) == 2
        assert _metrics(project, candidate) == sequential[candidate]


def test_a_tag_selects_one_candidate(project: Path) -> None:
    _run(project)

    outputs = _run(project, tags=["candidate_b"])

    assert outputs == {"candidate_b.metrics"}
    assert len(_versions(project, "data/08_reporting/candidate_b/metrics.json")) == 2
    assert len(_versions(project, "data/08_reporting/candidate_a/metrics.json")) == 1


def test_make_data_reproduces_the_shipped_raw_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("spaceflights_make_data", EXAMPLE / "scripts" / "make_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    module.main(tmp_path)

    for name in ("companies.csv", "shuttles.csv", "reviews.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / name), pd.read_csv(EXAMPLE / "data" / "01_raw" / name)
        )
