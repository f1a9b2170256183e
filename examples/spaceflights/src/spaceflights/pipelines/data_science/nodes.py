"""Splitting the features, training a model and measuring it on held-out rows."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from spaceflights.pipelines.data_science.model import LinearRegressionModel


def split_data(
    data: pd.DataFrame, options: Mapping[str, object]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Split into training and test rows, keeping only the candidate's features.

    Args:
        data: ``model_features``.
        options: ``params:model_options``: ``features``, ``test_size`` (a fraction),
            ``random_state`` (the shuffle's seed) and the target column ``target`` (default
            ``price``).

    Returns:
        ``X_train, X_test, y_train, y_test``.
    """
    features = [str(f) for f in _as_list(options["features"])]
    target = str(options.get("target", "price"))
    rng = np.random.default_rng(int(str(options["random_state"])))
    order = rng.permutation(len(data))
    n_test = max(1, round(len(data) * float(str(options["test_size"]))))
    test_rows, train_rows = order[:n_test], order[n_test:]
    x, y = data[features], data[target]
    return (
        x.iloc[train_rows].reset_index(drop=True),
        x.iloc[test_rows].reset_index(drop=True),
        y.iloc[train_rows].reset_index(drop=True),
        y.iloc[test_rows].reset_index(drop=True),
    )


def train_model(
    x_train: pd.DataFrame, y_train: pd.Series, options: Mapping[str, object]
) -> LinearRegressionModel:
    """Fit a linear regression with the candidate's ``l2_penalty``."""
    return LinearRegressionModel.fit(
        x_train, y_train, l2_penalty=float(str(options.get("l2_penalty", 0.0)))
    )


def predict(regressor: LinearRegressionModel, x_test: pd.DataFrame) -> pd.DataFrame:
    """The model's predictions for the test rows (kept as CSV for inspection)."""
    return pd.DataFrame({"predicted_price": regressor.predict(x_test)})


def evaluate_model(predictions: pd.DataFrame, y_test: pd.Series) -> dict[str, float | int]:
    """R², mean absolute error, root-mean-square error and the number of test rows."""
    predicted = predictions["predicted_price"].to_numpy(dtype=float)
    actual = y_test.to_numpy(dtype=float)
    residual = actual - predicted
    total = float(((actual - actual.mean()) ** 2).sum())
    return {
        "r2": round(1.0 - float((residual**2).sum()) / total, 6) if total else 0.0,
        "mae": round(float(np.abs(residual).mean()), 4),
        "rmse": round(float(np.sqrt((residual**2).mean())), 4),
        "test_rows": len(actual),
    }


def _as_list(value: object) -> list[object]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise TypeError(f"expected a list of feature names, got {type(value).__name__}")
