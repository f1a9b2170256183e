"""``kedro_datasets`` classes (Kedro ``AbstractDataset`` subclasses) in kedro-pure's catalogs.

Versioned and not, named explicitly and through a factory pattern, in ``DataCatalog`` and in
the ``SharedMemoryDataCatalog`` the parallel runner uses; the bytes they write are the bytes
Kedro's own catalog writes for the same entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kedro.io import DataCatalog as KedroDataCatalog
from kedro_datasets.pandas import CSVDataset as KedroCSVDataset

from shell.io import DataCatalog, SharedMemoryDataCatalog

pytestmark = pytest.mark.differential

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


def config(root: Path) -> dict[str, dict[str, Any]]:
    return {
        "table": {"type": "pandas.ExcelDataset", "filepath": str(root / "table.xlsx")},
        "{name}_versioned": {
            "type": "kedro_datasets.pandas.ParquetDataset",
            "filepath": str(root / "{name}.parquet"),
            "versioned": True,
        },
        "plain": {"type": KedroCSVDataset, "filepath": str(root / "plain.csv")},
    }


@pytest.mark.parametrize("catalog_class", [DataCatalog, SharedMemoryDataCatalog])
def test_kedro_datasets_save_and_load_with_kedros_bytes(
    catalog_class: type[DataCatalog], tmp_path: Path
) -> None:
    ours_root, kedro_root = tmp_path / "ours", tmp_path / "kedro"
    ours_root.mkdir()
    kedro_root.mkdir()
    version = "2026-01-02T03.04.05.678Z"
    catalog = catalog_class.from_config(config(ours_root), save_version=version).unwrap()
    kedro = KedroDataCatalog.from_config(config(kedro_root), save_version=version)

    for name in ("table", "model_versioned", "plain"):
        assert catalog.save(name, FRAME).unwrap() is None
        kedro.save(name, FRAME)
        assert catalog.exists(name).unwrap()
        loaded = catalog.load(name).unwrap()
        assert isinstance(loaded, pd.DataFrame)
        assert loaded.equals(kedro.load(name))

    written = sorted(p.relative_to(ours_root) for p in ours_root.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(kedro_root) for p in kedro_root.rglob("*") if p.is_file())
    assert Path(f"model.parquet/{version}/model.parquet") in written
    # An .xlsx file records its creation time to the second, so it is compared as data only.
    for relative in (r for r in written if r.suffix != ".xlsx"):
        assert (ours_root / relative).read_bytes() == (kedro_root / relative).read_bytes(), relative
