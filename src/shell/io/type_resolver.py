"""Turning a catalog entry into a dataset object: finding the class and calling it.

``type`` strings are resolved as Kedro does, with kedro-pure's own classes first:

1. kedro-pure's short names (:data:`SHORT_NAMES`: ``pickle.PickleDataset``,
   ``pandas.CSVDataset``, ``MemoryDataset``, and Kedro's ``kedro.io.*`` spellings of the
   memory and cached datasets, so catalogs written for Kedro keep working);
2. ``kedro_datasets.<type>`` (when kedro-datasets is installed);
3. ``<type>`` as a full import path to any class.

Any class whose instances have ``load``, ``save``, ``exists`` and ``release`` is accepted
(Kedro's ``AbstractDataset`` subclasses included). Versioned entries get a
``version=Version(load, save)`` argument, as in Kedro.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.dataset_spec import VERSION_KEY, DatasetSpec, parse_dataset_spec, type_candidates
from core.catalog.frozen_config import FrozenMapping, thaw_mapping
from core.catalog.versioning import Version
from core.errors import DatasetError, DatasetErrorReason
from shell.io.contract import DatasetLike, is_dataset
from shell.io.timestamp import generate_timestamp

__all__ = ["SHORT_NAMES", "build_dataset", "dataset_from_config", "resolve_class"]

_MEMORY = "shell.io.memory.MemoryDataset"
_SHARED = "shell.io.shared_memory.SharedMemoryDataset"
_CACHED = "shell.io.cached.CachedDataset"

#: kedro-pure's own ``type`` names and the classes they mean.
SHORT_NAMES: Mapping[str, str] = FrozenMapping(
    {
        "MemoryDataset": _MEMORY,
        "kedro.io.MemoryDataset": _MEMORY,
        "kedro.io.memory_dataset.MemoryDataset": _MEMORY,
        "SharedMemoryDataset": _SHARED,
        "kedro.io.SharedMemoryDataset": _SHARED,
        "kedro.io.shared_memory_dataset.SharedMemoryDataset": _SHARED,
        "CachedDataset": _CACHED,
        "kedro.io.CachedDataset": _CACHED,
        "kedro.io.cached_dataset.CachedDataset": _CACHED,
        "pickle.PickleDataset": "shell.io.pickle_dataset.PickleDataset",
        "json.JSONDataset": "shell.io.json_dataset.JSONDataset",
        "yaml.YAMLDataset": "shell.io.yaml_dataset.YAMLDataset",
        "text.TextDataset": "shell.io.text_dataset.TextDataset",
        "pandas.CSVDataset": "shell.io.pandas_datasets.CSVDataset",
        "pandas.ParquetDataset": "shell.io.pandas_datasets.ParquetDataset",
    }
)

_OWN_TYPES = ", ".join(k for k in SHORT_NAMES if "." not in k or not k.startswith("kedro."))
#: Kedro's own hint, word for word.
_KEDRO_HINT = (
    "\nHint: If you are trying to use a dataset from `kedro-datasets`, make sure that the "
    "package is installed in your current environment. You can do so by running `pip install "
    "kedro-datasets` or `pip install kedro-datasets[<dataset-group>]` to install "
    "`kedro-datasets` along with related dependencies for the specific dataset group."
)
_HINT = (
    "\nkedro-pure's own dataset types are: "
    + _OWN_TYPES
    + ". Any other class needs its full import path (e.g. 'my_package.datasets.MyDataset')."
)


def _parse_error(name: str, message: str) -> DatasetError:
    return DatasetError(
        DatasetErrorReason.CONFIG,
        f"An exception occurred when parsing config for dataset '{name}':\n{message}",
        dataset=name,
    )


_INSTALL_DOCS = (
    "https://docs.kedro.org/en/stable/getting-started/install/"
    "#how-to-manually-install-the-project-dependencies-in-an-environment"
)


def _import_path(path: str) -> tuple[type | None, str | None]:
    """The class at ``path``, or ``None`` with Kedro's message for this candidate."""
    module_path, _, class_name = path.rpartition(".")
    if not module_path:
        return None, f"Empty module name. Invalid dataset path: '{path}'. Please check if it's correct."
    try:
        module = importlib.import_module(module_path)
        # kedro_datasets imports its submodules lazily, on attribute access.
        found = getattr(module, class_name, None)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == "kedro" or missing.startswith("kedro."):
            return None, _needs_kedro(path)
        return None, f"{exc}. Please install the missing dependencies for {path}:\n{_INSTALL_DOCS}"
    except ImportError as exc:
        return None, f"Importing '{module_path}' failed: {exc}"
    if found is None:
        return None, (
            f"Dataset '{class_name}' not found in '{module_path}'. Make sure the dataset "
            "name is correct."
        )
    if not isinstance(found, type):
        return None, f"'{path}' is not a class."
    return found, None


_KEDRO_MISSING = "Kedro is not importable"


def _needs_kedro(path: str) -> str:
    """Why a Kedro dataset class cannot be used here, and how to fix it."""
    parts = path.split(".")
    if parts[0] == "kedro_datasets" and len(parts) >= 3:
        extra = f"{parts[1]}-{parts[-1].lower()}"
        fix = f"pip install 'kedro-datasets[{extra}]'"
    else:
        fix = "pip install 'kedro==1.7.*'"
    return (
        f"The dataset class '{path}' is written for Kedro (it derives from Kedro's "
        f"'AbstractDataset'), and {_KEDRO_MISSING}. Install it with `{fix}` (this "
        "brings Kedro), or use one of kedro-pure's own dataset types."
    )


def resolve_class(type_ref: object, *, dataset: str = "") -> Result[type, DatasetError]:
    """The dataset class a ``type`` value names.

    Returns:
        ``Success(class)``; ``Failure(DatasetError(CONFIG))`` naming ``dataset`` when no
        candidate path imports, or the class lacks the dataset methods.
    """
    if isinstance(type_ref, str):
        found: type | None = None
        reason: str | None = None
        for path in type_candidates(type_ref, SHORT_NAMES):
            found, problem = _import_path(path)
            if found is not None:
                break
            # Kedro reports the last candidate's problem (the type as a full path); Kedro
            # missing beneath a kedro-datasets class is the reason worth reporting instead.
            reason = reason if reason is not None and _KEDRO_MISSING in reason else problem
        if found is None:
            message = reason or f"Class '{type_ref}' not found, is this a typo?"
            return Failure(_parse_error(dataset, message + _KEDRO_HINT + _HINT))
        cls = found
    elif isinstance(type_ref, type):
        cls = type_ref
    else:
        return Failure(
            _parse_error(
                dataset, f"'type' must be a class path or a class, got {type(type_ref).__name__}."
            )
        )
    if not is_dataset(cls):
        return Failure(
            _parse_error(
                dataset,
                f"Dataset type '{cls.__module__}.{cls.__qualname__}' is invalid: all dataset "
                "types must extend 'AbstractDataset'.\nkedro-pure also accepts a class whose "
                "instances have 'load', 'save', 'exists' and 'release' methods.",
            )
        )
    return Success(cls)


def build_dataset(
    spec: DatasetSpec, *, load_version: str | None = None, save_version: str | None = None
) -> Result[DatasetLike, DatasetError]:
    """Instantiate the dataset a spec describes.

    The constructor gets fresh, mutable copies of the arguments. Exceptions raised by the
    constructor (user or third-party code) are turned into ``Failure`` values here, as
    Kedro does.

    Args:
        spec: the parsed entry.
        load_version: the version to load, for versioned datasets (``None``: latest).
        save_version: the version to save under, for versioned datasets (``None``: a
            timestamp generated now, as in Kedro).

    Returns:
        ``Success(dataset)``; ``Failure(DatasetError(CONFIG))`` (Kedro's messages) when the
        class cannot be found or rejects the arguments.
    """
    found = resolve_class(spec.type_ref, dataset=spec.name)
    if not is_successful(found):
        return Failure(found.failure())
    cls = found.unwrap()
    arguments = thaw_mapping(spec.arguments)
    if spec.versioned or getattr(cls, "versioned", False) is True:
        arguments[VERSION_KEY] = Version(load_version, save_version or generate_timestamp())
    shown = f"{cls.__module__}.{cls.__qualname__}"
    try:
        dataset = cls(**arguments)
    except TypeError as exc:
        if inspect.isabstract(cls):
            message = (
                f"\n{exc}.\nDataset '{spec.name}' cannot be instantiated. Please implement "
                f"the missing abstract methods in '{shown}'."
            )
        elif "missing" in str(exc) and "required" in str(exc):
            message = (
                f"\n{exc}.\nDataset '{spec.name}' must provide every required argument of the "
                f"constructor of '{shown}': add the missing one to its catalog entry."
            )
        else:
            message = (
                f"\n{exc}.\nDataset '{spec.name}' must only contain arguments valid for the "
                f"constructor of '{shown}'."
            )
        return Failure(DatasetError(DatasetErrorReason.CONFIG, message, dataset=spec.name))
    except DatasetError as exc:
        return Failure(DatasetError(exc.reason, f"{spec.name}: {exc.message}", dataset=spec.name))
    except Exception as exc:  # a user's constructor: the documented boundary
        return Failure(
            DatasetError(
                DatasetErrorReason.CONFIG,
                f"\n{exc}.\nFailed to instantiate dataset '{spec.name}' of type '{shown}'.",
                dataset=spec.name,
            )
        )
    return Success(dataset)


def dataset_from_config(
    name: str,
    config: Mapping[str, object],
    *,
    load_version: str | None = None,
    save_version: str | None = None,
) -> Result[DatasetLike, DatasetError]:
    """Build the dataset for one catalog entry (``{"type": ..., **arguments}``).

    Returns:
        ``Success(dataset)``; ``Failure(DatasetError(CONFIG))`` naming ``name`` when the
        entry is invalid (see :func:`build_dataset`).
    """
    spec = parse_dataset_spec(name, config)
    if not is_successful(spec):
        return Failure(spec.failure())
    return build_dataset(spec.unwrap(), load_version=load_version, save_version=save_version)
