"""From a resolved catalog entry to what the shell needs to build the dataset.

``parse_dataset_spec`` splits an entry into the class reference (``type``), the versioning
request and the constructor arguments, as Kedro's ``parse_dataset_definition`` does, and
``type_candidates`` lists the import paths to try for a ``type`` string. Importing the class
and calling it is the shell's work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from returns.result import Failure, Result, Success

from core.catalog.config import TYPE_KEY
from core.catalog.frozen_config import FrozenConfig, FrozenMapping
from core.errors import DatasetError, DatasetErrorReason

__all__ = [
    "VERSIONED_KEY",
    "VERSION_KEY",
    "DatasetSpec",
    "parse_dataset_spec",
    "type_candidates",
]

VERSIONED_KEY = "versioned"
VERSION_KEY = "version"
#: a catalog-level key Kedro 1.7 strips before building the dataset (data validation,
#: which kedro-pure does not implement)
VALIDATOR_KEY = "validator"

#: Kedro's fallback prefixes after the short names: ``kedro_datasets.<type>``, then the
#: type as a full import path.
_FALLBACK_PREFIXES = ("kedro_datasets.", "")


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """A catalog entry taken apart.

    Attributes:
        name: the dataset name.
        type_ref: the ``type`` value: an import path or short name (``str``), or a class
            object given directly in a Python catalog.
        arguments: the constructor arguments (``type``, ``versioned`` and ``version``
            removed).
        versioned: whether the entry asked for versioning (``versioned: true``).
        notes: human-readable remarks for the shell to log (e.g. a reserved key dropped).
    """

    name: str
    type_ref: object
    arguments: FrozenConfig
    versioned: bool = False
    notes: tuple[str, ...] = ()


def _config_error(name: str, message: str) -> DatasetError:
    return DatasetError(
        DatasetErrorReason.CONFIG,
        f"An exception occurred when parsing config for dataset '{name}':\n{message}",
        dataset=name,
    )


def parse_dataset_spec(
    name: str, config: Mapping[str, object]
) -> Result[DatasetSpec, DatasetError]:
    """Split a resolved entry into class reference, versioning flag and arguments.

    Returns:
        ``Success(DatasetSpec)``; ``Failure(DatasetError(CONFIG))`` when ``type`` is missing
        or is a string that starts or ends with a dot.
    """
    if TYPE_KEY not in config:
        # Kedro's text, with its hint (an entry meant for interpolation needs a leading _).
        return Failure(
            _config_error(
                name,
                "'type' is missing from dataset catalog configuration.\nHint: If this catalog "
                "entry is intended for variable interpolation, make sure that the top level key "
                "is preceded by an underscore.",
            )
        )
    type_ref = config[TYPE_KEY]
    if isinstance(type_ref, str) and (not type_ref or type_ref.strip(".") != type_ref):
        return Failure(
            _config_error(
                name,
                "'type' class path does not support relative paths or paths ending with a dot.",
            )
        )
    notes: list[str] = []
    if isinstance(type_ref, str) and type_ref.endswith("Set"):
        notes.append(
            "Since kedro-datasets 2.0, 'Dataset' is spelled with a lowercase 's'. "
            f"Got '{type_ref}'."
        )
    if VERSION_KEY in config:
        notes.append(
            f"'{VERSION_KEY}' attribute removed from dataset configuration since it is a "
            "reserved word and cannot be directly specified"
        )
    # ``validator`` is the catalog's (core.validation), never the dataset's argument.
    arguments = FrozenMapping(
        {
            key: value
            for key, value in config.items()
            if key not in (TYPE_KEY, VERSIONED_KEY, VERSION_KEY, VALIDATOR_KEY)
        }
    )
    versioned = bool(config.get(VERSIONED_KEY, False))
    return Success(DatasetSpec(name, type_ref, arguments, versioned, tuple(notes)))


def type_candidates(type_name: str, short_names: Mapping[str, str]) -> tuple[str, ...]:
    """The import paths to try, in order, for a ``type`` string.

    Args:
        type_name: the ``type`` value of an entry.
        short_names: kedro-pure's own names (``"pickle.PickleDataset"``, ...) mapped to
            the import paths of its classes; they win over ``kedro_datasets``.

    Returns:
        The short name's target (if any), then ``kedro_datasets.<type>``, then the type
        itself as a full import path.
    """
    own = short_names.get(type_name)
    fallbacks = tuple(prefix + type_name for prefix in _FALLBACK_PREFIXES)
    return fallbacks if own is None else (own, *fallbacks)
