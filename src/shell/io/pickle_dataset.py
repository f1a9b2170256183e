"""``PickleDataset`` (``type: pickle.PickleDataset``): any Python object, pickled."""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Mapping
from typing import BinaryIO, ClassVar

from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell.io.file_dataset import FileDataset

__all__ = ["PickleDataset"]


class PickleDataset(FileDataset):
    """A pickled Python object.

    Args:
        filepath: where the file is (any fsspec path).
        backend: a module with ``load(file, **load_args)`` and ``dump(obj, file,
            **save_args)``: ``pickle`` (default), or e.g. ``dill``, ``cloudpickle``,
            ``joblib`` if installed.
        version, load_args, save_args, credentials, fs_args, metadata: see
            :class:`~shell.io.file_dataset.FileDataset`.

    Raises:
        DatasetError: ``CONFIG`` when the backend cannot be imported or lacks
            ``load``/``dump``.
    """

    FORMAT: ClassVar[str] = "pickle"
    # What unpickling bytes that are not a pickle (or a truncated one) can raise.
    DECODE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
        ImportError,
        OverflowError,
        MemoryError,
    )

    def __init__(
        self,
        *,
        filepath: str,
        backend: str = "pickle",
        version: Version | None = None,
        load_args: Mapping[str, object] | None = None,
        save_args: Mapping[str, object] | None = None,
        credentials: Mapping[str, object] | None = None,
        fs_args: Mapping[str, object] | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> None:
        try:
            module = importlib.import_module(backend)
        except ImportError as exc:
            raise DatasetError(
                DatasetErrorReason.CONFIG,
                f"Selected backend '{backend}' could not be imported. Make sure it is "
                "installed and importable.",
            ) from exc
        if not (
            callable(getattr(module, "load", None)) and callable(getattr(module, "dump", None))
        ):
            raise DatasetError(
                DatasetErrorReason.CONFIG,
                f"Invalid backend '{backend}': it must provide 'load' and 'dump' functions.",
            )
        self._backend = backend
        self._module = module
        super().__init__(
            filepath=filepath,
            version=version,
            load_args=load_args,
            save_args=save_args,
            credentials=credentials,
            fs_args=fs_args,
            metadata=metadata,
        )

    def __getstate__(self) -> dict[str, object]:
        # Modules do not pickle; the backend is imported again by name.
        state = dict(self.__dict__)
        del state["_module"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._module = importlib.import_module(self._backend)

    def _read(self, handle: BinaryIO) -> object:
        return self._module.load(handle, **self._load_args)

    def _write(self, data: object, handle: BinaryIO) -> None:
        self._module.dump(data, handle, **self._save_args)

    def _describe(self) -> Mapping[str, object]:
        return {**super()._describe(), "backend": self._backend}
