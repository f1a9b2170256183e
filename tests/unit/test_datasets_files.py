"""File datasets: formats, bad files, versioning edge cases, and crash-safe saves."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from returns.pipeline import is_successful

from core.catalog import Version
from core.errors import DatasetError, DatasetErrorReason
from shell.io import DataCatalog, JSONDataset, PickleDataset, TextDataset, YAMLDataset
from shell.io.pandas_datasets import CSVDataset, ParquetDataset

_SRC = str(Path(__file__).resolve().parents[2] / "src")


class ExplodesWhenPickled:
    """Data whose serialisation fails after other data has been written."""

    def __reduce__(self) -> Any:
        raise RuntimeError("serialiser crashed mid-write")


def _memory_path(name: str) -> str:
    return f"memory://datasets-files-{uuid.uuid4().hex}/{name}"


@pytest.mark.parametrize(
    ("cls", "data"),
    [
        (PickleDataset, {"a": (1, 2), "b": {3}}),
        (JSONDataset, {"a": [1, 2.5, None, "é"]}),
        (YAMLDataset, {"a": [1, 2.5, None, "é"], "b": {"c": True}}),
        (TextDataset, "line 1\r\nline 2\n"),
    ],
)
@pytest.mark.parametrize("where", ["local", "memory"])
def test_round_trip_locally_and_in_memory(
    cls: Any, data: object, where: str, tmp_path: Path
) -> None:
    path = str(tmp_path / "d") if where == "local" else _memory_path("d")
    dataset = cls(filepath=path)
    assert not dataset.exists()
    dataset.save(data)
    assert dataset.exists()
    assert dataset.load() == data


def test_pandas_round_trips(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    for cls in (CSVDataset, ParquetDataset):
        dataset = cls(filepath=str(tmp_path / f"f.{cls.__name__}"))
        dataset.save(frame)
        loaded = dataset.load()
        assert isinstance(loaded, pd.DataFrame)
        pd.testing.assert_frame_equal(loaded, frame)
    with pytest.raises(DatasetError, match="can only save a pandas DataFrame"):
        CSVDataset(filepath=str(tmp_path / "x.csv")).save([1, 2])


@pytest.mark.parametrize(
    ("type_name", "content", "format_name"),
    [
        ("json.JSONDataset", b'{"a": ', "JSON"),
        ("yaml.YAMLDataset", b"a: [1, 2\nb: {", "YAML"),
        ("pickle.PickleDataset", b"not a pickle at all", "pickle"),
        ("pickle.PickleDataset", b"", "pickle"),
    ],
)
def test_a_file_in_the_wrong_format_is_an_error_value_naming_the_entry(
    type_name: str, content: bytes, format_name: str, tmp_path: Path
) -> None:
    path = tmp_path / "broken"
    path.write_bytes(content)
    catalog = DataCatalog.from_config(
        {"broken": {"type": type_name, "filepath": str(path)}}
    ).unwrap()
    error = catalog.load("broken").failure()
    assert error.reason is DatasetErrorReason.LOAD
    assert error.dataset == "broken"
    assert error.message.startswith(f"broken: '{path}' is not a valid {format_name} file (")
    assert "Save the dataset again, or point 'filepath' at a" in error.message


def test_a_missing_file_is_a_load_error(tmp_path: Path) -> None:
    catalog = DataCatalog(datasets={"d": JSONDataset(filepath=str(tmp_path / "none.json"))})
    error = catalog.load("d").failure()
    assert error.reason is DatasetErrorReason.LOAD
    assert isinstance(error.__cause__, FileNotFoundError)


def test_text_dataset_saves_only_strings(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="can only save a str"):
        TextDataset(filepath=str(tmp_path / "t.txt")).save(b"bytes")


def test_pickle_backend_must_exist_and_provide_load_and_dump(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="could not be imported"):
        PickleDataset(filepath=str(tmp_path / "p"), backend="no_such_backend_module")
    with pytest.raises(DatasetError, match="must provide 'load' and 'dump'"):
        PickleDataset(filepath=str(tmp_path / "p"), backend="os")


def test_fs_args_open_arguments_and_describe(tmp_path: Path) -> None:
    dataset = JSONDataset(
        filepath=str(tmp_path / "d.json"),
        fs_args={"open_args_load": {"block_size": 1024}, "auto_mkdir": True},
    )
    dataset.save({"a": 1})
    assert dataset.load() == {"a": 1}
    assert dataset.describe()["protocol"] == "file"
    assert repr(dataset).startswith("shell.io.json_dataset.JSONDataset(filepath=")


# -- versioning -------------------------------------------------------------------------------


def test_versions_are_stored_under_filepath_version_basename(tmp_path: Path) -> None:
    base = tmp_path / "d.json"
    JSONDataset(filepath=str(base), version=Version(None, "V1")).save(1)
    JSONDataset(filepath=str(base), version=Version(None, "V2")).save(2)
    assert (base / "V1" / "d.json").is_file()
    latest = JSONDataset(filepath=str(base), version=Version(None, None))
    assert latest.list_versions() == ("V2", "V1")
    assert latest.load() == 2
    assert latest.with_version(Version("V1", None)).load() == 1
    assert latest.resolve_load_version() == "V2"


def test_a_version_is_never_overwritten(tmp_path: Path) -> None:
    dataset = PickleDataset(filepath=str(tmp_path / "p.pkl"), version=Version(None, "V1"))
    dataset.save("first")
    with pytest.raises(DatasetError) as raised:
        dataset.save("second")
    assert raised.value.reason is DatasetErrorReason.VERSION_EXISTS
    assert dataset.load() == "first"


def test_a_plain_file_where_versions_should_go_is_explained(tmp_path: Path) -> None:
    plain = tmp_path / "d.json"
    plain.write_text("{}")
    dataset = JSONDataset(filepath=str(plain), version=Version(None, "V1"))
    with pytest.raises(DatasetError) as raised:
        dataset.save({"a": 1})
    assert raised.value.reason is DatasetErrorReason.CONFIG
    assert "Cannot save versioned dataset 'd.json'" in raised.value.message
    assert plain.read_text() == "{}"


def test_unsafe_version_strings_are_refused(tmp_path: Path) -> None:
    dataset = JSONDataset(filepath=str(tmp_path / "d.json"), version=Version(None, "../up"))
    with pytest.raises(DatasetError) as raised:
        dataset.save(1)
    assert raised.value.reason is DatasetErrorReason.CONFIG
    assert not (tmp_path / "up").exists()


def test_versioning_works_in_memory_filesystems() -> None:
    path = _memory_path("m.pkl")
    PickleDataset(filepath=path, version=Version(None, "2020-01-01T00.00.00.000Z")).save("old")
    PickleDataset(filepath=path, version=Version(None, "2021-01-01T00.00.00.000Z")).save("new")
    assert PickleDataset(filepath=path, version=Version(None, None)).load() == "new"


# -- crash safety -----------------------------------------------------------------------------


def _stray_files(directory: Path) -> list[str]:
    # Temporaries of atomic saves (core.temporaries), and the older ``.tmp`` names.
    return sorted(p.name for p in directory.rglob("*") if p.name.endswith((".kptmp", ".tmp")))


@pytest.mark.parametrize("where", ["local", "memory"])
def test_an_exception_mid_write_keeps_the_previous_contents(where: str, tmp_path: Path) -> None:
    path = str(tmp_path / "p.pkl") if where == "local" else _memory_path("p.pkl")
    dataset = PickleDataset(filepath=path)
    dataset.save({"version": 1})
    catalog = DataCatalog(datasets={"p": dataset})
    error = catalog.save("p", [b"x" * 500_000, ExplodesWhenPickled()]).failure()
    assert error.reason is DatasetErrorReason.SAVE
    assert "serialiser crashed mid-write" in error.message
    assert dataset.load() == {"version": 1}
    if where == "local":
        assert _stray_files(tmp_path) == []  # the temporary file was removed


def test_json_streaming_failure_keeps_the_previous_contents(tmp_path: Path) -> None:
    dataset = JSONDataset(filepath=str(tmp_path / "d.json"))
    dataset.save({"ok": True})
    with pytest.raises(TypeError):
        dataset.save({"rows": list(range(50_000)), "bad": object()})
    assert dataset.load() == {"ok": True}
    assert _stray_files(tmp_path) == []


def test_a_failed_first_save_leaves_nothing_behind(tmp_path: Path) -> None:
    dataset = PickleDataset(filepath=str(tmp_path / "new" / "p.pkl"))
    with pytest.raises(RuntimeError):
        dataset.save(ExplodesWhenPickled())
    assert not dataset.exists()
    assert _stray_files(tmp_path) == []


_KILLED_MID_WRITE = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {src!r})
    from core.catalog import Version
    from shell.io import PickleDataset

    class KillsTheProcess:
        def __reduce__(self):
            # Everything before this object has been written to the temporary file.
            os.kill(os.getpid(), signal.SIGKILL)

    version = Version(None, {save_version!r}) if {save_version!r} else None
    dataset = PickleDataset(filepath={path!r}, version=version)
    dataset.save([b"x" * 2_000_000, KillsTheProcess()])
    print("not killed")
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("versioned", [False, True])
def test_a_process_killed_mid_write_leaves_the_previous_version_loadable(
    versioned: bool, tmp_path: Path
) -> None:
    path = str(tmp_path / "p.pkl")
    version = Version(None, "2020-01-01T00.00.00.000Z") if versioned else None
    PickleDataset(filepath=path, version=version).save({"previous": True})
    script = _KILLED_MID_WRITE.format(
        src=_SRC, path=path, save_version="2021-01-01T00.00.00.000Z" if versioned else ""
    )
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert child.returncode == -9, child.stderr
    strays = _stray_files(tmp_path)
    assert len(strays) == 1  # the interrupted temporary file, never the dataset itself
    assert os.path.getsize(next(tmp_path.rglob(strays[0]))) > 0  # it was mid-write
    reader = PickleDataset(filepath=path, version=Version(None, None) if versioned else None)
    assert reader.load() == {"previous": True}
    if versioned:
        assert reader.list_versions() == ("2020-01-01T00.00.00.000Z",)


def test_created_files_get_the_usual_permissions(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.write_text("x")
    dataset = TextDataset(filepath=str(tmp_path / "t.txt"))
    dataset.save("x")
    assert (tmp_path / "t.txt").stat().st_mode == reference.stat().st_mode


def test_catalog_save_failure_writes_nothing(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"t": {"type": "text.TextDataset", "filepath": str(tmp_path / "t.txt")}}
    ).unwrap()
    assert is_successful(catalog.save("t", "kept"))
    assert catalog.save("t", 123).failure().reason is DatasetErrorReason.SAVE
    assert (tmp_path / "t.txt").read_text() == "kept"
    assert _stray_files(tmp_path) == []
