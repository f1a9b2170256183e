"""Save-then-load laws for every dataset type, and crash safety as a property."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

from shell.io import (
    CachedDataset,
    DataCatalog,
    JSONDataset,
    MemoryDataset,
    PickleDataset,
    SharedMemoryDataset,
    TextDataset,
    YAMLDataset,
)
from shell.io.pandas_datasets import CSVDataset, ParquetDataset


def _memory_path(suffix: str) -> str:
    return f"memory://roundtrip-{uuid.uuid4().hex}/data.{suffix}"


_finite_floats = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _finite_floats | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
python_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | _finite_floats
    | st.text()
    | st.binary()
    | st.complex_numbers(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=4)
        | st.frozensets(st.integers(), max_size=4)
    ),
    max_leaves=20,
)


@given(python_values)
def test_pickle_round_trip(data: object) -> None:
    dataset = PickleDataset(filepath=_memory_path("pkl"))
    dataset.save(data)
    assert dataset.load() == data


@given(json_values)
def test_json_round_trip(data: object) -> None:
    dataset = JSONDataset(filepath=_memory_path("json"))
    dataset.save(data)
    assert dataset.load() == data


@given(json_values)
def test_yaml_round_trip(data: object) -> None:
    dataset = YAMLDataset(filepath=_memory_path("yml"))
    dataset.save(data)
    assert dataset.load() == data


@given(st.text())
def test_text_round_trip(data: str) -> None:
    dataset = TextDataset(filepath=_memory_path("txt"))
    dataset.save(data)
    assert dataset.load() == data


@given(python_values.filter(lambda v: v is not None))
def test_memory_round_trips(data: object) -> None:
    # None is refused by every dataset, as in Kedro (tests/unit/test_datasets_memory.py).
    for dataset in (MemoryDataset(), SharedMemoryDataset(), CachedDataset(MemoryDataset())):
        dataset.save(data)
        assert dataset.load() == data


_frames = data_frames(
    [
        column("ints", dtype="int64"),
        column("floats", elements=_finite_floats, dtype="float64"),
        # Text that CSV cannot confuse with a missing value ("", "NA", "nan", ...).
        column("words", elements=st.text("bcdefgh", min_size=1, max_size=5), dtype=object),
        column("flags", dtype=bool),
    ],
    index=range_indexes(min_size=1, max_size=10),
)


@settings(max_examples=30)
@given(_frames)
def test_csv_round_trip(frame: pd.DataFrame) -> None:
    dataset = CSVDataset(filepath=_memory_path("csv"))
    dataset.save(frame)
    loaded = dataset.load()
    assert isinstance(loaded, pd.DataFrame)
    pd.testing.assert_frame_equal(loaded, frame, check_dtype=False)


@settings(max_examples=30)
@given(_frames)
def test_parquet_round_trip(frame: pd.DataFrame) -> None:
    dataset = ParquetDataset(filepath=_memory_path("parquet"))
    dataset.save(frame)
    loaded = dataset.load()
    assert isinstance(loaded, pd.DataFrame)
    # pandas may read strings back with its string dtype instead of ``object``.
    pd.testing.assert_frame_equal(loaded, frame, check_dtype=False)


@given(json_values)
def test_catalog_round_trip_through_every_declared_type(data: object) -> None:
    # ``None`` cannot be saved through a catalog (Kedro's rule).
    value = data if data is not None else {"none": None}
    catalog = DataCatalog.from_config(
        {
            "{name}_pkl": {"type": "pickle.PickleDataset", "filepath": _memory_path("{name}.pkl")},
            "{name}_json": {"type": "json.JSONDataset", "filepath": _memory_path("{name}.json")},
            "{name}_yml": {"type": "yaml.YAMLDataset", "filepath": _memory_path("{name}.yml")},
            "{name}_mem": {"type": "MemoryDataset"},
        }
    ).unwrap()
    for name in ("d_pkl", "d_json", "d_yml", "d_mem"):
        assert catalog.save(name, value).unwrap() is None
        assert catalog.load(name).unwrap() == value


class _Explodes:
    def __reduce__(self) -> Any:
        raise RuntimeError("mid-write failure")


@settings(max_examples=25)
@given(previous=python_values, padding=st.integers(0, 200_000))
def test_an_interrupted_save_leaves_the_previous_contents_loadable(
    previous: object, padding: int
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        catalog = DataCatalog(datasets={"d": PickleDataset(filepath=f"{directory}/d.pkl")})
        assert catalog.save("d", [previous]).unwrap() is None
        failed = catalog.save("d", [b"x" * padding, _Explodes()])
        assert "mid-write failure" in failed.failure().message
        assert catalog.load("d").unwrap() == [previous]
        assert [p.name for p in Path(directory).iterdir()] == ["d.pkl"]
