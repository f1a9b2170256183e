"""The warnings Kedro 1.7.0 gives, given by kedro-pure with Kedro's texts."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from typing import Any

import pytest
from kedro.io import AbstractDataset as KedroAbstractDataset
from kedro.io import DataCatalog as KedroCatalog
from kedro.io import MemoryDataset as KedroMemoryDataset
from kedro.pipeline import Pipeline as KedroPipeline
from kedro.pipeline import node as kedro_node
from kedro.pipeline.node import _DOTTED_DATASET_NAME_WARNED
from kedro.pipeline.node import Node as KedroNode
from kedro.runner import SequentialRunner as KedroSequentialRunner

from core import node, pipeline
from core.node import DOTTED_NAME_WARNING, dotted_dataset_names
from shell.io import DataCatalog, MemoryDataset
from shell.io.contract import AbstractDataset
from shell.runners import SequentialRunner

pytestmark = pytest.mark.differential


def chatty(x: Any) -> Any:
    return {"value": x}


def test_a_node_without_outputs_returning_a_value_warns_as_kedros() -> None:
    with pytest.warns(UserWarning) as kedros:
        KedroSequentialRunner().run(
            KedroPipeline([kedro_node(chatty, "a", None, name="talker")]), KedroCatalog({"a": KedroMemoryDataset(1)})
        )
    with pytest.warns(UserWarning) as ours:
        SequentialRunner().run(
            pipeline([node(chatty, "a", None, name="talker")]).unwrap(), DataCatalog({"a": MemoryDataset(1)})
        )
    theirs = [str(w.message) for w in kedros if "outputs=None" in str(w.message)]
    assert theirs and [str(w.message) for w in ours if "outputs=None" in str(w.message)] == theirs


class NoExists(AbstractDataset):
    def load(self) -> object:
        return 1

    def save(self, data: object) -> None:
        del data

    def _describe(self) -> Mapping[str, object]:
        return {}


class KedroNoExists(KedroAbstractDataset[Any, Any]):
    def load(self) -> Any:
        return 1

    def save(self, data: Any) -> None:
        del data

    def _describe(self) -> dict[str, Any]:
        return {}


def test_exists_not_implemented_logs_kedros_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kedro.io.core"):
        assert KedroNoExists().exists() is False
        assert NoExists().exists() is False
    records = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == "kedro.io.core"]
    kedros, ours = records
    assert ours[:2] == kedros[:2]
    assert ours[2] == kedros[2].replace("KedroNoExists", "NoExists")
    assert ours[2] == "'exists()' not implemented for 'NoExists'. Assuming output does not exist."


DOTTED_CASES = [
    (["a.b"], "c", None),
    (["a"], "c.d", None),
    (["params:a.b"], "c", None),
    (["ns.a"], "ns.b", "ns"),
    (["ns.a"], "other.b", "ns"),
    (["ns.a"], "b", "ns.inner"),
    (["nsx.a"], "b", "ns"),
    (["a"], "b", "ns"),
]


@pytest.mark.parametrize(("inputs", "outputs", "namespace"), DOTTED_CASES)
def test_dotted_dataset_names_are_found_as_kedro_warns(inputs: list[str], outputs: str, namespace: str | None) -> None:
    setattr(KedroNode, _DOTTED_DATASET_NAME_WARNED, False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kedro_node(chatty, inputs, outputs, name="n", namespace=namespace)
    kedro_warned = [str(w.message) for w in caught if "'.' characters" in str(w.message)]
    ours = dotted_dataset_names(node(chatty, inputs, outputs, name="n", namespace=namespace))
    assert bool(ours) == bool(kedro_warned)
    if kedro_warned:
        assert kedro_warned == [DOTTED_NAME_WARNING]


def test_an_interrupted_namespace_is_reported_with_kedros_message() -> None:
    from kedro.pipeline import Pipeline as KPipeline

    from core.namespace_check import interrupted_namespaces

    specs = [("a", "b", "x", "ns"), ("b", "c", "y", None), ("c", "d", "z", "ns")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        KPipeline([kedro_node(chatty, i, o, name=n, namespace=ns) for i, o, n, ns in specs])
    theirs = [str(w.message) for w in caught if "is interrupted" in str(w.message)]
    ours = interrupted_namespaces(pipeline([node(chatty, i, o, name=n, namespace=ns) for i, o, n, ns in specs]).unwrap())
    assert list(ours) == theirs == ["Namespace 'ns' is interrupted by nodes ['y'] and thus invalid."]
