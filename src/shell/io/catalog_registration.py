"""Dataset objects joining a :class:`shell.io.catalog.DataCatalog`: given to its constructor
(``datasets=``) or assigned with ``catalog[name] = value``.

A value with the dataset methods joins as it is; any other value is wrapped in a
``MemoryDataset`` holding it. A joining dataset object replaces the entry or dataset of the
same name (with a warning, as Kedro), and passes Kedro's version check: its load version is
pinned, its save version must be the catalog's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from returns.pipeline import is_successful

from core.catalog.versioning import reconcile_versions
from shell import log_names
from shell.io.catalog_versions import version_of
from shell.io.contract import is_dataset
from shell.io.memory import MemoryDataset

if TYPE_CHECKING:
    from shell.io.catalog import DataCatalog

__all__ = ["register", "register_initial"]

_LOGGER = logging.getLogger(log_names.CATALOG)


def _reconcile(catalog: DataCatalog, datasets: Mapping[str, object]) -> None:
    """Kedro's version check for dataset objects joining ``catalog``: their load versions
    are pinned, their save version must be the catalog's.

    Raises:
        DatasetError: ``VERSION_EXISTS`` (Kedro's ``VersionAlreadyExistsError``): a
            constructor and ``catalog[name] = ...`` cannot return a ``Result``.
    """
    reconciled = reconcile_versions(
        ((name, version_of(dataset)) for name, dataset in datasets.items()),
        catalog._load_versions,
        catalog._save_version,
    )
    if not is_successful(reconciled):
        raise reconciled.failure()
    catalog._load_versions, catalog._save_version = reconciled.unwrap()


def register_initial(catalog: DataCatalog, datasets: Mapping[str, object]) -> None:
    """Register the constructor's ``datasets`` (they win over entries of the same name).

    Raises:
        DatasetError: ``VERSION_EXISTS`` (see :func:`_reconcile`).
    """
    for name, value in datasets.items():
        if name in catalog._lazy:
            _LOGGER.warning(
                "Cannot register dataset '%s' from config: a dataset with the same name "
                "was already provided in the `datasets` argument.",
                name,
            )
            del catalog._lazy[name]
        catalog._datasets[name] = value if is_dataset(value) else MemoryDataset(data=value)  # type: ignore[assignment]
    _reconcile(catalog, catalog._datasets)


def register(catalog: DataCatalog, name: str, value: object) -> None:
    """``catalog[name] = value`` (see there).

    Raises:
        DatasetError: ``VERSION_EXISTS`` (see :func:`_reconcile`).
    """
    with catalog._lock:
        if name in catalog._datasets or name in catalog._lazy:
            _LOGGER.warning("Replacing dataset '%s'", name)
            catalog._lazy.pop(name, None)
            catalog._datasets.pop(name, None)
            catalog._built_from.pop(name, None)
            catalog._load_versions.pop(name, None)
        if is_dataset(value):
            _reconcile(catalog, {name: value})
            catalog._datasets[name] = value  # type: ignore[assignment]
        else:
            catalog._datasets[name] = MemoryDataset(data=value)
