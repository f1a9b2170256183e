"""Building a :class:`shell.io.catalog.DataCatalog` from a ``catalog.yml`` structure: every
check Kedro makes when it builds a catalog (``DataCatalog.from_config`` calls this)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.config import parse_catalog_config
from core.catalog.resolution import check_load_versions
from core.catalog.versioning import check_version_string
from core.errors import DatasetError
from shell.io import catalog_validation
from shell.io.timestamp import generate_timestamp

if TYPE_CHECKING:
    from shell.io.catalog import DataCatalog

__all__ = ["catalog_from_config"]

_C = TypeVar("_C", bound="DataCatalog")


def catalog_from_config(
    cls: type[_C],
    catalog: Mapping[str, object] | None,
    credentials: Mapping[str, object] | None,
    load_versions: Mapping[str, str | None] | None,
    save_version: str | None,
) -> Result[_C, DatasetError]:
    """``cls.from_config(catalog, credentials, load_versions, save_version)`` (see there)."""
    parsed = parse_catalog_config(catalog, credentials)
    if not is_successful(parsed):
        return Failure(parsed.failure())
    config = parsed.unwrap()
    version = save_version or generate_timestamp()
    checked = check_version_string(version, dataset="save_version")
    if not is_successful(checked):
        return Failure(checked.failure())
    # ``to_config`` lists every entry, unpinned ones with ``None`` (Kedro's shape).
    declared = catalog_validation.check_declarations(config)
    if not is_successful(declared):
        return Failure(declared.failure())
    pinned = {k: v for k, v in (load_versions or {}).items() if v is not None}
    known = check_load_versions(config, pinned)
    if not is_successful(known):
        return Failure(known.failure())
    for name, pinned_version in pinned.items():
        safe = check_version_string(pinned_version, dataset=name)
        if not is_successful(safe):
            return Failure(safe.failure())
    built = cls(config_resolver=config, load_versions=pinned, save_version=version)
    built._validator_specs.update(declared.unwrap())
    return Success(built)
