"""``feature_engineering``: turn the model input table into numeric model features."""

from spaceflights.pipelines.feature_engineering.pipeline import create_pipeline

__all__ = ["create_pipeline"]
