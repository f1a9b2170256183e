"""Dataset versions as the catalog sees them: the version a dataset object carries, a copy
of a dataset with another version, and the runtime default datasets built without parsing
their configuration (helpers of :class:`shell.io.catalog.DataCatalog`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from returns.result import Failure, Result, Success

from core.catalog.config import TYPE_KEY
from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell.io.contract import DatasetLike
from shell.io.memory import MemoryDataset

__all__ = ["RUNTIME_MEMORY", "runtime_type_of", "version_of", "with_version"]


def version_of(dataset: object) -> Version | None:
    """The version a dataset object carries (kedro-pure's ``version``, Kedro's ``_version``),
    looking through a cached dataset to the one it wraps, as Kedro does."""
    inner = getattr(dataset, "_dataset", None) if type(dataset).__name__ == "CachedDataset" else None
    target = inner if inner is not None else dataset
    version = getattr(target, "version", None)
    if not isinstance(version, tuple):
        version = getattr(target, "_version", None)
    if isinstance(version, tuple) and len(version) == 2:
        load, save = version
        return Version(load if isinstance(load, str) else None, save if isinstance(save, str) else None)
    return None


def with_version(
    name: str, dataset: DatasetLike, version: Version
) -> Result[DatasetLike, DatasetError]:
    with_version = getattr(dataset, "with_version", None)
    if callable(with_version):
        return Success(with_version(version))
    # Kedro's versioned datasets: a copy with another ``_version`` (their own idiom).
    copy_with = getattr(dataset, "_copy", None)
    if callable(copy_with) and hasattr(dataset, "_version"):
        return Success(copy_with(_version=version))
    return Failure(
        DatasetError(
            DatasetErrorReason.CONFIG,
            f"{name}: dataset {dataset!r} is not versioned, so version '{version.load}' "
            "cannot be loaded. Remove the version, or make the dataset versioned "
            "('versioned: true').",
            dataset=name,
        )
    )


def runtime_type_of(config: Mapping[str, object]) -> object:
    return config.get(TYPE_KEY) if len(config) == 1 else None


def _shared_memory() -> DatasetLike:
    from shell.io.shared_memory import SharedMemoryDataset

    return SharedMemoryDataset()


#: Runtime default configs that need no parsing: ``{type: <memory dataset>}`` and nothing else.
RUNTIME_MEMORY: Mapping[object, Callable[[], DatasetLike]] = {
    "kedro.io.MemoryDataset": MemoryDataset,
    "MemoryDataset": MemoryDataset,
    "kedro.io.SharedMemoryDataset": _shared_memory,
    "SharedMemoryDataset": _shared_memory,
}
