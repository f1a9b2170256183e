"""Law: a pipeline rebuilt with Kedro 1.7.0's classes converts back to the same pipeline value.

That is what makes an unmodified Kedro project run: ``register_pipelines()`` returns Kedro
pipelines, and :mod:`shell.kedro_bridge` turns them into kedro-pure values at the registry
boundary. Converting must keep every node (function, declared inputs and outputs, explicit
name, namespace, tags, confirms), Kedro's node names (generated ones included) and Kedro's
execution order.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from kedro.pipeline import Node as KedroNode
from kedro.pipeline import Pipeline as KedroPipeline
from returns.result import Success

from core.pipeline import Pipeline
from core.strategies import pipelines
from shell.kedro_bridge.pipelines import from_kedro_pipeline, from_kedro_registry, is_kedro_pipeline

# Kedro warns about namespaces interrupted by other nodes; the drawn pipelines have some.
pytestmark = pytest.mark.filterwarnings("ignore:Namespace .* is interrupted:UserWarning")


def as_kedro(p: Pipeline) -> KedroPipeline:
    """The same nodes built with Kedro's classes."""
    return KedroPipeline(
        [
            KedroNode(
                n.func,
                n.declared_inputs,
                n.declared_outputs,
                name=n.explicit_name,
                tags=sorted(n.tags),
                confirms=list(n.confirms) or None,
                namespace=n.namespace,
            )
            for n in p.nodes
        ]
    )


@given(pipelines(max_size=25))
def test_a_kedro_pipeline_converts_to_the_same_value(p: Pipeline) -> None:
    kedro_pipeline = as_kedro(p)

    converted = from_kedro_pipeline(kedro_pipeline)

    assert is_kedro_pipeline(kedro_pipeline)
    assert converted == Success(p)
    assert [n.name for n in converted.unwrap().nodes] == [n.name for n in kedro_pipeline.nodes]


@given(pipelines(max_size=10))
def test_a_registry_of_kedro_pipelines_converts_entry_by_entry(p: Pipeline) -> None:
    registry = {"__default__": as_kedro(p), "kept": p, "odd": 3}

    converted = from_kedro_registry(registry)

    assert converted == {"__default__": Success(p), "kept": p, "odd": 3}
