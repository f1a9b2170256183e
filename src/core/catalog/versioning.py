"""Dataset versions: the ``Version`` value, Kedro's timestamp format and path layout, and
picking the version to load from a listing the shell observed.

A versioned dataset at ``data/d.json`` stores each save under
``data/d.json/<version>/d.json``. Versions are Kedro timestamps
(``2026-11-23T18.52.50.168Z``: UTC, fixed width, no ``:``), so sorting version strings
sorts them by time, and the latest version is the greatest string. The clock is read by
the shell (``shell.io.generate_timestamp``); here a timestamp is formatted from a given
``datetime``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from returns.result import Failure, Result, Success

from core.errors import DatasetError, DatasetErrorReason

__all__ = [
    "VERSION_FORMAT",
    "Version",
    "check_version_string",
    "format_timestamp",
    "latest_version",
    "pick_load_version",
    "reconcile_versions",
    "versioned_path",
    "versions_in_listing",
]

#: Kedro's ``strftime`` format; the microseconds are then cut to milliseconds.
VERSION_FORMAT = "%Y-%m-%dT%H.%M.%S.%fZ"


class Version(NamedTuple):
    """Which versions a versioned dataset loads and saves (Kedro's ``Version``).

    Attributes:
        load: the version to load; ``None`` loads the latest.
        save: the version to save under; ``None`` uses a fresh timestamp at each save.
    """

    load: str | None
    save: str | None


def format_timestamp(moment: datetime) -> str:
    """Format ``moment`` as a version string, e.g. ``2026-11-23T18.52.50.168Z``.

    An aware ``moment`` is converted to UTC; a naive one is taken to be UTC already.
    """
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    text = utc.strftime(VERSION_FORMAT)
    # ``%f`` has six digits; Kedro keeps three (milliseconds) and the trailing ``Z``.
    return text[:-4] + text[-1:]


def check_version_string(version: str, *, dataset: str = "") -> Result[str, DatasetError]:
    """A version must be one safe path component.

    Returns:
        ``Success(version)``; ``Failure(DatasetError(CONFIG))`` (Kedro's message) when it is
        empty, contains ``/`` or ``\\``, or is ``.`` or ``..``.
    """
    if version and "/" not in version and "\\" not in version and version not in (".", ".."):
        return Success(version)
    return Failure(
        DatasetError(
            DatasetErrorReason.CONFIG,
            f"Version string '{version}' is not allowed. Version strings must be a single "
            "non-empty path component with no path separators ('/' or '\\') and must not be "
            "'.' or '..'.",
            dataset=dataset,
        )
    )


def _basename(filepath: str) -> str:
    return filepath.rstrip("/").rsplit("/", 1)[-1]


def versioned_path(filepath: str, version: str) -> str:
    """``filepath/<version>/<basename of filepath>`` (the version must be checked first)."""
    base = filepath.rstrip("/")
    return f"{base}/{version}/{_basename(base)}"


def versions_in_listing(filepath: str, paths: Iterable[str]) -> tuple[str, ...]:
    """The versions present among ``paths`` (as a filesystem glob of the version
    directories returned them), newest first.

    A path counts when it ends with ``/<version>/<basename>``; anything else (temporary
    files of interrupted saves, stray files) is ignored.
    """
    basename = "/" + _basename(filepath)
    found = set()
    for path in paths:
        if path.endswith(basename):
            parent = path[: -len(basename)]
            version = parent.rsplit("/", 1)[-1]
            if version:
                found.add(version)
    return tuple(sorted(found, reverse=True))


def latest_version(versions: Iterable[str]) -> str | None:
    """The newest version (the greatest string), or ``None`` if there is none."""
    return max(versions, default=None)


def pick_load_version(
    version: Version, available: Iterable[str], *, described: str, dataset: str = ""
) -> Result[str, DatasetError]:
    """The version to load: the pinned one if it exists, else the latest.

    Args:
        version: the dataset's ``Version``.
        available: the versions that exist.
        described: how to name the dataset in messages (its ``repr``).
        dataset: the catalog name, for the error's ``dataset`` field.

    Returns:
        ``Success(version)``; ``Failure(DatasetError(VERSION_NOT_FOUND))`` when no version
        exists, or the pinned one does not (the message lists what does).
    """
    present = tuple(sorted(set(available), reverse=True))
    if version.load is not None:
        checked = check_version_string(version.load, dataset=dataset)
        if not isinstance(checked, Success):
            return checked
        if version.load in present:
            return Success(version.load)
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        return Failure(
            DatasetError(
                DatasetErrorReason.VERSION_NOT_FOUND,
                f"Version '{version.load}' of {described} does not exist. "
                + (
                    f"Available versions, newest first: {shown}. Pin one of them or remove "
                    "the pinned load version."
                    if present
                    else "No version was ever saved."
                ),
                dataset=dataset,
            )
        )
    latest = latest_version(present)
    if latest is None:
        return Failure(
            DatasetError(
                DatasetErrorReason.VERSION_NOT_FOUND,
                f"Did not find any versions for {described}",
                dataset=dataset,
            )
        )
    return Success(latest)


def reconcile_versions(
    versions: Iterable[tuple[str, Version | None]],
    load_versions: Mapping[str, str],
    save_version: str | None,
) -> Result[tuple[dict[str, str], str | None], DatasetError]:
    """Kedro's check when versioned dataset objects join a catalog.

    Each dataset's own load version is pinned; its save version becomes the catalog's when
    the catalog has none, and must equal it otherwise (one save version per catalog).

    Args:
        versions: ``(name, the dataset's Version or None)`` for the datasets joining.
        load_versions: the catalog's pinned load versions.
        save_version: the catalog's save version.

    Returns:
        ``Success((load versions, save version))``; ``Failure(DatasetError(VERSION_EXISTS))``
        with Kedro's ``VersionAlreadyExistsError`` message naming the first dataset whose
        save version conflicts.
    """
    pinned = dict(load_versions)
    current = save_version
    for name, version in versions:
        if version is None:
            continue
        if version.load:
            pinned[name] = version.load
        if version.save:
            current = current or version.save
            if current != version.save:
                return Failure(
                    DatasetError(
                        DatasetErrorReason.VERSION_EXISTS,
                        f"Cannot add a dataset `{name}` with `{version.save}` save version. "
                        f"Save version set for the catalog is `{current}`"
                        "All datasets in the catalog must have the same save version.",
                        dataset=name,
                    )
                )
    return Success((pinned, current))
