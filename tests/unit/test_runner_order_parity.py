"""A run's order of loads and hooks on failure, and its errors, against Kedro 1.7.0."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from kedro.framework.hooks import hook_impl as kedro_hook_impl
from kedro.framework.hooks.manager import _create_hook_manager as kedro_hook_manager
from kedro.io import AbstractDataset as KedroAbstractDataset
from kedro.io import DataCatalog as KedroCatalog
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.runner import SequentialRunner as KedroSequentialRunner
from returns.pipeline import is_successful

from core import RunErrorReason, node, pipeline
from shell.hooks import _create_hook_manager, hook_impl
from shell.io import DataCatalog
from shell.io.contract import AbstractDataset
from shell.runners import SequentialRunner, ThreadRunner

pytestmark = pytest.mark.differential


def use(a: Any, b: Any, c: Any) -> Any:
    return 1


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    @hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        self.calls.append(("before_dataset_loaded", dataset_name))

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        self.calls.append(("after_dataset_loaded", dataset_name))


class KedroRecorder(Recorder):
    @kedro_hook_impl
    def before_dataset_loaded(self, dataset_name: str) -> None:
        self.calls.append(("before_dataset_loaded", dataset_name))

    @kedro_hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        self.calls.append(("after_dataset_loaded", dataset_name))


class Source(AbstractDataset):
    def __init__(self, name: str, loads: list[str]) -> None:
        self._name, self._loads = name, loads

    def load(self) -> object:
        self._loads.append(self._name)
        if self._name == "bad":
            raise OSError("cannot read bad")
        return 0

    def save(self, data: object) -> None:
        del data

    def _describe(self) -> Mapping[str, object]:
        return {}


class KedroSource(KedroAbstractDataset[Any, Any]):
    def __init__(self, name: str, loads: list[str]) -> None:
        self._name, self._loads = name, loads

    def load(self) -> Any:
        self._loads.append(self._name)
        if self._name == "bad":
            raise OSError("cannot read bad")
        return 0

    def save(self, data: Any) -> None:
        del data

    def _describe(self) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize("runner", [SequentialRunner, ThreadRunner])
def test_a_failed_load_stops_the_node_before_its_next_input_as_in_kedro(runner: type[Any]) -> None:
    names = ["a", "bad", "c"]
    kedro_loads: list[str] = []
    kedro_hooks = kedro_hook_manager()
    kedro_recorder = KedroRecorder()
    kedro_hooks.register(kedro_recorder)
    with pytest.raises(Exception, match="cannot read bad"):
        KedroSequentialRunner().run(
            KedroPipeline([kedro_node(use, names, "out", name="n")]),
            KedroCatalog({n: KedroSource(n, kedro_loads) for n in names}),
            kedro_hooks,
        )
    loads: list[str] = []
    hooks = _create_hook_manager()
    recorder = Recorder()
    hooks.register(recorder)
    result = runner().run(
        pipeline([node(use, names, "out", name="n")]).unwrap(), DataCatalog({n: Source(n, loads) for n in names}), hooks
    )
    assert not is_successful(result)
    assert loads == kedro_loads == ["a", "bad"]
    assert recorder.calls == kedro_recorder.calls


def test_a_missing_pipeline_input_carries_kedros_value_error() -> None:
    with pytest.raises(ValueError) as kedros:
        KedroSequentialRunner().run(KedroPipeline([kedro_node(use, ["a", "b", "c"], "out", name="n")]), KedroCatalog({"a": KedroSource("a", []), "b": KedroSource("b", [])}))
    result = SequentialRunner().run(
        pipeline([node(use, ["a", "b", "c"], "out", name="n")]).unwrap(), DataCatalog({"a": Source("a", []), "b": Source("b", [])})
    )
    error = result.failure()
    assert error.reason is RunErrorReason.UNSATISFIED_INPUTS
    # What on_pipeline_error receives: Kedro's exception type and text.
    assert type(error.cause) is ValueError
    assert str(error.cause) == str(kedros.value) == error.message
