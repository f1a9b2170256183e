"""The ``reporting`` pipeline."""

from __future__ import annotations

from returns.result import Result

from core import Pipeline, PipelineError, node, pipeline
from spaceflights.pipelines.reporting.nodes import compare_candidates, price_by_engine_type


def create_pipeline() -> Result[Pipeline, PipelineError]:
    """The candidates' comparison and a price summary; every node tagged ``reporting``.

    Run alone, it reads the latest saved version of each candidate's metrics.
    """
    return pipeline(
        [
            node(
                compare_candidates,
                inputs={
                    "candidate_a": "candidate_a.metrics",
                    "candidate_b": "candidate_b.metrics",
                    "options": "params:reporting",
                },
                outputs="model_comparison",
                name="compare_candidates_node",
            ),
            node(
                price_by_engine_type,
                inputs="model_input_table",
                outputs="price_by_engine_type",
                name="price_by_engine_type_node",
            ),
        ],
        tags="reporting",
    )
