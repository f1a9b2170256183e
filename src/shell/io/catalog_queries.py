"""Questions about a ``DataCatalog`` that build no dataset: Kedro 1.7's ``filter``, ``get_type``
and ``to_config`` (the ``DataCatalog`` methods of those names call these functions).

* :func:`dataset_type` answers with the fully qualified class a name would be built as,
  importing the class but never instantiating it (factory patterns resolved, the catalog
  unchanged). Each ``type`` value is looked up once per catalog.
* :func:`filter_names` keeps Kedro's rules: ``re.search`` of ``name_regex`` on names and of
  ``type_regex`` on the class path, ``by_type`` compared by class path.
* :func:`catalog_to_config` gives ``(catalog, credentials, load_versions, save_version)`` such
  that ``DataCatalog.from_config(*catalog.to_config().unwrap())`` rebuilds the catalog.

Deliberate differences from Kedro 1.7: all three return ``Result`` values (a ``type`` that
cannot be imported is a ``Failure``, not an exception); ``to_config`` also returns the factory
patterns (Kedro drops them, so its round trip loses every pattern); a dataset registered as an
object that cannot describe itself (no ``_init_config``) is a ``Failure`` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.config import TYPE_KEY
from core.catalog.frozen_config import thaw_mapping
from core.catalog.resolution import resolve_entry
from core.errors import DatasetError, DatasetErrorReason
from shell.io.config_resolver import CatalogConfigResolver
from shell.io.memory import MemoryDataset
from shell.io.type_resolver import resolve_class

if TYPE_CHECKING:
    from shell.io.catalog import DataCatalog

__all__ = ["CatalogConfigTuple", "catalog_to_config", "dataset_type", "filter_names"]

#: ``(catalog, credentials, load_versions, save_version)``, what ``from_config`` takes.
CatalogConfigTuple = tuple[dict[str, dict[str, object]], dict[str, object], dict[str, str | None], str | None]

#: The ``type`` values Kedro's ``to_config`` treats as memory datasets (and leaves out).
_MEMORY_TYPES = frozenset({"MemoryDataset", "kedro.io.memory_dataset.MemoryDataset"})


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _type_of_config(catalog: DataCatalog, name: str, type_ref: object) -> Result[str, DatasetError]:
    memo = catalog._type_memo
    try:
        known = memo.get(type_ref)
    except TypeError:  # an unhashable ``type`` value: resolve_class reports it
        known = None
    if known is not None:
        return known
    found = resolve_class(type_ref, dataset=name).map(_class_path)
    if is_successful(found):
        memo[type_ref] = found
    return found


def dataset_type(catalog: DataCatalog, name: str) -> Result[str | None, DatasetError]:
    """The class path ``name`` is (or would be built as); ``None`` for an undeclared name.

    Returns:
        ``Success(path or None)``; ``Failure(DatasetError(CONFIG))`` when the ``type`` cannot
        be imported.
    """
    materialised = catalog._datasets.get(name)
    if materialised is not None:
        return Success(_class_path(type(materialised)))
    config = catalog._lazy.get(name)
    if config is None:
        resolution = resolve_entry(catalog._config, name)
        if resolution is None:
            return Success(None)
        config = resolution.config
    typed: Result[str | None, DatasetError] = _type_of_config(catalog, name, config.get(TYPE_KEY))
    return typed


def filter_names(
    catalog: DataCatalog,
    name_regex: re.Pattern[str] | str | None = None,
    type_regex: re.Pattern[str] | str | None = None,
    by_type: type | Sequence[type] | None = None,
) -> Result[list[str], DatasetError]:
    """The catalog's names (``keys()`` order) matching every criterion given.

    Returns:
        ``Success(names)``; ``Failure(DatasetError)`` when a type criterion is given and a
        candidate's ``type`` cannot be imported.
    """
    names = catalog.keys()
    if name_regex:
        # The built-in filter calls the C search without a bytecode loop per name.
        names = list(filter(re.compile(name_regex).search, names))
    wanted = (
        set()
        if not by_type
        else {_class_path(t) for t in (by_type if isinstance(by_type, Sequence) else [by_type])}
    )
    if not (wanted or type_regex):
        return Success(names)
    type_search = re.compile(type_regex).search if type_regex else None
    kept: list[str] = []
    for name in names:
        typed = dataset_type(catalog, name)
        if not is_successful(typed):
            return Failure(typed.failure())
        path = typed.unwrap() or ""
        if (type_search is None or type_search(path)) and (not wanted or path in wanted):
            kept.append(name)
    return Success(kept)


def _is_memory(dataset: object) -> bool:
    cls = type(dataset)
    return isinstance(dataset, MemoryDataset) or (
        cls.__qualname__ == "MemoryDataset" and cls.__module__.startswith("kedro.io")
    )


def _described(name: str, dataset: object, built_from: Mapping[str, Mapping[str, object]]) -> Result[Mapping[str, object], DatasetError]:
    config = built_from.get(name)
    if config is not None:
        return Success(config)
    init_config = getattr(dataset, "_init_config", None)
    if callable(init_config):
        described = init_config()
        if isinstance(described, Mapping):
            return Success(described)
    return Failure(
        DatasetError(
            DatasetErrorReason.CONFIG,
            f"Dataset '{name}' ({_class_path(type(dataset))}) was registered as an object and "
            "cannot be described as catalog configuration. Declare it in the catalog "
            "configuration instead, or give its class an '_init_config()' method.",
            dataset=name,
        )
    )


def catalog_to_config(catalog: DataCatalog) -> Result[CatalogConfigTuple, DatasetError]:
    """The catalog as ``from_config`` arguments: entries and factory patterns with their
    credentials taken out (references ``<name>_credentials``), pinned load versions and the
    save version. Memory datasets (and so parameters) are left out, as Kedro does.
    """
    unresolve = CatalogConfigResolver.unresolve_credentials
    entries: dict[str, dict[str, object]] = {}
    credentials: dict[str, object] = {}
    load_versions: dict[str, str | None] = {}
    pinned = catalog._load_versions

    def add(name: str, config: Mapping[str, object]) -> None:
        unresolved, creds = unresolve(name, config)
        entries[name] = unresolved
        credentials.update(creds)

    with catalog._lock:
        for name, config in catalog._lazy.items():
            if config.get(TYPE_KEY, "") in _MEMORY_TYPES:
                continue
            add(name, config)
            load_versions[name] = pinned.get(name)
        for name, dataset in catalog._datasets.items():
            if _is_memory(dataset):
                continue
            described = _described(name, dataset, catalog._built_from)
            if not is_successful(described):
                return Failure(described.failure())
            add(name, described.unwrap())
            load_versions[name] = pinned.get(name)
        for pattern in catalog._config.patterns.in_order():
            add(pattern.text, thaw_mapping(catalog._config.pattern_configs[pattern.text]))
    return Success((entries, credentials, load_versions, catalog.save_version))
