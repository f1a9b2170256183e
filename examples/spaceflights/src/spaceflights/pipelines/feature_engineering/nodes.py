"""Building numeric features the linear models can use."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def build_features(model_input_table: pd.DataFrame, options: Mapping[str, object]) -> pd.DataFrame:
    """Indicator columns for the categorical columns, flags as 0/1, and a ratio feature.

    Args:
        model_input_table: The cleaned table from ``data_processing``.
        options: ``params:feature_engineering``: ``one_hot_columns`` (list of column names)
            and ``target`` (the column the models predict, kept as it is).

    Returns:
        Only numeric columns: every input column that was numeric or boolean, the indicators,
        ``capacity_per_engine`` and the target.
    """
    one_hot = [str(column) for column in _as_list(options["one_hot_columns"])]
    indicators = pd.get_dummies(model_input_table[one_hot], prefix=one_hot, dtype=float)
    numeric = model_input_table.select_dtypes(include=["number", "bool"]).astype(float)
    features = pd.concat([numeric, indicators], axis=1)
    features["capacity_per_engine"] = features["passenger_capacity"] / features["engines"]
    # Identifiers are numbers, but not features.
    return features.drop(columns=["id", "company_id"])


def summarise_features(model_features: pd.DataFrame) -> dict[str, object]:
    """The number of rows and, per column, its mean (written as JSON for a quick look)."""
    return {
        "rows": len(model_features),
        "columns": {
            str(column): round(float(model_features[column].mean()), 4)
            for column in model_features.columns
        },
    }


def _as_list(value: object) -> list[object]:
    # OmegaConf hands lists over as plain lists; a single name is accepted too.
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise TypeError(f"expected a list of column names, got {type(value).__name__}")
