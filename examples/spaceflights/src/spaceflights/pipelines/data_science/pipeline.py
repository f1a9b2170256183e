"""The ``data_science`` pipeline: one template, instantiated once per model candidate."""

from __future__ import annotations

from returns.result import Result

from core import Pipeline, PipelineError, node, pipeline
from spaceflights.pipelines.data_science.nodes import (
    evaluate_model,
    predict,
    split_data,
    train_model,
)

#: The candidates, each a namespace with its own parameters (``<candidate>.model_options``)
#: and its own catalog entries (``<candidate>.regressor``, ``<candidate>.metrics``, ...).
CANDIDATES = ("candidate_a", "candidate_b")


def _template() -> Result[Pipeline, PipelineError]:
    return pipeline(
        [
            node(
                split_data,
                inputs=["model_features", "params:model_options"],
                outputs=["X_train", "X_test", "y_train", "y_test"],
                name="split_data_node",
                tags="training",
            ),
            node(
                train_model,
                inputs=["X_train", "y_train", "params:model_options"],
                outputs="regressor",
                name="train_model_node",
                tags="training",
            ),
            node(
                predict,
                inputs=["regressor", "X_test"],
                outputs="predictions",
                name="predict_node",
                tags="evaluation",
            ),
            node(
                evaluate_model,
                inputs=["predictions", "y_test"],
                outputs="metrics",
                name="evaluate_model_node",
                tags="evaluation",
            ),
        ]
    )


def _candidate(template: Pipeline, name: str) -> Result[Pipeline, PipelineError]:
    # The namespace prefixes node names, datasets and parameters with "<name>."; the shared
    # input `model_features` is listed in `inputs` so it keeps its name.
    return pipeline(template, inputs="model_features", namespace=name, tags=name)


def create_pipeline() -> Result[Pipeline, PipelineError]:
    """Both candidates, trained and evaluated on the same ``model_features``."""
    return _template().bind(
        lambda template: _candidate(template, CANDIDATES[0]).bind(
            lambda first: _candidate(template, CANDIDATES[1]).map(lambda second: first + second)
        )
    )
