"""``data_processing``: clean the raw companies, shuttles and reviews into one table."""

from spaceflights.pipelines.data_processing.pipeline import create_pipeline

__all__ = ["create_pipeline"]
