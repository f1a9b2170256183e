"""The floor of the starter benchmark: spaceflights-pandas's work with no framework.

Usage: ``python starter_floor.py PROJECT`` (a copy of the starter). The project's own node
functions are called in a topological order, with the datasets' I/O done directly by pandas,
pickle, plotly and matplotlib into ``PROJECT/floor_out``: what any runner must at least do.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from pathlib import Path
from typing import Any


def main(project: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd
    import plotly.express as px
    import yaml

    sys.path.insert(0, str(project / "src"))
    processing: Any = importlib.import_module("spaceflights_pandas.pipelines.data_processing.nodes")
    science: Any = importlib.import_module("spaceflights_pandas.pipelines.data_science.nodes")
    reporting: Any = importlib.import_module("spaceflights_pandas.pipelines.reporting.nodes")
    raw = project / "data" / "01_raw"
    out = project / "floor_out"
    out.mkdir(exist_ok=True)
    params = yaml.safe_load((project / "conf" / "base" / "parameters_data_science.yml").read_text())
    companies = pd.read_csv(raw / "companies.csv")
    reviews = pd.read_csv(raw / "reviews.csv")
    shuttles = pd.read_excel(raw / "shuttles.xlsx", engine="openpyxl")
    matrix = reporting.create_confusion_matrix(companies)
    matrix.savefig(out / "dummy_confusion_matrix.png")
    pre_companies = processing.preprocess_companies(companies)
    pre_companies.to_parquet(out / "preprocessed_companies.parquet")
    pre_shuttles = processing.preprocess_shuttles(shuttles)
    pre_shuttles.to_parquet(out / "preprocessed_shuttles.parquet")
    capacity = reporting.compare_passenger_capacity_exp(pre_shuttles)
    figure = px.bar(capacity, x="shuttle_type", y="passenger_capacity", orientation="h")
    figure.update_layout(xaxis_title="Shuttles", yaxis_title="Average passenger capacity")
    figure.write_json(out / "shuttle_passenger_capacity_plot_exp.json")
    reporting.compare_passenger_capacity_go(pre_shuttles).write_json(out / "shuttle_passenger_capacity_plot_go.json")
    table = processing.create_model_input_table(pre_shuttles, pre_companies, reviews)
    table.to_parquet(out / "model_input_table.parquet")
    x_train, x_test, y_train, y_test = science.split_data(table, params["model_options"])
    regressor = science.train_model(x_train, y_train)
    (out / "regressor.pickle").write_bytes(pickle.dumps(regressor))
    science.evaluate_model(regressor, x_test, y_test)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
