"""``pandas.CSVDataset`` and ``pandas.ParquetDataset``: DataFrames (extra ``pandas``).

pandas (and pyarrow, for Parquet) are imported when a dataset is created, so the rest of
kedro-pure works without them; a missing library is reported as a configuration error.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import BinaryIO, ClassVar

from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell.io.file_dataset import FileDataset, as_text

__all__ = ["CSVDataset", "ParquetDataset"]


def _import(module: str, dataset: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DatasetError(
            DatasetErrorReason.CONFIG,
            f"{dataset} needs '{module}', which is not installed. Install kedro-pure's "
            "'pandas' extra: pip install 'kedro-pure[pandas]'.",
        ) from exc


class _PandasDataset(FileDataset):
    NEEDS: ClassVar[tuple[str, ...]] = ("pandas",)

    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        load_args: Mapping[str, object] | None = None,
        save_args: Mapping[str, object] | None = None,
        credentials: Mapping[str, object] | None = None,
        fs_args: Mapping[str, object] | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> None:
        for module in self.NEEDS:
            _import(module, type(self).__name__)
        super().__init__(
            filepath=filepath,
            version=version,
            load_args=load_args,
            save_args=save_args,
            credentials=credentials,
            fs_args=fs_args,
            metadata=metadata,
        )

    @property
    def _pandas(self) -> ModuleType:
        return _import("pandas", type(self).__name__)

    def _check_frame(self, data: object) -> None:
        if not isinstance(data, self._pandas.DataFrame):
            raise DatasetError(
                DatasetErrorReason.SAVE,
                f"{type(self).__name__} can only save a pandas DataFrame, got "
                f"{type(data).__name__}.",
            )


class CSVDataset(_PandasDataset):
    """A DataFrame as CSV: ``load_args`` go to ``pandas.read_csv``, ``save_args`` to
    ``DataFrame.to_csv`` (default ``index=False``). See
    :class:`~shell.io.file_dataset.FileDataset` for the other arguments."""

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, object]] = {"index": False}
    FORMAT: ClassVar[str] = "CSV"
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (ValueError,)

    def _read(self, handle: BinaryIO) -> object:
        return self._pandas.read_csv(handle, **self._load_args)

    def _write(self, data: object, handle: BinaryIO) -> None:
        self._check_frame(data)
        with as_text(handle) as text:
            data.to_csv(text, **self._save_args)  # type: ignore[attr-defined]


class ParquetDataset(_PandasDataset):
    """A DataFrame as Parquet (needs pyarrow): ``load_args`` go to ``pandas.read_parquet``,
    ``save_args`` to ``DataFrame.to_parquet``. See
    :class:`~shell.io.file_dataset.FileDataset` for the other arguments."""

    NEEDS: ClassVar[tuple[str, ...]] = ("pandas", "pyarrow")
    FORMAT: ClassVar[str] = "Parquet"
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (ValueError,)

    def _read(self, handle: BinaryIO) -> object:
        return self._pandas.read_parquet(handle, **self._load_args)

    def _write(self, data: object, handle: BinaryIO) -> None:
        self._check_frame(data)
        data.to_parquet(handle, **self._save_args)  # type: ignore[attr-defined]
