"""Cleaning the raw data: parse the text formats and join the three tables."""

from __future__ import annotations

import pandas as pd


def _is_true(column: pd.Series) -> pd.Series:
    return column == "t"


def _parse_percentage(column: pd.Series) -> pd.Series:
    # "87%" -> 0.87; an empty rating stays missing.
    return column.astype("string").str.rstrip("%").astype(float) / 100


def _parse_money(column: pd.Series) -> pd.Series:
    # "$1,325.0" -> 1325.0
    return column.str.replace("$", "", regex=False).str.replace(",", "", regex=False).astype(float)


def preprocess_companies(companies: pd.DataFrame) -> pd.DataFrame:
    """Parse the rating (a percentage) and the IATA flag of each company."""
    cleaned = companies.copy()
    cleaned["iata_approved"] = _is_true(cleaned["iata_approved"])
    cleaned["company_rating"] = _parse_percentage(cleaned["company_rating"])
    return cleaned


def preprocess_shuttles(shuttles: pd.DataFrame) -> pd.DataFrame:
    """Parse the check flags and the price of each shuttle."""
    cleaned = shuttles.copy()
    cleaned["d_check_complete"] = _is_true(cleaned["d_check_complete"])
    cleaned["moon_clearance_complete"] = _is_true(cleaned["moon_clearance_complete"])
    cleaned["price"] = _parse_money(cleaned["price"])
    return cleaned


def create_model_input_table(
    shuttles: pd.DataFrame, companies: pd.DataFrame, reviews: pd.DataFrame
) -> pd.DataFrame:
    """One row per reviewed shuttle, with its company's columns; rows with gaps are dropped."""
    with_reviews = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")
    table = with_reviews.merge(
        companies.drop(columns=["company_location"]),
        left_on="company_id",
        right_on="id",
        suffixes=("", "_company"),
    )
    table = table.drop(columns=["shuttle_id", "id_company"])
    return table.dropna().reset_index(drop=True)
