"""Validators named by class path in the dataset-validation tests (both libraries import them)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa


class AllPositive:
    """Rejects any negative number in a list; ``minimum`` is an option."""

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def validate(self, data: Any) -> Any:
        bad = [x for x in data if x < self.minimum]
        if bad:
            raise ValueError(f"{len(bad)} value(s) below {self.minimum}: {bad}")
        return data


class Doubling:
    """Returns coerced data: every number doubled."""

    def validate(self, data: Any) -> Any:
        return [2 * x for x in data]


def non_empty(data: Any) -> None:
    """A plain callable validator."""
    if not data:
        raise ValueError("empty")


NOT_A_VALIDATOR = 42

PRICES = pa.DataFrameSchema(
    {
        "price": pa.Column(float, [pa.Check.ge(0), pa.Check.le(1000)]),
        "name": pa.Column(str, pa.Check.str_length(1, 10)),
    }
)


class Prices(pa.DataFrameModel):
    price: float = pa.Field(ge=0)


def frame(prices: list[float], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"price": prices, "name": names})
