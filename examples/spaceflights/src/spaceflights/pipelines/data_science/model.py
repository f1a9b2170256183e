"""A linear regression in plain numpy (least squares, with an optional L2 penalty)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True, slots=True)
class LinearRegressionModel:
    """A fitted linear model: ``price = intercept + sum(coefficient * feature)``.

    Attributes:
        features: The feature columns, in the order of ``coefficients``.
        coefficients: One weight per feature (in the features' own units).
        intercept: The constant term.
        l2_penalty: The ridge penalty it was fitted with (0 for ordinary least squares).
    """

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    l2_penalty: float = 0.0

    @classmethod
    def fit(
        cls, x: pd.DataFrame, y: pd.Series, *, l2_penalty: float = 0.0
    ) -> LinearRegressionModel:
        """Fit on ``x`` (one column per feature) and ``y``.

        Features are standardised before solving so the penalty treats them alike; the
        intercept is not penalised. The solution comes from ``numpy.linalg.lstsq`` on the
        system augmented with ``sqrt(l2_penalty) * I`` (ridge regression as least squares).
        """
        values = x.to_numpy(dtype=float)
        target = y.to_numpy(dtype=float)
        mean, scale = values.mean(axis=0), values.std(axis=0)
        scale[scale == 0.0] = 1.0
        standard = (values - mean) / scale
        centred = target - target.mean()
        width = standard.shape[1]
        system = np.vstack([standard, np.sqrt(l2_penalty) * np.eye(width)])
        rhs = np.concatenate([centred, np.zeros(width)])
        weights, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        coefficients = weights / scale
        intercept = float(target.mean() - coefficients @ mean)
        return cls(
            features=tuple(str(c) for c in x.columns),
            coefficients=tuple(float(c) for c in coefficients),
            intercept=intercept,
            l2_penalty=float(l2_penalty),
        )

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        """Predicted values for the rows of ``x`` (which must hold every feature)."""
        values = x[list(self.features)].to_numpy(dtype=float)
        return np.asarray(values @ np.asarray(self.coefficients) + self.intercept, dtype=float)
