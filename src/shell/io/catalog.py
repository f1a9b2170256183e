"""``DataCatalog``: named datasets built lazily from a ``catalog.yml`` structure.

Theory of operation
-------------------
The catalog holds three things:

* a parsed, frozen :class:`core.catalog.CatalogConfig` (explicit entries and factory
  patterns; built by :meth:`DataCatalog.from_config`, which checks everything Kedro checks
  when it builds a catalog);
* the entries not used yet ("lazy": configuration only, nothing imported);
* the datasets materialised so far (objects), by name.

A dataset is materialised on first use, from its entry or from the first factory pattern
its name matches (:func:`core.catalog.resolve_entry` decides; :mod:`shell.io.type_resolver`
builds). Names nobody declared get the catalog's runtime default (a ``MemoryDataset``;
a ``SharedMemoryDataset`` in :class:`~shell.io.shared_catalog.SharedMemoryDataCatalog`)
only when asked with ``fallback_to_runtime_pattern=True``, which is what runners do.

Errors as values
----------------
Every public method that touches data (``load``, ``save``, ``exists``, ``release``,
``confirm``, ``get``) returns a plain ``returns.result.Result`` whose failure is a
:class:`core.errors.DatasetError` naming the dataset, the operation and the cause; the data
operations (:mod:`shell.io.catalog_operations`) are the documented boundary where any
exception from a dataset becomes a ``Failure``, as Kedro wraps it into ``DatasetError``.

``catalog[name]`` (``__getitem__``) is the one exception-raising accessor, for mapping
syntax: it raises the ``DatasetError`` that :meth:`DataCatalog.get` would return.

Differences from Kedro 1.7, on purpose: ``get`` returns ``Failure(NOT_FOUND)`` instead of
``None`` for an unknown name; loading a pinned version of an unversioned dataset that has no
version support fails instead of silently loading the current data.

Dataset validation (``validator:`` in an entry): :mod:`shell.io.catalog_validation`.
The dataset boundary (and a run's hot path): :mod:`shell.io.dataset_boundary`; building
from configuration: :mod:`shell.io.catalog_construction`; versions:
:mod:`shell.io.catalog_versions`; materialising datasets on first use:
:mod:`shell.io.catalog_materialise`; dataset objects joining the catalog:
:mod:`shell.io.catalog_registration`; data operations: :mod:`shell.io.catalog_operations`;
queries that build nothing: :mod:`shell.io.catalog_queries`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, Self

from returns.pipeline import is_successful
from returns.result import Result, Success

from core.catalog.config import TYPE_KEY, CatalogConfig
from core.catalog.frozen_config import FrozenConfig, freeze, thaw_mapping
from core.catalog.parameters import parameter_feed
from core.catalog.resolution import (
    EntrySource,
    Resolution,
    match_user_pattern,
    resolve_entry,
)
from core.catalog.versioning import Version
from core.errors import DatasetError
from core.validation import ValidatorSpec
from shell.io import (
    catalog_materialise,
    catalog_operations,
    catalog_queries,
    catalog_registration,
    catalog_validation,
)
from shell.io.catalog_construction import catalog_from_config
from shell.io.catalog_versions import with_version
from shell.io.config_resolver import CatalogConfigResolver
from shell.io.contract import DatasetLike
from shell.io.dataset_boundary import load_resolved, release_resolved, save_resolved

__all__ = [
    "DataCatalog",
    "has_plain_data_operations",
    "load_resolved",
    "release_resolved",
    "save_resolved",
]

if TYPE_CHECKING:
    from shell.validators import Validator


class DataCatalog:
    """A catalog of named datasets.

    Args:
        datasets: datasets by name; values that are not datasets are wrapped in a
            ``MemoryDataset`` holding them.
        config_resolver: the parsed configuration (:func:`core.catalog.parse_catalog_config`;
            :meth:`from_config` builds it from a ``catalog.yml`` structure).
        load_versions: pinned load versions by dataset name.
        save_version: the version every versioned dataset saves under (the run's id);
            ``None`` lets each dataset generate a timestamp.
    """

    #: Kedro's runtime default pattern: undeclared names become memory datasets.
    default_runtime_patterns: ClassVar[Mapping[str, FrozenConfig]] = freeze(  # type: ignore[assignment]
        {"{default}": {TYPE_KEY: "kedro.io.MemoryDataset"}}
    )

    def __init__(
        self,
        datasets: Mapping[str, object] | None = None,
        config_resolver: CatalogConfig | None = None,
        load_versions: Mapping[str, str] | None = None,
        save_version: str | None = None,
    ) -> None:
        #: The class name messages print (Kedro prints ``type(catalog).__name__``; a session's
        #: catalog is Kedro's composed ``DataCatalogWithCatalogCommandsMixin``).
        self.class_name_in_messages = type(self).__name__
        self._config = config_resolver if config_resolver is not None else CatalogConfig()
        self._lazy: dict[str, FrozenConfig] = dict(self._config.entries)
        self._datasets: dict[str, DatasetLike] = {}
        self._load_versions: dict[str, str] = dict(load_versions or {})
        self._save_version = save_version
        # The configuration each dataset built from config came from (for ``to_config``), and
        # each ``type`` value's class path (for ``get_type``/``filter``).
        self._built_from: dict[str, Mapping[str, object]] = {}
        self._type_memo: dict[object, Result[str, DatasetError]] = {}
        #: Dataset validation (shell.io.catalog_validation): the DATASET_VALIDATION setting,
        #: declarations by name, resolved validators, and the saves this catalog validated.
        self.validation_enabled = True
        self._declares_validators = catalog_validation.declares_validators(self._config)
        self._validator_specs: dict[str, ValidatorSpec] = {}
        self._validators: dict[str, Validator] = {}
        self._save_validated: set[str] = set()
        # Materialising mutates the two dicts; thread runners call in from many threads.
        self._lock = threading.RLock()
        catalog_registration.register_initial(self, datasets or {})

    @classmethod
    def from_config(
        cls,
        catalog: Mapping[str, object] | None,
        credentials: Mapping[str, object] | None = None,
        load_versions: Mapping[str, str | None] | None = None,
        save_version: str | None = None,
    ) -> Result[Self, DatasetError]:
        """Build a catalog from a ``catalog.yml`` structure and credentials.

        Args:
            catalog: ``{name or pattern: {type: ..., ...}}`` (already parsed YAML).
            credentials: ``{key: {...}}``, referenced by ``credentials: <key>`` in entries.
            load_versions: pinned load versions; each key must be an explicit entry or
                match a pattern that is not the catch-all.
            save_version: the save version (default: a timestamp generated now).

        Returns:
            ``Success(catalog)``; ``Failure(DatasetError)`` naming the bad entry (see
            :func:`core.catalog.parse_catalog_config`), a bad version string (``CONFIG``) or
            unknown ``load_versions`` keys (``NOT_FOUND``).
        """
        return catalog_from_config(cls, catalog, credentials, load_versions, save_version)

    # -- what the catalog knows ---------------------------------------------------------------

    @property
    def config_resolver(self) -> CatalogConfigResolver:
        """Kedro's ``CatalogConfigResolver`` over the catalog's configuration (its ``parsed``
        attribute is the frozen :class:`core.catalog.CatalogConfig`)."""
        return CatalogConfigResolver(
            self._config, default_runtime_patterns=thaw_mapping(self.default_runtime_patterns)  # type: ignore[arg-type]
        )

    @property
    def validator_specs(self) -> dict[str, ValidatorSpec]:
        """The parsed ``validator`` declarations by dataset name (entries, and names resolved
        through a pattern that declares one once they were used)."""
        return dict(self._validator_specs)

    # -- queries that build nothing (see shell.io.catalog_queries) ----------------------------

    def get_type(self, name: str) -> Result[str | None, DatasetError]:
        """The class path ``name`` is or would be built as (``None``: undeclared), without
        building or registering it; factory patterns are resolved."""
        return catalog_queries.dataset_type(self, name)

    def filter(
        self,
        name_regex: re.Pattern[str] | str | None = None,
        type_regex: re.Pattern[str] | str | None = None,
        by_type: type | list[type] | None = None,
    ) -> Result[list[str], DatasetError]:
        """Names matching ``name_regex`` (searched in the name), ``type_regex`` (searched in
        the class path) and ``by_type`` (one class or a list), in ``keys()`` order."""
        return catalog_queries.filter_names(self, name_regex, type_regex, by_type)

    def to_config(self) -> Result[catalog_queries.CatalogConfigTuple, DatasetError]:
        """``(catalog, credentials, load_versions, save_version)``:
        ``DataCatalog.from_config(*catalog.to_config().unwrap())`` rebuilds this catalog."""
        return catalog_queries.catalog_to_config(self)

    def _ipython_key_completions_(self) -> list[str]:
        return self.keys()

    @property
    def save_version(self) -> str | None:
        """The version versioned datasets save under (``None``: each generates one)."""
        return self._save_version

    @property
    def load_versions(self) -> Mapping[str, str]:
        """The pinned load versions, by dataset name."""
        return dict(self._load_versions)

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is declared: materialised, an entry, or matching a user pattern
        (the catch-all included, the runtime default not)."""
        if not isinstance(name, str):
            return False
        return (
            name in self._datasets
            or name in self._lazy
            or match_user_pattern(self._config, name) is not None
        )

    def keys(self) -> list[str]:
        """Names of unused entries (declaration order), then of materialised datasets."""
        with self._lock:
            return [*self._lazy, *self._datasets]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def values(self) -> list[DatasetLike]:
        """Every dataset (entries are built on the way), as Kedro's ``values()``.

        Raises:
            DatasetError: an entry cannot be built (as ``catalog[name]`` would).
        """
        return [self[name] for name in self.keys()]

    def items(self) -> list[tuple[str, DatasetLike]]:
        """``(name, dataset)`` pairs (entries are built on the way), as Kedro's ``items()``.

        Raises:
            DatasetError: an entry cannot be built (as ``catalog[name]`` would).
        """
        return [(name, self[name]) for name in self.keys()]

    def __len__(self) -> int:
        return len(self._lazy) + len(self._datasets)

    def list_patterns(self) -> list[str]:
        """The user's patterns in resolution order, then the runtime default pattern(s)."""
        own = [p.text for p in self._config.patterns.in_order()]
        return own + [p for p in self.default_runtime_patterns if p not in own]

    def resolve_config(self, name: str) -> Resolution | None:
        """The configuration ``name`` would be built from, without building it (``None``
        for an undeclared name; materialised datasets have no configuration here)."""
        if name in self._lazy:
            return Resolution(name, EntrySource.EXPLICIT, self._lazy[name])
        return resolve_entry(self._config, name)

    def _runtime_default(self) -> FrozenConfig:
        return next(iter(self.default_runtime_patterns.values()))

    # -- materialising -----------------------------------------------------------------------

    def get(
        self,
        name: str,
        *,
        fallback_to_runtime_pattern: bool = False,
        version: Version | None = None,
    ) -> Result[DatasetLike, DatasetError]:
        """The dataset called ``name``, built from its entry or pattern on first use.

        Args:
            name: the dataset name.
            fallback_to_runtime_pattern: build the runtime default (a memory dataset) for a
                name nobody declared, and register it (runners do this for every dataset
                of the pipeline).
            version: return a *copy* of a versioned dataset with this ``Version`` (the
                registered dataset is unchanged).

        Returns:
            ``Success(dataset)``; ``Failure(DatasetError)``: ``NOT_FOUND`` for an undeclared
            name without fallback, ``CONFIG`` when the entry cannot be built (unknown
            ``type``, bad arguments, ...).
        """
        with self._lock:
            dataset = self._datasets.get(name)
            if dataset is None:
                built = catalog_materialise.materialise(self, name, fallback_to_runtime_pattern)
                if not is_successful(built):
                    return built
                dataset = built.unwrap()
        if version is None:
            return Success(dataset)
        return with_version(name, dataset, version)

    def get_all(self, names: Iterable[str]) -> Result[dict[str, DatasetLike], DatasetError]:
        """``get(name, fallback_to_runtime_pattern=True)`` for each of ``names`` under one
        lock, stopping at the first failure (a run's warm-up: one call, not one per dataset)."""
        return catalog_materialise.materialise_all(self, names)

    def __getitem__(self, name: str) -> DatasetLike:
        """The dataset called ``name`` (see :meth:`get`).

        Raises:
            DatasetError: what :meth:`get` would return as a failure.
        """
        result = self.get(name)
        if not is_successful(result):
            raise result.failure()
        return result.unwrap()

    def __setitem__(self, name: str, value: object) -> None:
        """Register ``value`` as ``name``, replacing any dataset or entry of that name.

        A value with the dataset methods is stored as is; anything else is wrapped in a
        ``MemoryDataset`` holding it.

        Raises:
            DatasetError: ``VERSION_EXISTS`` when a dataset object's versions clash with the
                catalog's (Kedro's ``VersionAlreadyExistsError``).
        """
        catalog_registration.register(self, name, value)

    def add_parameters(self, parameters: Mapping[str, object]) -> None:
        """Feed the project's parameters: ``parameters``, ``params:<key>`` and, for nested
        mappings, ``params:<key>.<sub>`` at any depth, each as a ``MemoryDataset``."""
        for name, value in parameter_feed(parameters).items():
            self[name] = value

    # -- data operations ---------------------------------------------------------------------

    def load(self, name: str, version: str | None = None) -> Result[object, DatasetError]:
        """Load the data of ``name`` (a pinned ``version`` for versioned datasets).

        Returns:
            ``Success(data)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG``,
            ``VERSION_NOT_FOUND``, or ``LOAD`` with the dataset's error as cause.
        """
        return catalog_operations.load_data(self, name, version)

    def save(self, name: str, data: object) -> Result[None, DatasetError]:
        """Save ``data`` to ``name``. Nothing is written when the save fails.

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG``,
            ``VERSION_EXISTS``, or ``SAVE`` (also for ``data is None``).
        """
        return catalog_operations.save_data(self, name, data)

    def exists(self, name: str) -> Result[bool, DatasetError]:
        """Whether ``name`` has data. An undeclared name does not exist (``Success(False)``)
        and is not created.

        Returns:
            ``Success(flag)``; ``Failure(DatasetError)``: ``CONFIG`` when the entry cannot
            be built, ``EXISTS`` when the dataset's check fails.
        """
        return catalog_operations.data_exists(self, name)

    def release(self, name: str) -> Result[None, DatasetError]:
        """Release ``name``'s cached data (memory datasets forget their data).

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG`` or
            ``RELEASE``.
        """
        return catalog_operations.release_data(self, name)

    def confirm(self, name: str) -> Result[None, DatasetError]:
        """Call the dataset's ``confirm()`` (e.g. to mark incremental data as processed).

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG`` when it
            has no ``confirm`` method or it fails.
        """
        return catalog_operations.confirm_data(self, name)

    # -- printing and pickling ---------------------------------------------------------------

    def __repr__(self) -> str:
        with self._lock:
            lines = [
                f"'{name}': {config.get(TYPE_KEY)!s} (not loaded yet)"
                for name, config in self._lazy.items()
            ]
            lines += [f"'{name}': {dataset!r}" for name, dataset in self._datasets.items()]
        return "\n".join(lines)

    def __getstate__(self) -> dict[str, object]:
        # Locks do not pickle; catalogs are sent to worker processes.
        state = dict(self.__dict__)
        del state["_lock"]
        # Resolved validators may not pickle; they are resolved again where they are used.
        state["_validators"] = {}
        state["_save_validated"] = set()
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()


def has_plain_data_operations(catalog: object) -> bool:
    """Whether ``catalog`` loads, saves and releases exactly as :class:`DataCatalog` does
    (a subclass overriding one of them, or a foreign catalog, is called through its methods)."""
    if not isinstance(catalog, DataCatalog):
        return False
    kind = type(catalog)
    return (
        kind.load is DataCatalog.load
        and kind.save is DataCatalog.save
        and kind.release is DataCatalog.release
        and kind.get is DataCatalog.get
    )
