"""``YAMLDataset`` (``type: yaml.YAMLDataset``): plain data as a UTF-8 YAML file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO, ClassVar

import yaml

from shell.io.file_dataset import FileDataset, as_text

__all__ = ["YAMLDataset"]


class YAMLDataset(FileDataset):
    """YAML data, read with ``yaml.safe_load`` and written with ``yaml.safe_dump``
    (``save_args`` default ``default_flow_style=False``, ``sort_keys=False``). See
    :class:`~shell.io.file_dataset.FileDataset` for the arguments."""

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, object]] = {
        "default_flow_style": False,
        "sort_keys": False,
    }
    FORMAT: ClassVar[str] = "YAML"
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (yaml.YAMLError, ValueError)

    def _read(self, handle: BinaryIO) -> object:
        with as_text(handle) as text:
            return yaml.safe_load(text)

    def _write(self, data: object, handle: BinaryIO) -> None:
        with as_text(handle) as text:
            yaml.safe_dump(data, text, **self._save_args)  # type: ignore[call-overload]
