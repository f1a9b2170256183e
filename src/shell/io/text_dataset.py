"""``TextDataset`` (``type: text.TextDataset``): a string as a text file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO, ClassVar

from core.errors import DatasetError, DatasetErrorReason
from shell.io.file_dataset import FileDataset

__all__ = ["TextDataset"]


class TextDataset(FileDataset):
    """A string. ``load_args``/``save_args`` may set ``encoding`` (default ``utf-8``); the
    text is stored exactly, line endings included. See
    :class:`~shell.io.file_dataset.FileDataset` for the other arguments."""

    DEFAULT_LOAD_ARGS: ClassVar[Mapping[str, object]] = {"encoding": "utf-8"}
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, object]] = {"encoding": "utf-8"}
    FORMAT: ClassVar[str] = "text"
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (UnicodeDecodeError,)

    def _read(self, handle: BinaryIO) -> object:
        return handle.read().decode(str(self._load_args["encoding"]))

    def _write(self, data: object, handle: BinaryIO) -> None:
        if not isinstance(data, str):
            raise DatasetError(
                DatasetErrorReason.SAVE,
                f"TextDataset can only save a str, got {type(data).__name__}.",
            )
        handle.write(data.encode(str(self._save_args["encoding"])))
