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
:class:`core.errors.DatasetError` naming the dataset (``error.dataset``), the operation
(``error.reason``) and the cause (in the message; the original exception is chained as
``__cause__``). The catalog is a shell object, so these methods do I/O, but they return
``Result`` rather than ``IOResult``: runners call them directly, and dropping an IO marker
is reserved to ``shell/api.py``. A dataset's own methods are third-party code that may
raise anything: the catalog's methods are the documented boundary where any exception
from a dataset becomes a ``Failure``, as Kedro wraps it into ``DatasetError``.

``catalog[name]`` (``__getitem__``) is the one exception-raising accessor, for mapping
syntax: it raises the ``DatasetError`` that :meth:`DataCatalog.get` would return.

Differences from Kedro 1.7, on purpose: ``get`` returns ``Failure(NOT_FOUND)`` instead of
``None`` for an unknown name; loading a pinned version of an unversioned dataset that has no
version support fails instead of silently loading the current data.

Dataset validation (``validator:`` in an entry): :mod:`shell.io.catalog_validation`.
The dataset boundary (and a run's hot path): :mod:`shell.io.dataset_boundary`; building
from configuration: :mod:`shell.io.catalog_construction`; versions:
:mod:`shell.io.catalog_versions`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, Self

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.config import TYPE_KEY, CatalogConfig
from core.catalog.dataset_spec import parse_dataset_spec
from core.catalog.frozen_config import FrozenConfig, freeze, thaw_mapping
from core.catalog.parameters import parameter_feed
from core.catalog.resolution import (
    EntrySource,
    Resolution,
    match_user_pattern,
    resolve_entry,
)
from core.catalog.versioning import Version, reconcile_versions
from core.errors import DatasetError, DatasetErrorReason
from core.validation import ValidatorSpec
from shell import log_names
from shell.io import catalog_queries, catalog_validation
from shell.io.catalog_construction import catalog_from_config
from shell.io.catalog_versions import RUNTIME_MEMORY, runtime_type_of, version_of, with_version
from shell.io.config_resolver import CatalogConfigResolver
from shell.io.contract import DatasetLike, is_dataset
from shell.io.dataset_boundary import at_boundary, load_resolved, release_resolved, save_resolved
from shell.io.memory import MemoryDataset
from shell.io.type_resolver import build_dataset

__all__ = [
    "DataCatalog",
    "has_plain_data_operations",
    "load_resolved",
    "release_resolved",
    "save_resolved",
]

if TYPE_CHECKING:
    from shell.validators import Validator

_LOGGER = logging.getLogger(log_names.CATALOG)


def _not_found(name: str) -> DatasetError:
    return DatasetError(
        DatasetErrorReason.NOT_FOUND, f"Dataset '{name}' not found in the catalog", dataset=name
    )


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
        for name, value in (datasets or {}).items():
            if name in self._lazy:
                _LOGGER.warning(
                    "Cannot register dataset '%s' from config: a dataset with the same name "
                    "was already provided in the `datasets` argument.",
                    name,
                )
                del self._lazy[name]
            self._datasets[name] = value if is_dataset(value) else MemoryDataset(data=value)  # type: ignore[assignment]
        self._reconcile(self._datasets)

    def _reconcile(self, datasets: Mapping[str, object]) -> None:
        """Kedro's version check for dataset objects joining the catalog: their load versions
        are pinned, their save version must be the catalog's.

        Raises:
            DatasetError: ``VERSION_EXISTS`` (Kedro's ``VersionAlreadyExistsError``): a
                constructor and ``catalog[name] = ...`` cannot return a ``Result``.
        """
        reconciled = reconcile_versions(
            ((name, version_of(dataset)) for name, dataset in datasets.items()),
            self._load_versions,
            self._save_version,
        )
        if not is_successful(reconciled):
            raise reconciled.failure()
        self._load_versions, self._save_version = reconciled.unwrap()

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
                built = self._materialise(name, fallback_to_runtime_pattern)
                if not is_successful(built):
                    return built
                dataset = built.unwrap()
        if version is None:
            return Success(dataset)
        return with_version(name, dataset, version)

    def get_all(self, names: Iterable[str]) -> Result[dict[str, DatasetLike], DatasetError]:
        """``get(name, fallback_to_runtime_pattern=True)`` for each of ``names`` under one
        lock, stopping at the first failure (a run's warm-up: one call, not one per dataset)."""
        found: dict[str, DatasetLike] = {}
        # Without user patterns, an undeclared name can only fall back to the runtime
        # default; when that is a plain memory dataset it is built directly (what
        # ``_materialise`` would do for it, minus resolving the name once per dataset).
        fast = RUNTIME_MEMORY.get(runtime_type_of(self._runtime_default()))
        if self._config.pattern_configs:
            fast = None
        entries, lazy = self._config.entries, self._lazy
        with self._lock:
            datasets = self._datasets
            for name in names:
                dataset = datasets.get(name)
                if dataset is None:
                    if fast is not None and name not in lazy and name not in entries:
                        dataset = datasets[name] = fast()
                    else:
                        built = self._materialise(name, True)
                        if not is_successful(built):
                            return Failure(built.failure())
                        dataset = built.unwrap()
                found[name] = dataset
        return Success(found)

    def _materialise(self, name: str, fallback: bool) -> Result[DatasetLike, DatasetError]:
        config = self._lazy.get(name)
        if config is None:
            resolution = resolve_entry(
                self._config, name, self._runtime_default() if fallback else None
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
                    # The runtime default for undeclared names: built directly, as parsing
                    # its one-key config would give the same dataset (a run builds one per
                    # intermediate, so this is on every run's path).
                    dataset: DatasetLike = fast()
                    self._datasets[name] = dataset
                    return Success(dataset)
        spec = parse_dataset_spec(name, config)
        if not is_successful(spec):
            return Failure(spec.failure())
        for note in spec.unwrap().notes:
            _LOGGER.warning("%s: %s", name, note)
        built = build_dataset(
            spec.unwrap(),
            load_version=self._load_versions.get(name),
            save_version=self._save_version,
        )
        if is_successful(built):
            self._lazy.pop(name, None)
            self._datasets[name] = built.unwrap()
            self._built_from[name] = thaw_mapping(config)
        return built

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
        """
        with self._lock:
            if name in self._datasets or name in self._lazy:
                _LOGGER.warning("Replacing dataset '%s'", name)
                self._lazy.pop(name, None)
                self._datasets.pop(name, None)
                self._built_from.pop(name, None)
                self._load_versions.pop(name, None)
            if is_dataset(value):
                self._reconcile({name: value})
                self._datasets[name] = value  # type: ignore[assignment]
            else:
                self._datasets[name] = MemoryDataset(data=value)

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
        found = self.get(name, version=None if version is None else Version(version, None))
        if not is_successful(found):
            return Failure(found.failure())
        dataset = found.unwrap()
        _LOGGER.info("Loading data from %s (%s)...", name, type(dataset).__name__)
        loaded = at_boundary(
            name, dataset, dataset.load, DatasetErrorReason.LOAD, "Failed while loading data from dataset"
        )
        if not self._declares_validators or not is_successful(loaded):
            return loaded
        return catalog_validation.validated(self, name, loaded.unwrap(), "load")

    def save(self, name: str, data: object) -> Result[None, DatasetError]:
        """Save ``data`` to ``name``. Nothing is written when the save fails.

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG``,
            ``VERSION_EXISTS``, or ``SAVE`` (also for ``data is None``).
        """
        found = self.get(name)
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
        if self._declares_validators:
            # Validated before anything is written: a refused save leaves the stored data as it was.
            checked = catalog_validation.validated(self, name, data, "save")
            if not is_successful(checked):
                return Failure(checked.failure())
            data = checked.unwrap()
        saved = at_boundary(
            name, dataset, lambda: dataset.save(data), DatasetErrorReason.SAVE,
            "Failed while saving data to dataset",
        )
        if not is_successful(saved):
            self._save_validated.discard(name)
        return saved

    def exists(self, name: str) -> Result[bool, DatasetError]:
        """Whether ``name`` has data. An undeclared name does not exist (``Success(False)``)
        and is not created.

        Returns:
            ``Success(flag)``; ``Failure(DatasetError)``: ``CONFIG`` when the entry cannot
            be built, ``EXISTS`` when the dataset's check fails.
        """
        if name not in self:
            return Success(False)
        found = self.get(name)
        if not is_successful(found):
            return Failure(found.failure())
        dataset = found.unwrap()
        return at_boundary(
            name, dataset, lambda: bool(dataset.exists()), DatasetErrorReason.EXISTS,
            "Failed during exists check for dataset",
        )

    def release(self, name: str) -> Result[None, DatasetError]:
        """Release ``name``'s cached data (memory datasets forget their data).

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG`` or
            ``RELEASE``.
        """
        found = self.get(name)
        if not is_successful(found):
            return Failure(found.failure())
        dataset = found.unwrap()
        self._save_validated.discard(name)
        return at_boundary(
            name, dataset, dataset.release, DatasetErrorReason.RELEASE, "Failed during release for dataset"
        )

    def confirm(self, name: str) -> Result[None, DatasetError]:
        """Call the dataset's ``confirm()`` (e.g. to mark incremental data as processed).

        Returns:
            ``Success(None)``; ``Failure(DatasetError)``: ``NOT_FOUND``, ``CONFIG`` when it
            has no ``confirm`` method or it fails.
        """
        _LOGGER.info("Confirming dataset '%s'", name)
        found = self.get(name)
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
