"""The ``feature_engineering`` pipeline."""

from __future__ import annotations

from returns.result import Result

from core import Pipeline, PipelineError, node, pipeline
from spaceflights.pipelines.feature_engineering.nodes import build_features, summarise_features


def create_pipeline() -> Result[Pipeline, PipelineError]:
    """``model_input_table`` in, ``model_features`` (and a JSON summary) out; tagged ``features``."""
    return pipeline(
        [
            node(
                build_features,
                inputs=["model_input_table", "params:feature_engineering"],
                outputs="model_features",
                name="build_features_node",
            ),
            node(
                summarise_features,
                inputs="model_features",
                outputs="feature_summary",
                name="summarise_features_node",
            ),
        ],
        tags="features",
    )
