"""``kedro-pure new`` then ``kedro-pure run``, and the ``examples/spaceflights`` project end to
end, through the real console script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.unit.cli_projects import kedro_pure

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "spaceflights"


def test_a_new_project_runs_as_soon_as_it_is_created(tmp_path: Path) -> None:
    created = kedro_pure("new", "station", "--name", "Weather Station", "--package", "weather_station", cwd=tmp_path)
    root = tmp_path / "station"
    ran = kedro_pure("run", "--json", cwd=root)
    listed = kedro_pure("-P", str(root), "registry", "list", "--json", cwd=tmp_path)

    assert created.code == 0, created
    assert f"Created {root.resolve()}" in created.stderr
    assert "cd station && kedro-pure run" in created.stderr
    assert 'package_name = "weather_station"' in (root / "pyproject.toml").read_text()
    assert (root / "src" / "weather_station" / "pipeline_registry.py").is_file()
    assert ran.code == 0, ran
    summary = ran.json()
    assert isinstance(summary, dict)
    assert summary["status"] == "success"
    assert summary["failed"] == 0
    registry = listed.json()
    assert isinstance(registry, list)
    default = next(row for row in registry if row["name"] == "__default__")
    assert summary["nodes_run"] == default["nodes"] > 0
    written = {p.relative_to(root / "data").parts[0] for p in (root / "data").rglob("*") if p.is_file()}
    assert written - {"01_raw"}, "the run wrote no data"


def test_new_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")

    done = kedro_pure("new", "busy", cwd=tmp_path)

    assert done.code == 3, done
    assert "is not empty" in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "keep me"


@pytest.mark.slow
def test_the_spaceflights_example_runs_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    root = tmp_path / "spaceflights"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("0[2-8]_*", "sessions", "__pycache__", "*.pyc"))

    ran = kedro_pure("run", "--json", cwd=root)
    again = kedro_pure("plan", "--only-missing-outputs", "--format", "json", cwd=root)

    assert ran.code == 0, ran
    summary = ran.json()
    assert isinstance(summary, dict)
    assert (summary["status"], summary["failed"]) == ("success", 0)
    assert summary["nodes_run"] == 15
    comparison = json.loads((root / "data" / "08_reporting" / "model_comparison.json").read_text())
    assert comparison
    # Every output the run saved is found by the next plan: nothing would run again.
    assert again.code == 0, again
    plan = again.json()
    assert isinstance(plan, dict)
    assert plan["groups"] == []
    assert len(plan["nodes"]) == 15
    assert {(n["runs"], n["reason"]) for n in plan["nodes"]} == {(False, "outputs_exist")}
