"""``SharedMemoryDataset``: memory data that worker processes can share through a manager.

The data lives in a :class:`multiprocessing.managers.SyncManager` server process; the
dataset holds a proxy to a :class:`~shell.io.memory.MemoryDataset` there, so every process
that receives the (pickled) dataset reads and writes the same data. Runners create the
manager (:class:`SharedDatasetManager`) and hand it to the catalog's
``set_manager_datasets``.

Until a manager is set, the dataset keeps its data in this process like a plain
``MemoryDataset`` (Kedro's fails instead), so a ``SharedMemoryDataCatalog`` also works with
the sequential and thread runners; data saved before the manager arrives is moved into it.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from multiprocessing.managers import SyncManager
from typing import TYPE_CHECKING, ClassVar, Protocol

from core.errors import DatasetError, DatasetErrorReason
from shell.io.contract import AbstractDataset
from shell.io.memory import MemoryDataset

__all__ = ["SharedDatasetManager", "SharedMemoryDataset", "SupportsMemoryDataset"]


class _MemoryProxy(Protocol):
    def load(self) -> object: ...
    def save(self, data: object) -> None: ...
    def exists(self) -> bool: ...
    def release(self) -> None: ...


class SharedDatasetManager(SyncManager):
    """A ``SyncManager`` that can host :class:`MemoryDataset` objects (``.MemoryDataset()``)."""

    if TYPE_CHECKING:
        # Added at runtime by ``register`` below; declared here for the type checker.
        def MemoryDataset(self) -> _MemoryProxy: ...


SharedDatasetManager.register("MemoryDataset", MemoryDataset)


class SupportsMemoryDataset(Protocol):
    """A manager able to create shared memory datasets (:class:`SharedDatasetManager`)."""

    def MemoryDataset(self) -> _MemoryProxy:
        """A proxy to a new ``MemoryDataset`` living in the manager's process."""
        ...


class SharedMemoryDataset(AbstractDataset):
    """Memory data shared between processes through a manager.

    Args:
        manager: a started :class:`SharedDatasetManager`; may be set later with
            :meth:`set_manager`.
    """

    _EPHEMERAL: ClassVar[bool] = True

    def __init__(self, manager: SupportsMemoryDataset | None = None) -> None:
        self._local = MemoryDataset()
        self._shared: _MemoryProxy | None = None
        if manager is not None:
            self.set_manager(manager)

    @property
    def is_shared(self) -> bool:
        """Whether the data lives in a manager (and so is visible to other processes)."""
        return self._shared is not None

    def set_manager(self, manager: SupportsMemoryDataset) -> None:
        """Move the data (if any) into a new memory dataset hosted by ``manager``."""
        shared = manager.MemoryDataset()
        if self._local.exists():
            shared.save(self._local.load())
            self._local.release()
        self._shared = shared

    def _store(self) -> _MemoryProxy:
        return self._local if self._shared is None else self._shared

    def load(self) -> object:
        """The data, from the manager if one is set."""
        return self._store().load()

    def save(self, data: object) -> None:
        """Save ``data``; with a manager it must pickle.

        Raises:
            DatasetError: ``SAVE`` for ``None`` (Kedro's rule), or when the data cannot be sent to the manager because it
                does not pickle (Kedro's message).
        """
        if data is None:
            raise DatasetError(DatasetErrorReason.SAVE, "Saving 'None' to a 'Dataset' is not allowed")
        if self._shared is None:
            self._local.save(data)
            return
        try:
            # The proxy pickles ``data`` to send it to the manager.
            self._shared.save(data)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise DatasetError(
                DatasetErrorReason.SAVE,
                f"{data.__class__!s} cannot be serialised. ParallelRunner implicit memory "
                "datasets can only be used with serialisable data",
            ) from exc

    def _exists(self) -> bool:
        return self._store().exists()

    def _release(self) -> None:
        self._store().release()

    def _describe(self) -> Mapping[str, object]:
        return {}
