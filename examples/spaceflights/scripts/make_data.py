"""Generate the spaceflights example's raw data (``data/01_raw/*.csv``), deterministically.

The files are shipped with the example; run this again only to regenerate them::

    python scripts/make_data.py            # from examples/spaceflights

The data imitates Kedro's spaceflights tutorial (companies, their shuttles, and reviews) with
the same messy formats (``"87%"`` ratings, ``"$1,325.0"`` prices, ``"t"``/``"f"`` flags), so the
processing pipeline has real cleaning to do. Prices are a linear function of a few shuttle and
company features plus noise, so a linear model can learn them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240917
N_COMPANIES = 120
N_SHUTTLES = 400

LOCATIONS = ("Niue", "Anguilla", "Russian Federation", "Barbados", "Isle of Man", "Malta")
SHUTTLE_TYPES = ("Type V5", "Type F5", "Type V2", "Type F2")
ENGINE_TYPES = ("Quantum", "Plasma", "Nuclear")


def _flag(values: np.ndarray) -> list[str]:
    return ["t" if v else "f" for v in values]


def make_companies(rng: np.random.Generator) -> pd.DataFrame:
    """One row per company; a few ratings are missing, as in real data."""
    ratings = rng.integers(40, 101, N_COMPANIES)
    rating_text = [f"{r}%" if rng.random() > 0.05 else "" for r in ratings]
    return pd.DataFrame(
        {
            "id": np.arange(3000, 3000 + N_COMPANIES),
            "company_rating": rating_text,
            "company_location": rng.choice(LOCATIONS, N_COMPANIES),
            "total_fleet_count": rng.integers(1, 12, N_COMPANIES),
            "iata_approved": _flag(rng.random(N_COMPANIES) < 0.6),
        }
    )


def make_shuttles(rng: np.random.Generator, companies: pd.DataFrame) -> pd.DataFrame:
    """One row per shuttle, with a price driven by its features and its company."""
    company_ids = rng.choice(companies["id"].to_numpy(), N_SHUTTLES)
    engines = rng.integers(1, 5, N_SHUTTLES)
    capacity = rng.integers(2, 9, N_SHUTTLES)
    d_check = rng.random(N_SHUTTLES) < 0.7
    moon = rng.random(N_SHUTTLES) < 0.4
    rating = (
        companies.set_index("id")["company_rating"]
        .str.rstrip("%")
        .replace("", "70")
        .astype(float)
        .reindex(company_ids)
        .to_numpy()
    )
    price = (
        400.0
        + 320.0 * engines
        + 210.0 * capacity
        + 260.0 * d_check
        + 150.0 * moon
        + 6.0 * rating
        + rng.normal(0.0, 120.0, N_SHUTTLES)
    )
    return pd.DataFrame(
        {
            "id": np.arange(10000, 10000 + N_SHUTTLES),
            "shuttle_location": rng.choice(LOCATIONS, N_SHUTTLES),
            "shuttle_type": rng.choice(SHUTTLE_TYPES, N_SHUTTLES),
            "engine_type": rng.choice(ENGINE_TYPES, N_SHUTTLES),
            "engines": engines,
            "passenger_capacity": capacity,
            "d_check_complete": _flag(d_check),
            "moon_clearance_complete": _flag(moon),
            "price": [f"${p:,.1f}" for p in price],
            "company_id": company_ids,
        }
    )


def make_reviews(rng: np.random.Generator, shuttles: pd.DataFrame) -> pd.DataFrame:
    """One review row per shuttle, except a few shuttles nobody reviewed."""
    reviewed = shuttles["id"].to_numpy()[rng.random(N_SHUTTLES) > 0.05]
    count = len(reviewed)
    return pd.DataFrame(
        {
            "shuttle_id": reviewed,
            "review_scores_rating": rng.integers(50, 101, count),
            "review_scores_comfort": rng.integers(4, 11, count),
            "number_of_reviews": rng.integers(0, 200, count),
        }
    )


def main(raw_dir: Path) -> None:
    """Write the three CSV files into ``raw_dir``."""
    rng = np.random.default_rng(SEED)
    companies = make_companies(rng)
    shuttles = make_shuttles(rng, companies)
    reviews = make_reviews(rng, shuttles)
    raw_dir.mkdir(parents=True, exist_ok=True)
    companies.to_csv(raw_dir / "companies.csv", index=False)
    shuttles.to_csv(raw_dir / "shuttles.csv", index=False)
    reviews.to_csv(raw_dir / "reviews.csv", index=False)
    for name, frame in (("companies", companies), ("shuttles", shuttles), ("reviews", reviews)):
        print(f"{raw_dir / (name + '.csv')}: {len(frame)} rows")


if __name__ == "__main__":
    main(Path(__file__).resolve().parent.parent / "data" / "01_raw")
