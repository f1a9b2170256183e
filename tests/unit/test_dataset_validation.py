"""Dataset validators (Kedro 1.6/1.7): declarations, the load/save funnel, the setting and the
environment switch, Pandera schemas, ``validate_dataset``/``validate_catalog`` and
``kedro-pure catalog validate``; messages and outcomes compared with Kedro 1.7.0 where Kedro
has the same function.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from kedro.io import DataCatalog as KedroCatalog
from kedro.validation import validate_dataset as kedro_validate_dataset
from kedro.validation.core import ValidatorSpec as KedroSpec
from kedro.validation.exceptions import DataValidationError as KedroValidationError
from kedro.validation.exceptions import ValidationConfigurationError
from returns.pipeline import is_successful

from core.errors import DatasetErrorReason, DataValidationError
from core.validation import ValidationStatus, parse_validator_spec
from shell.io import DataCatalog
from shell.validation_api import validate_catalog, validate_dataset
from tests.unit import validation_fixtures as fx
from tests.unit.cli_projects import kedro_pure, write_cli_project

FX = "tests.unit.validation_fixtures"


def _entry(path: Path, validator: object) -> dict[str, Any]:
    return {"type": "json.JSONDataset", "filepath": str(path), "validator": validator}


def _kedro_entry(path: Path, validator: object) -> dict[str, Any]:
    return {"type": "kedro_datasets.json.JSONDataset", "filepath": str(path), "validator": validator}


def _both(tmp_path: Path, validator: object, data: object = None) -> tuple[DataCatalog, Any]:
    path = tmp_path / "nums.json"
    if data is not None:
        path.write_text(json.dumps(data))
    ours = DataCatalog.from_config({"nums": _entry(path, validator)}).unwrap()
    kedros = KedroCatalog.from_config({"nums": _kedro_entry(path, validator)})
    return ours, kedros


# -- declarations ---------------------------------------------------------------------------

BAD_DECLARATIONS: list[object] = [
    [f"{FX}.AllPositive"],
    3,
    {"class": ""},
    {"class": f"{FX}.AllPositive", "on": "read"},
    {"class": f"{FX}.AllPositive", "on": []},
    {"class": f"{FX}.AllPositive", "severity": "fatal"},
    {"class": f"{FX}.AllPositive", "options": [1]},
    {"class": f"{FX}.AllPositive", "enabled": "yes"},
    {"class": f"{FX}.AllPositive", "colour": "red"},
    {"class": f"{FX}.AllPositive", True: "load", "on": "save"},
]


@pytest.mark.parametrize("declared", BAD_DECLARATIONS)
def test_bad_declarations_are_refused_with_kedros_message(declared: object) -> None:
    with pytest.raises(ValidationConfigurationError) as kedros:
        KedroSpec.from_dataset_config("ds", declared)
    error = parse_validator_spec("ds", declared).failure()
    assert error.message == str(kedros.value)
    built = DataCatalog.from_config({"ds": {"type": "json.JSONDataset", "filepath": "x.json", "validator": declared}})
    assert built.failure().message == str(kedros.value)


@pytest.mark.parametrize(
    "declared",
    [f"{FX}.AllPositive", {"class": f"{FX}.AllPositive", "on": ["save"], "severity": "warn", "options": {"minimum": 2}},
     {"class": f"{FX}.AllPositive", True: "load", "enabled": False, "skip_load_after_save": True}],
)
def test_good_declarations_parse_as_kedros(declared: object) -> None:
    ours, theirs = parse_validator_spec("ds", declared).unwrap(), KedroSpec.from_dataset_config("ds", declared)
    assert (ours.class_path, ours.on, ours.severity, ours.enabled, ours.skip_load_after_save, dict(ours.options)) == (
        theirs.class_path, theirs.on, theirs.severity, theirs.enabled, theirs.skip_load_after_save, theirs.options,
    )
    assert ours.to_config() == theirs.to_config()


# -- the load/save funnel -------------------------------------------------------------------


def test_load_is_validated_with_kedros_message(tmp_path: Path) -> None:
    ours, kedros = _both(tmp_path, f"{FX}.AllPositive", [1, -2, -3])
    error = ours.load("nums").failure()
    assert isinstance(error, DataValidationError) and error.reason is DatasetErrorReason.VALIDATION
    assert (error.dataset, error.mode, error.validator) == ("nums", "load", f"{FX}.AllPositive")
    with pytest.raises(KedroValidationError) as kedro_error:
        kedros.load("nums")
    assert error.message == str(kedro_error.value)


def test_a_refused_save_leaves_the_file_untouched(tmp_path: Path) -> None:
    ours, kedros = _both(tmp_path, f"{FX}.AllPositive", [5])
    before = (tmp_path / "nums.json").read_bytes()
    error = ours.save("nums", [1, -1]).failure()
    assert isinstance(error, DataValidationError) and error.mode == "save"
    assert (tmp_path / "nums.json").read_bytes() == before
    with pytest.raises(KedroValidationError) as kedro_error:
        kedros.save("nums", [1, -1])
    assert error.message == str(kedro_error.value)
    assert is_successful(ours.save("nums", [7]))
    assert ours.load("nums").unwrap() == [7]


def test_coerced_data_replaces_the_original(tmp_path: Path) -> None:
    ours, kedros = _both(tmp_path, f"{FX}.Doubling", [1, 2])
    assert ours.load("nums").unwrap() == kedros.load("nums") == [2, 4]


def test_warn_severity_logs_and_keeps_the_data(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ours, _ = _both(tmp_path, {"class": f"{FX}.AllPositive", "severity": "warn"}, [-1])
    with caplog.at_level(logging.WARNING):
        assert ours.load("nums").unwrap() == [-1]
    assert "Validation failed for dataset 'nums' on load" in caplog.text


def test_modes_options_enabled_and_skip_after_save(tmp_path: Path) -> None:
    save_only, _ = _both(tmp_path, {"class": f"{FX}.AllPositive", "on": "save", "options": {"minimum": 3}}, [1])
    assert save_only.load("nums").unwrap() == [1]
    assert not is_successful(save_only.save("nums", [2]))
    disabled, _ = _both(tmp_path, {"class": f"{FX}.AllPositive", "enabled": False}, [-1])
    assert disabled.load("nums").unwrap() == [-1]
    skipping, _ = _both(tmp_path, {"class": f"{FX}.Doubling", "skip_load_after_save": True}, [1])
    assert skipping.load("nums").unwrap() == [2]
    assert is_successful(skipping.save("nums", [3]))  # saved as [6]
    assert skipping.load("nums").unwrap() == [6]  # not validated again after its own save


@pytest.mark.parametrize(
    ("setting", "environment", "validates"),
    [(True, None, True), (False, None, False), (False, "on", True), (True, "0", False), (True, "maybe", True), (False, " TRUE ", True)],
)
def test_setting_and_environment_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: bool, environment: str | None, validates: bool
) -> None:
    ours, kedros = _both(tmp_path, f"{FX}.AllPositive", [-1])
    if environment is None:
        monkeypatch.delenv("KEDRO_DATASET_VALIDATION", raising=False)
    else:
        monkeypatch.setenv("KEDRO_DATASET_VALIDATION", environment)
    ours.validation_enabled = setting
    kedros.validation_enabled = setting
    assert is_successful(ours.load("nums")) is not validates
    try:
        kedros.load("nums")
        kedro_validated = False
    except KedroValidationError:
        kedro_validated = True
    assert kedro_validated is validates


def test_a_pattern_declares_a_validator_for_its_names(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[-1]")
    catalog = DataCatalog.from_config(
        {"{name}_nums": {"type": "json.JSONDataset", "filepath": str(tmp_path / "{name}.json"), "validator": f"{FX}.AllPositive"}}
    ).unwrap()
    assert isinstance(catalog.load("a_nums").failure(), DataValidationError)
    assert "a_nums" in catalog.validator_specs


# -- Pandera --------------------------------------------------------------------------------


def _csv(tmp_path: Path, validator: str) -> DataCatalog:
    return DataCatalog.from_config(
        {"prices": {"type": "pandas.CSVDataset", "filepath": str(tmp_path / "prices.csv"), "validator": validator}}
    ).unwrap()


def test_pandera_schema_reports_every_failed_check(tmp_path: Path) -> None:
    fx.frame([1.0, -5.0, 2000.0], ["ok", "", "far too long a name"]).to_csv(tmp_path / "prices.csv", index=False)
    error = _csv(tmp_path, f"{FX}.PRICES").load("prices").failure()
    assert isinstance(error, DataValidationError)
    checks = {(f.column, f.check): f.failure_count for f in error.failures}
    assert checks == {  # the empty name reads back from CSV as a missing value
        ("price", "greater_than_or_equal_to(0)"): 1,
        ("price", "less_than_or_equal_to(1000)"): 1,
        ("name", "not_nullable"): 1,
        ("name", "str_length(1, 10)"): 1,
    }
    assert "4 check(s) failed — 4 failure case(s):" in error.message


def test_pandera_model_and_a_refused_save(tmp_path: Path) -> None:
    catalog = _csv(tmp_path, f"{FX}.Prices")
    assert is_successful(catalog.save("prices", fx.frame([1.0], ["a"])))
    before = (tmp_path / "prices.csv").read_bytes()
    error = catalog.save("prices", fx.frame([-1.0], ["a"])).failure()
    assert isinstance(error, DataValidationError) and error.failures[0].failure_examples == (-1.0,)
    assert (tmp_path / "prices.csv").read_bytes() == before


# -- validate_dataset / validate_catalog ----------------------------------------------------


def test_statuses_match_kedro(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text("[1]")
    (tmp_path / "bad.json").write_text("[-1]")
    config: dict[str, dict[str, Any]] = {
        "good": {"filepath": str(tmp_path / "good.json"), "validator": f"{FX}.AllPositive"},
        "bad": {"filepath": str(tmp_path / "bad.json"), "validator": {"class": f"{FX}.AllPositive", "severity": "warn"}},
        "save_only": {"filepath": str(tmp_path / "good.json"), "validator": {"class": f"{FX}.AllPositive", "on": "save"}},
        "plain": {"filepath": str(tmp_path / "good.json")},
        "missing_file": {"filepath": str(tmp_path / "nope.json"), "validator": f"{FX}.non_empty"},
        "unresolvable": {"filepath": str(tmp_path / "good.json"), "validator": f"{FX}.NOT_A_VALIDATOR"},
        "no_module": {"filepath": str(tmp_path / "good.json"), "validator": "no_such_package.Validator"},
    }
    ours = DataCatalog.from_config({k: {"type": "json.JSONDataset", **v} for k, v in config.items()}).unwrap()
    kedros = KedroCatalog.from_config({k: {"type": "kedro_datasets.json.JSONDataset", **v} for k, v in config.items()})
    for name in [*config, "not_in_catalog"]:
        mine, theirs = validate_dataset(ours, name), kedro_validate_dataset(kedros, name)
        assert (mine.status.value, mine.error_type, mine.reason) == (theirs.status, theirs.error_type, theirs.reason), name
        if mine.status is ValidationStatus.FAILED:
            assert mine.message == theirs.message
    assert validate_dataset(ours, "good").data == [1]
    results = validate_catalog(ours)
    assert sorted(results) == sorted(n for n in config if n != "plain")
    assert not results["bad"] and results["good"]


def test_catalog_validate_command(tmp_path: Path) -> None:
    conf = "base/catalog.yml"
    root = write_cli_project(tmp_path / "proj")
    catalog_yml = (root / "conf" / conf).read_text()
    (root / "data" / "raw_nums.json").write_text("[1, -2]")
    (root / "conf" / conf).write_text(
        catalog_yml + f"raw_nums:\n  type: json.JSONDataset\n  filepath: data/raw_nums.json\n  validator: {FX}.AllPositive\n"
    )
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    failed = kedro_pure("catalog", "validate", "--json", cwd=root, env=env)
    assert failed.code == 5, failed
    record: Any = failed.json()
    assert record[0]["dataset_name"] == "raw_nums" and record[0]["status"] == "failed"
    (root / "data" / "raw_nums.json").write_text("[1, 2]")
    passed = kedro_pure("catalog", "validate", cwd=root, env=env)
    assert passed.code == 0, passed
    assert "passed" in passed.stdout
