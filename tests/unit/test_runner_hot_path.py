"""What the runners' per-node fast path must not change.

The loop uses the datasets resolved at warm-up and skips hooks without implementations; these
tests pin that a catalog overriding its data operations is still called through them, that a
failing load or save reports the same error either way, and that a partial set of hook
implementations still sees every call it implements, and that a dataset with a validator is
validated on its loads and saves during a run (through the catalog), as in Kedro.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from returns.pipeline import is_successful

from core import Pipeline, node, pipeline
from core.errors import DataValidationError, RunErrorReason
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import DataCatalog, MemoryDataset
from shell.runners import AbstractRunner, SequentialRunner, ThreadRunner

FX = "tests.unit.validation_fixtures"


def _double(x: int) -> int:
    return 2 * x


def _identity(x: object) -> object:
    return x


def _chain() -> Pipeline:
    return pipeline(
        [node(_double, "a", "b", name="first"), node(_double, "b", "c", name="second")]
    ).unwrap()


class CountingCatalog(DataCatalog):
    """Overrides the data operations: the runner must call them, not bypass them."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.calls: list[tuple[str, str]] = []

    def load(self, name: str, version: str | None = None):  # type: ignore[no-untyped-def]
        self.calls.append(("load", name))
        return super().load(name, version)

    def save(self, name: str, data: object):  # type: ignore[no-untyped-def]
        self.calls.append(("save", name))
        return super().save(name, data)


class BrokenDataset(MemoryDataset):
    def load(self) -> object:
        raise OSError("disk on fire")


RUNNERS = [SequentialRunner, lambda: ThreadRunner(max_workers=2)]


@pytest.mark.parametrize("make", RUNNERS)
def test_a_catalog_overriding_load_and_save_is_called_through_them(make: type[AbstractRunner]) -> None:
    catalog = CountingCatalog({"a": MemoryDataset(data=1)})

    result = make().run(_chain(), catalog)

    assert is_successful(result)
    assert catalog.calls == [("load", "a"), ("save", "b"), ("load", "b"), ("save", "c")]
    assert catalog.load("c").unwrap() == 4


@pytest.mark.parametrize("catalog_class", [DataCatalog, CountingCatalog])
def test_a_failing_load_reports_the_same_error_on_either_path(catalog_class: type[DataCatalog]) -> None:
    catalog = catalog_class({"a": BrokenDataset(data=1)})

    error = SequentialRunner().run(_chain(), catalog).failure()

    assert error.reason is RunErrorReason.DATASET
    assert error.node == "first"
    assert error.message.startswith("a: Failed while loading data from dataset")
    assert "disk on fire" in error.message


@pytest.mark.parametrize("catalog_class", [DataCatalog, CountingCatalog])
def test_saving_none_fails_the_node_on_either_path(catalog_class: type[DataCatalog]) -> None:
    def nothing(x: int) -> None:
        return None

    catalog = catalog_class({"a": MemoryDataset(data=1)})

    error = SequentialRunner().run(pipeline([node(nothing, "a", "b", name="n")]).unwrap(), catalog).failure()

    assert (error.reason, error.node) == (RunErrorReason.DATASET, "n")
    assert error.message == "b: Saving 'None' to a 'Dataset' is not allowed"


class OnlyAfterLoad:
    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: object) -> None:
        self.seen.append((dataset_name, data))


@pytest.mark.parametrize("make", RUNNERS)
def test_a_partial_set_of_hook_implementations_sees_every_call(make: type[AbstractRunner]) -> None:
    hooks = _create_hook_manager()
    recorder = OnlyAfterLoad()
    hooks.register(recorder)

    assert is_successful(make().run(_chain(), DataCatalog({"a": MemoryDataset(data=3)}), hooks))

    assert recorder.seen == [("a", 3), ("b", 6)]


def _nums_catalogs(tmp_path: Path, validator: str, data: list[int]) -> tuple[DataCatalog, Any]:
    from kedro.io import DataCatalog as KedroCatalog

    path = tmp_path / "nums.json"
    path.write_text(json.dumps(data))
    entry = {"filepath": str(path), "validator": validator}
    ours = DataCatalog.from_config({"nums": {"type": "json.JSONDataset", **entry}}).unwrap()
    kedros = KedroCatalog.from_config({"nums": {"type": "kedro_datasets.json.JSONDataset", **entry}})
    return ours, kedros


def _kedro_run(catalog: Any, *, func: Any, inputs: str, outputs: str) -> Any:
    from kedro.pipeline import Pipeline as KedroPipeline
    from kedro.pipeline import node as kedro_node
    from kedro.runner import SequentialRunner as KedroSequentialRunner

    return KedroSequentialRunner().run(KedroPipeline([kedro_node(func, inputs, outputs, name="n")]), catalog)


@pytest.mark.parametrize("make", RUNNERS)
def test_a_validated_load_in_a_run_fails_the_node_as_in_kedro(make: type[AbstractRunner], tmp_path: Path) -> None:
    """Datasets with a validator are loaded through the catalog, which validates them."""
    from kedro.validation.exceptions import DataValidationError as KedroValidationError

    ours, kedros = _nums_catalogs(tmp_path, f"{FX}.AllPositive", [1, -2])
    with pytest.raises(KedroValidationError) as kedro_error:
        _kedro_run(kedros, func=_identity, inputs="nums", outputs="out")

    error = make().run(pipeline([node(_identity, "nums", "out", name="n")]).unwrap(), ours).failure()

    assert (error.reason, error.node) == (RunErrorReason.DATASET, "n")
    assert isinstance(error.cause, DataValidationError)
    assert error.message == str(kedro_error.value)


@pytest.mark.parametrize("make", RUNNERS)
def test_a_validated_save_in_a_run_writes_nothing_as_in_kedro(make: type[AbstractRunner], tmp_path: Path) -> None:
    from kedro.validation.exceptions import DataValidationError as KedroValidationError

    ours, kedros = _nums_catalogs(tmp_path, f"{FX}.AllPositive", [5])
    ours["source"] = MemoryDataset(data=[1, -1])
    kedros["source"] = [1, -1]
    with pytest.raises(KedroValidationError) as kedro_error:
        _kedro_run(kedros, func=_identity, inputs="source", outputs="nums")

    error = make().run(pipeline([node(_identity, "source", "nums", name="n")]).unwrap(), ours).failure()

    assert isinstance(error.cause, DataValidationError) and error.message == str(kedro_error.value)
    assert json.loads((tmp_path / "nums.json").read_text()) == [5]
