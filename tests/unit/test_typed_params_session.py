"""Typed parameters through a real project: the session validates them for the pipelines a run
names, when it builds the run's catalog (before any node runs), and nodes receive instances.
The CLI exits with 3 on invalid parameters and prints every offending key."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful

from core.errors import ConfigError, ConfigErrorReason
from shell.session import KedroSession
from tests.unit.project_factory import NodeSpec, ProjectSpec, unique_package, write_project

FUNCTIONS = '''
from dataclasses import dataclass

from pydantic import BaseModel, PositiveInt


class Model(BaseModel):
    depth: PositiveInt
    name: str = "m"


@dataclass
class Split:
    ratio: float


def train(options: Model, split: Split, raw: dict) -> str:
    assert isinstance(options, Model) and isinstance(split, Split) and isinstance(raw, dict)
    return f"{options.depth}-{split.ratio}-{options.name}"


def other(options: Model) -> int:
    return options.depth
'''


def _project(tmp_path: Path, parameters: str) -> tuple[Path, str]:
    package = unique_package("typed")
    spec = ProjectSpec(
        package=package,
        functions=FUNCTIONS,
        nodes=(
            NodeSpec("train", ["params:model", "params:split", "params:raw"], "trained", "train"),
            NodeSpec("other", "params:elsewhere", "counted", "other"),
        ),
        pipelines={"training": ("train",), "other": ("other",)},
        conf={"base/parameters.yml": parameters, "base/catalog.yml": "{}\n"},
    )
    return write_project(tmp_path / package, spec), package


VALID = "model:\n  depth: 3\nsplit:\n  ratio: 0.5\nraw:\n  a: 1\nelsewhere:\n  depth: 1\n"
INVALID = "model:\n  depth: -3\nsplit:\n  ratio: [1]\nraw:\n  a: 1\nelsewhere:\n  depth: 1\n"


def _events(package: str) -> list[list[Any]]:
    recorder = importlib.import_module(f"{package}.hooks")
    taken: list[list[Any]] = recorder.take()["events"]
    return taken


def test_nodes_receive_instances(tmp_path: Path) -> None:
    root, _ = _project(tmp_path, VALID)
    with KedroSession.create(root).unwrap() as session:
        outcome = session.run(pipeline_name="training")
    assert is_successful(outcome), outcome
    assert outcome.unwrap()["trained"].load() == "3-0.5-m"


def test_every_invalid_parameter_in_one_failure_before_any_node(tmp_path: Path) -> None:
    root, package = _project(tmp_path, INVALID)
    with KedroSession.create(root).unwrap() as session:
        _events(package)  # forget what creating the session recorded
        outcome = session.run(pipeline_name="training")
    error = outcome.failure()
    assert isinstance(error, ConfigError) and error.reason is ConfigErrorReason.PARAMETERS
    assert "- Parameter 'model': Failed to instantiate Model for parameter 'model'" in error.message
    assert "- Parameter 'split': " not in error.message  # a dataclass does not check types
    assert "Input should be greater than 0" in error.message  # the model's own text
    assert not [e for e in _events(package) if e[0] == "before_node_run"]


def test_only_the_pipelines_being_run_are_validated(tmp_path: Path) -> None:
    root, _ = _project(tmp_path, INVALID)
    with KedroSession.create(root).unwrap() as session:
        outcome = session.run(pipeline_name="other")
    assert is_successful(outcome), outcome


def test_no_requirements_logs_kedros_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root, _ = _project(tmp_path, VALID)
    (root / "src").joinpath(root.name, "nodes.py").write_text(
        FUNCTIONS.replace("options: Model, split: Split, raw: dict", "options, split, raw").replace(
            "assert isinstance(options, Model) and isinstance(split, Split) and isinstance(raw, dict)", "options = Model(**options); split = Split(**split)"
        ).replace("def other(options: Model)", "def other(options)").replace("return options.depth", "return options['depth']")
    )
    with caplog.at_level(logging.INFO, logger="kedro.validation.parameter_validator"), KedroSession.create(root).unwrap() as session:
        assert is_successful(session.run(pipeline_name="training"))
    assert "No typed parameter requirements found, returning original parameters" in caplog.text


def test_cli_exits_3_naming_the_keys(tmp_path: Path) -> None:
    root, _ = _project(tmp_path, INVALID)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("kedro-pure")), "run", "--pipelines", "training"],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "Parameter validation failed" in done.stderr and "'model'" in done.stderr
