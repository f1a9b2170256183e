"""Materialising a :class:`shell.io.catalog.DataCatalog`'s datasets: building a dataset from
its entry, its factory pattern or the runtime default on first use, and registering it
(``DataCatalog.get`` and ``get_all`` call these functions).

:func:`core.catalog.resolve_entry` decides which configuration a name is built from and
:mod:`shell.io.type_resolver` builds it. The runtime default for undeclared names (a
``MemoryDataset`` unless a subclass changes it) is built directly: parsing its one-key
configuration would give the same dataset, and a run builds one per intermediate, so this is
on every run's path.

Both functions mutate the catalog's registries: the caller holds the catalog's lock
(:func:`materialise_all` takes it itself).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.dataset_spec import parse_dataset_spec
from core.catalog.frozen_config import thaw_mapping
from core.catalog.resolution import EntrySource, resolve_entry
from core.errors import DatasetError, DatasetErrorReason
from shell import log_names
from shell.io.catalog_versions import RUNTIME_MEMORY, runtime_type_of
from shell.io.contract import DatasetLike
from shell.io.type_resolver import build_dataset

if TYPE_CHECKING:
    from shell.io.catalog import DataCatalog

__all__ = ["materialise", "materialise_all"]

_LOGGER = logging.getLogger(log_names.CATALOG)


def _not_found(name: str) -> DatasetError:
    return DatasetError(
        DatasetErrorReason.NOT_FOUND, f"Dataset '{name}' not found in the catalog", dataset=name
    )


def materialise(catalog: DataCatalog, name: str, fallback: bool) -> Result[DatasetLike, DatasetError]:
    """Build and register the dataset ``name`` (not registered yet) from its entry or pattern,
    or (``fallback``) from the runtime default; ``Failure(NOT_FOUND)`` for an undeclared name
    without fallback, ``Failure(CONFIG)`` when the configuration cannot be built."""
    config = catalog._lazy.get(name)
    if config is None:
        resolution = resolve_entry(
            catalog._config, name, catalog._runtime_default() if fallback else None
        )
        if resolution is None:
            return Failure(_not_found(name))
        if resolution.source is EntrySource.CATCH_ALL:
            _LOGGER.warning(
                "Config from the dataset pattern '%s' in the catalog will be used to "
                "override the default dataset creation for '%s'",
                resolution.pattern,
                name,
            )
        config = resolution.config
        if resolution.source is EntrySource.RUNTIME:
            fast = RUNTIME_MEMORY.get(runtime_type_of(config))
            if fast is not None:
                # The runtime default, built directly (see the module docstring).
                dataset: DatasetLike = fast()
                catalog._datasets[name] = dataset
                return Success(dataset)
    spec = parse_dataset_spec(name, config)
    if not is_successful(spec):
        return Failure(spec.failure())
    for note in spec.unwrap().notes:
        _LOGGER.warning("%s: %s", name, note)
    built = build_dataset(
        spec.unwrap(),
        load_version=catalog._load_versions.get(name),
        save_version=catalog._save_version,
    )
    if is_successful(built):
        catalog._lazy.pop(name, None)
        catalog._datasets[name] = built.unwrap()
        catalog._built_from[name] = thaw_mapping(config)
    return built


def materialise_all(
    catalog: DataCatalog, names: Iterable[str]
) -> Result[dict[str, DatasetLike], DatasetError]:
    """``catalog.get_all(names)`` (see there): every dataset of ``names``, registered or built
    with the runtime fallback, under one lock, stopping at the first failure."""
    found: dict[str, DatasetLike] = {}
    # Without user patterns, an undeclared name can only fall back to the runtime
    # default; when that is a plain memory dataset it is built directly (what
    # ``materialise`` would do for it, minus resolving the name once per dataset).
    fast = RUNTIME_MEMORY.get(runtime_type_of(catalog._runtime_default()))
    if catalog._config.pattern_configs:
        fast = None
    entries, lazy = catalog._config.entries, catalog._lazy
    with catalog._lock:
        datasets = catalog._datasets
        for name in names:
            dataset = datasets.get(name)
            if dataset is None:
                if fast is not None and name not in lazy and name not in entries:
                    dataset = datasets[name] = fast()
                else:
                    built = materialise(catalog, name, True)
                    if not is_successful(built):
                        return Failure(built.failure())
                    dataset = built.unwrap()
            found[name] = dataset
    return Success(found)
