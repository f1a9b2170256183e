"""The catalog's validation funnel: declared validators applied on ``load`` and ``save``.

``DataCatalog.load`` validates the loaded data and ``DataCatalog.save`` validates the data
*before* writing it, so a refused save leaves the data on disk untouched. A validator applies
when the catalog has validation on (``DATASET_VALIDATION``, overridden by
``KEDRO_DATASET_VALIDATION``, read on every operation as Kedro does), the declaration is
enabled and lists the operation, and (for ``load`` with ``skip_load_after_save``) the catalog
did not itself validate the last save. ``severity: warn`` logs the failure and keeps the data.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from returns.result import Failure, Result, Success

from core.catalog.frozen_config import thaw
from core.catalog.resolution import resolve_entry
from core.errors import DatasetError
from core.validation import VALIDATOR_KEY, ValidatorSpec, parse_validator_spec, validation_enabled
from shell import log_names

if TYPE_CHECKING:
    from core.catalog.config import CatalogConfig
    from shell.io.catalog import DataCatalog

__all__ = ["check_declarations", "declares_validators", "spec_for", "validated"]

_LOGGER = logging.getLogger(log_names.CATALOG)


def declares_validators(config: CatalogConfig) -> bool:
    """Whether any entry or pattern declares a ``validator``."""
    return any(VALIDATOR_KEY in c for c in config.entries.values()) or any(
        VALIDATOR_KEY in c for c in config.pattern_configs.values()
    )


def check_declarations(config: CatalogConfig) -> Result[dict[str, ValidatorSpec], DatasetError]:
    """Every declaration parsed (patterns' too, so a bad one fails when the catalog is built);
    the explicit entries' specs by name."""
    specs: dict[str, ValidatorSpec] = {}
    for name, entry in config.entries.items():
        if VALIDATOR_KEY in entry:
            parsed = parse_validator_spec(name, thaw(entry[VALIDATOR_KEY]))
            if isinstance(parsed, Failure):
                return Failure(parsed.failure())
            specs[name] = parsed.unwrap()
    for pattern, entry in config.pattern_configs.items():
        if VALIDATOR_KEY in entry:
            checked = parse_validator_spec(pattern, thaw(entry[VALIDATOR_KEY]))
            if isinstance(checked, Failure):
                return Failure(checked.failure())
    return Success(specs)


def spec_for(catalog: DataCatalog, name: str) -> ValidatorSpec | None:
    """``name``'s declaration: its entry's, or the one of the pattern it resolves through."""
    specs = catalog._validator_specs
    if name in specs:
        return specs[name]
    resolution = resolve_entry(catalog._config, name)
    declared = None if resolution is None else resolution.config.get(VALIDATOR_KEY)
    if declared is None:
        return None
    parsed = parse_validator_spec(name, thaw(declared))
    spec = parsed.unwrap() if not isinstance(parsed, Failure) else None
    if spec is not None:
        specs[name] = spec
    return spec


def validated(catalog: DataCatalog, name: str, data: object, mode: str) -> Result[object, DatasetError]:
    """``data`` after ``name``'s validator for ``mode`` (``"load"`` or ``"save"``), or the
    ``DataValidationError`` / configuration error that stops the operation."""
    spec = spec_for(catalog, name)
    if spec is None or mode not in spec.on or not spec.enabled:
        return Success(data)
    if not validation_enabled(os.environ.get("KEDRO_DATASET_VALIDATION"), catalog.validation_enabled):
        return Success(data)
    if mode == "load" and spec.skip_load_after_save and name in catalog._save_validated:
        return Success(data)
    from shell.validators import apply_validator, resolve_validator

    validator = catalog._validators.get(name)
    if validator is None:
        resolved = resolve_validator(name, spec)
        if isinstance(resolved, Failure):
            return Failure(resolved.failure())
        validator = catalog._validators.setdefault(name, resolved.unwrap())
    outcome = apply_validator(name, mode, spec, validator, data)
    if isinstance(outcome, Failure):
        if spec.severity == "warn":
            _LOGGER.warning("%s", outcome.failure().message)
            return Success(data)
        return Failure(outcome.failure())
    if mode == "save":
        catalog._save_validated.add(name)
    return Success(outcome.unwrap())
