"""``data_science``: train and evaluate two linear-regression candidates, side by side."""

from spaceflights.pipelines.data_science.pipeline import create_pipeline

__all__ = ["create_pipeline"]
