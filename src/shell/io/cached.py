"""``CachedDataset``: a dataset wrapped with an in-memory cache (Kedro's ``CachedDataset``).

Loads come from the cache once it is filled; saves go to both the wrapped dataset and the
cache. It is ephemeral and single-process: the cache is not shared between processes, and
it is emptied when the dataset is pickled.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import ClassVar

from returns.pipeline import is_successful

from core.catalog.dataset_spec import VERSIONED_KEY
from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell import log_names
from shell.io.contract import DatasetLike, describe_dataset, is_dataset
from shell.io.memory import MemoryDataset
from shell.io.type_resolver import dataset_from_config

__all__ = ["CachedDataset"]

_LOGGER = logging.getLogger(log_names.CACHED_DATASET)


class CachedDataset:
    """Cache another dataset's data in memory.

    Args:
        dataset: the dataset to wrap, or its catalog configuration (a mapping with
            ``type``).
        version: versioning for a dataset given as configuration (say ``versioned: true``
            on the ``CachedDataset`` entry, not inside ``dataset``).
        copy_mode: the cache's copy mode (see :class:`~shell.io.memory.MemoryDataset`).
        metadata: free-form metadata, ignored by kedro-pure.

    Raises:
        DatasetError: ``CONFIG`` when ``dataset`` is neither a dataset nor a valid
            configuration, or its configuration says ``versioned``.
    """

    _EPHEMERAL: ClassVar[bool] = True
    _SINGLE_PROCESS: ClassVar[bool] = True

    def __init__(
        self,
        dataset: DatasetLike | Mapping[str, object],
        version: Version | None = None,
        copy_mode: str | None = None,
        metadata: Mapping[str, object] | None = None,
    ) -> None:
        if isinstance(dataset, Mapping):
            self._dataset = self._from_config(dataset, version)
        elif is_dataset(dataset):
            self._dataset = dataset
        else:
            raise DatasetError(
                DatasetErrorReason.CONFIG,
                "The argument type of 'dataset' should be either a dict/YAML representation "
                "of the dataset, or the actual dataset object.",
            )
        self._cache = MemoryDataset(copy_mode=copy_mode)
        self.metadata = metadata

    @staticmethod
    def _from_config(config: Mapping[str, object], version: Version | None) -> DatasetLike:
        if VERSIONED_KEY in config:
            raise DatasetError(
                DatasetErrorReason.CONFIG,
                "Cached datasets should specify that they are versioned in the "
                "'CachedDataset', not in the wrapped dataset.",
            )
        entry = dict(config)
        if version is not None:
            entry[VERSIONED_KEY] = True
        built = dataset_from_config(
            "_cached",
            entry,
            load_version=None if version is None else version.load,
            save_version=None if version is None else version.save,
        )
        if not is_successful(built):
            raise built.failure()
        return built.unwrap()

    @property
    def dataset(self) -> DatasetLike:
        """The wrapped dataset."""
        return self._dataset

    def load(self) -> object:
        """The cached data, loading (and caching) it from the wrapped dataset first."""
        if not self._cache.exists():
            self._cache.save(self._dataset.load())
        return self._cache.load()

    def save(self, data: object) -> None:
        """Save to the wrapped dataset, then cache."""
        self._dataset.save(data)
        self._cache.save(data)

    def exists(self) -> bool:
        """Whether the cache or the wrapped dataset holds data."""
        return self._cache.exists() or self._dataset.exists()

    def release(self) -> None:
        """Empty the cache and release the wrapped dataset."""
        self._cache.release()
        self._dataset.release()

    def describe(self) -> Mapping[str, object]:
        """The wrapped dataset's description and the cache's."""
        return {"dataset": describe_dataset(self._dataset), "cache": self._cache.describe()}

    def __repr__(self) -> str:
        cls = type(self)
        return (
            f"{cls.__module__}.{cls.__qualname__}(dataset={self._dataset!r}, cache={self._cache!r})"
        )

    def __getstate__(self) -> dict[str, object]:
        _LOGGER.warning("%s: clearing cache to pickle.", self)
        self._cache.release()
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
