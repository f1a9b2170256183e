"""The ``data_processing`` pipeline."""

from __future__ import annotations

from returns.result import Result

from core import Pipeline, PipelineError, node, pipeline
from spaceflights.pipelines.data_processing.nodes import (
    create_model_input_table,
    preprocess_companies,
    preprocess_shuttles,
)


def create_pipeline() -> Result[Pipeline, PipelineError]:
    """Raw CSV files in, the cleaned ``model_input_table`` out (every node tagged ``preprocessing``)."""
    return pipeline(
        [
            node(
                preprocess_companies,
                inputs="companies",
                outputs="preprocessed_companies",
                name="preprocess_companies_node",
            ),
            node(
                preprocess_shuttles,
                inputs="shuttles",
                outputs="preprocessed_shuttles",
                name="preprocess_shuttles_node",
            ),
            node(
                create_model_input_table,
                inputs=["preprocessed_shuttles", "preprocessed_companies", "reviews"],
                outputs="model_input_table",
                name="create_model_input_table_node",
            ),
        ],
        tags="preprocessing",
    )
