"""``JSONDataset`` (``type: json.JSONDataset``): JSON-compatible data as a UTF-8 JSON file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import BinaryIO, ClassVar

from shell.io.file_dataset import FileDataset, as_text

__all__ = ["JSONDataset"]


class JSONDataset(FileDataset):
    """JSON data. ``load_args`` go to ``json.load``, ``save_args`` to ``json.dump``
    (default ``indent=2``). See :class:`~shell.io.file_dataset.FileDataset` for the rest."""

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, object]] = {"indent": 2}
    FORMAT: ClassVar[str] = "JSON"
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (ValueError,)

    def _read(self, handle: BinaryIO) -> object:
        with as_text(handle) as text:
            return json.load(text, **self._load_args)  # type: ignore[arg-type]

    def _write(self, data: object, handle: BinaryIO) -> None:
        with as_text(handle) as text:
            json.dump(data, text, **self._save_args)  # type: ignore[arg-type]
