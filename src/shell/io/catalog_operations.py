"""A :class:`shell.io.catalog.DataCatalog`'s data operations: ``load``, ``save``, ``exists``,
``release`` and ``confirm`` (the ``DataCatalog`` methods of those names call these functions).

Each returns a plain ``returns.result.Result`` whose failure is a
:class:`core.errors.DatasetError` naming the dataset (``error.dataset``), the operation
(``error.reason``) and the cause (in the message; the original exception is chained as
``__cause__``). The catalog is a shell object, so these do I/O, but they return ``Result``
rather than ``IOResult``: runners call them directly, and dropping an IO marker is reserved
to ``shell/api.py``. A dataset's own methods are third-party code that may raise anything:
these functions are the documented boundary (through :mod:`shell.io.dataset_boundary`) where
any exception from a dataset becomes a ``Failure``, as Kedro wraps it into ``DatasetError``.

Each finds its dataset through ``catalog.get`` (so a subclass's ``get`` is honoured) and logs
as Kedro logs. Declared validators (:mod:`shell.io.catalog_validation`) check data after a
load and *before* a save, so a refused save writes nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell import log_names
from shell.io import catalog_validation
from shell.io.dataset_boundary import at_boundary

if TYPE_CHECKING:
    from shell.io.catalog import DataCatalog

__all__ = ["confirm_data", "data_exists", "load_data", "release_data", "save_data"]

_LOGGER = logging.getLogger(log_names.CATALOG)


def load_data(catalog: DataCatalog, name: str, version: str | None) -> Result[object, DatasetError]:
    """``catalog.load(name, version)`` (see there)."""
    found = catalog.get(name, version=None if version is None else Version(version, None))
    if not is_successful(found):
        return Failure(found.failure())
    dataset = found.unwrap()
    _LOGGER.info("Loading data from %s (%s)...", name, type(dataset).__name__)
    loaded = at_boundary(
        name, dataset, dataset.load, DatasetErrorReason.LOAD, "Failed while loading data from dataset"
    )
    if not catalog._declares_validators or not is_successful(loaded):
        return loaded
    return catalog_validation.validated(catalog, name, loaded.unwrap(), "load")


def save_data(catalog: DataCatalog, name: str, data: object) -> Result[None, DatasetError]:
    """``catalog.save(name, data)`` (see there)."""
    found = catalog.get(name)
    if not is_successful(found):
        return Failure(found.failure())
    dataset = found.unwrap()
    if data is None:
        return Failure(
            DatasetError(
                DatasetErrorReason.SAVE,
                f"{name}: Saving 'None' to a 'Dataset' is not allowed",
                dataset=name,
            )
        )
    _LOGGER.info("Saving data to %s (%s)...", name, type(dataset).__name__)
    if catalog._declares_validators:
        # Validated before anything is written: a refused save leaves the stored data as it was.
        checked = catalog_validation.validated(catalog, name, data, "save")
        if not is_successful(checked):
            return Failure(checked.failure())
        data = checked.unwrap()
    saved = at_boundary(
        name, dataset, lambda: dataset.save(data), DatasetErrorReason.SAVE,
        "Failed while saving data to dataset",
    )
    if not is_successful(saved):
        catalog._save_validated.discard(name)
    return saved


def data_exists(catalog: DataCatalog, name: str) -> Result[bool, DatasetError]:
    """``catalog.exists(name)`` (see there)."""
    if name not in catalog:
        return Success(False)
    found = catalog.get(name)
    if not is_successful(found):
        return Failure(found.failure())
    dataset = found.unwrap()
    return at_boundary(
        name, dataset, lambda: bool(dataset.exists()), DatasetErrorReason.EXISTS,
        "Failed during exists check for dataset",
    )


def release_data(catalog: DataCatalog, name: str) -> Result[None, DatasetError]:
    """``catalog.release(name)`` (see there)."""
    found = catalog.get(name)
    if not is_successful(found):
        return Failure(found.failure())
    dataset = found.unwrap()
    catalog._save_validated.discard(name)
    return at_boundary(
        name, dataset, dataset.release, DatasetErrorReason.RELEASE, "Failed during release for dataset"
    )


def confirm_data(catalog: DataCatalog, name: str) -> Result[None, DatasetError]:
    """``catalog.confirm(name)`` (see there)."""
    _LOGGER.info("Confirming dataset '%s'", name)
    found = catalog.get(name)
    if not is_successful(found):
        return Failure(found.failure())
    dataset = found.unwrap()
    confirm = getattr(dataset, "confirm", None)
    if not callable(confirm):
        return Failure(
            DatasetError(
                DatasetErrorReason.CONFIG,
                f"Dataset '{name}' does not have 'confirm' method",
                dataset=name,
            )
        )
    return at_boundary(name, dataset, confirm, DatasetErrorReason.CONFIG, "Failed while confirming dataset").map(
        lambda _: None
    )
