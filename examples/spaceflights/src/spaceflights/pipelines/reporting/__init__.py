"""``reporting``: compare the candidates' metrics and summarise prices."""

from spaceflights.pipelines.reporting.pipeline import create_pipeline

__all__ = ["create_pipeline"]
