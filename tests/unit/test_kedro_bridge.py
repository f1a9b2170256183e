"""Kedro's pipelines at the registry boundary: namespaced pipelines, generated names, errors."""

from __future__ import annotations

import sys
from types import ModuleType

from kedro.pipeline import Node as KedroNode
from kedro.pipeline import Pipeline as KedroPipeline
from returns.result import Failure

from core.errors import KedroSessionError, SessionErrorReason
from core.pipeline import Pipeline
from shell.kedro_bridge.pipelines import from_kedro_pipeline, is_kedro_pipeline
from shell.kedro_bridge.project import configure_kedro_project


def prepare(raw: object) -> object:
    return raw


def train(data: object, options: object) -> tuple[object, object]:
    return data, options


def score(model: object, *, data: object) -> object:
    return model


def kedro_modular_pipeline() -> KedroPipeline:
    """A template pipeline reused under two namespaces, with dict inputs and unnamed nodes."""
    template = KedroPipeline(
        [
            KedroNode(prepare, "raw", "prepared", tags=["prep"]),
            KedroNode(train, ["prepared", "params:options"], ["model", "report"], name="train"),
            KedroNode(score, {"model": "model", "data": "prepared"}, "score", confirms="prepared"),
        ]
    )
    return KedroPipeline(
        [
            KedroPipeline(template, namespace="a", inputs={"raw"}),
            KedroPipeline(template, namespace="b", inputs={"raw"}, tags="candidate"),
        ]
    )


def test_namespaced_kedro_pipelines_keep_kedros_names_order_and_datasets() -> None:
    kedro_pipeline = kedro_modular_pipeline()

    converted = from_kedro_pipeline(kedro_pipeline).unwrap()

    assert isinstance(converted, Pipeline)
    assert [n.name for n in converted.nodes] == [n.name for n in kedro_pipeline.nodes]
    assert [(n.inputs, n.outputs) for n in converted.nodes] == [
        (tuple(n.inputs), tuple(n.outputs)) for n in kedro_pipeline.nodes
    ]
    assert [sorted(n.tags) for n in converted.nodes] == [sorted(n.tags) for n in kedro_pipeline.nodes]
    assert [list(n.confirms) for n in converted.nodes] == [n.confirms for n in kedro_pipeline.nodes]
    assert converted.inputs() == frozenset(kedro_pipeline.inputs())
    assert converted.outputs() == frozenset(kedro_pipeline.outputs())


def test_only_kedro_pipelines_are_recognised() -> None:
    assert is_kedro_pipeline(kedro_modular_pipeline())
    assert not is_kedro_pipeline(from_kedro_pipeline(kedro_modular_pipeline()).unwrap())
    assert not is_kedro_pipeline({"nodes": []})


def test_a_node_kedro_pure_rejects_is_a_project_error_naming_it() -> None:
    class NotANode:
        name = "strange"
        func = None

    class Odd:
        nodes = (NotANode(),)

    result = from_kedro_pipeline(Odd(), label="the pipeline 'odd'")

    assert result == Failure(
        KedroSessionError(
            SessionErrorReason.PROJECT,
            "Cannot convert the pipeline 'odd': the node 'strange' has no function.",
        )
    )


def requested(kedro_project: ModuleType) -> object:
    """The names Kedro's ``find_pipelines`` will load (Kedro's private state, read only here)."""
    return getattr(kedro_project.pipelines, "_requested_pipelines")  # noqa: B009


def test_kedros_globals_are_set_only_when_the_project_imported_them() -> None:
    import kedro.framework.project as kedro_project

    saved = kedro_project.PACKAGE_NAME
    try:
        assert configure_kedro_project("some_package", ["data_processing"])
        assert getattr(kedro_project, "PACKAGE_NAME") == "some_package"  # noqa: B009
        assert requested(kedro_project) == ["data_processing"]
        configure_kedro_project("some_package", None)
        assert requested(kedro_project) is None
    finally:
        kedro_project.PACKAGE_NAME = saved
        kedro_project.pipelines.configure(None)
    hidden = sys.modules.pop("kedro.framework.project")
    try:
        assert not configure_kedro_project("some_package", None)
    finally:
        sys.modules["kedro.framework.project"] = hidden
