"""Reports built from the other pipelines' outputs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def compare_candidates(
    candidate_a: Mapping[str, float],
    candidate_b: Mapping[str, float],
    options: Mapping[str, object]
) -> dict[str, object]:
    """Rank the candidates by ``options["rank_by"]`` (higher is better) and name the best."""
    metric = str(options.get("rank_by", "r2"))
    scores = {"candidate_a": candidate_a, "candidate_b": candidate_b}
    ranking = sorted(scores, key=lambda name: float(scores[name][metric]), reverse=True)
    return {"rank_by": metric, "best": ranking[0], "ranking": ranking, "metrics": scores}


def price_by_engine_type(model_input_table: pd.DataFrame) -> pd.DataFrame:
    """Count, mean and median shuttle price per engine type."""
    grouped = model_input_table.groupby("engine_type")["price"]
    summary = grouped.agg(["count", "mean", "median"]).round(2)
    return summary.reset_index()
