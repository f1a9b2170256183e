"""On-demand dataset validation: Kedro 1.7's ``validate_dataset`` and ``validate_catalog``.

They never raise and always validate (ignoring ``DATASET_VALIDATION``, the environment variable
and a declaration's ``enabled: false``, which only govern the load/save funnel). Each dataset
gets a :class:`core.validation.ValidationResult` with Kedro's statuses:

* ``skipped``: no validator declared, or it is declared only for the other operation;
* ``errored``: the name is not in the catalog, the dataset cannot be built or loaded, or the
  validator cannot be resolved (``error_type``: ``dataset_error``, ``missing_dependency``,
  ``unresolvable_validator``);
* ``failed``: the validator rejected the data (``severity: warn`` too), with every failed check;
* ``passed``: with the validated data in ``data``.
"""

from __future__ import annotations

from returns.result import Failure

from core.catalog.versioning import Version
from core.validation import ValidationResult, ValidationStatus
from shell.io.catalog import DataCatalog
from shell.io.catalog_validation import spec_for
from shell.validators import apply_validator, resolve_validator

__all__ = ["validate_catalog", "validate_dataset"]

_UNSET = object()


def validate_dataset(
    catalog: DataCatalog, name: str, data: object = _UNSET, *, on: str = "load", version: str | None = None
) -> ValidationResult:
    """Validate ``name``'s data (loaded, or ``data`` when given) with its declared validator.

    Args:
        catalog: the catalog.
        name: the dataset.
        data: data to validate instead of loading it (required for ``on="save"``).
        on: which declaration mode to check: ``"load"`` or ``"save"``.
        version: a version to load.
    """
    def errored(message: str, error_type: str, validator: str | None = None, enabled: bool = True) -> ValidationResult:
        return ValidationResult(name, validator, ValidationStatus.ERRORED, message=message, error_type=error_type, enabled=enabled)

    if on not in ("load", "save"):
        return errored(f"'on' must be 'load' or 'save', got {on!r}.", "usage")
    if on == "save" and data is _UNSET:
        return errored("data must be provided when validating with on='save'.", "usage")
    if name not in catalog:
        return errored(f"Dataset '{name}' not found in the catalog.", "dataset_error")
    spec = spec_for(catalog, name)
    if spec is None:
        return ValidationResult(name, None, ValidationStatus.SKIPPED, reason="no validator declared")
    if on not in spec.on:
        return ValidationResult(
            name, spec.class_path, ValidationStatus.SKIPPED,
            reason=f"validator declared for {' and '.join(spec.on)} only", enabled=spec.enabled,
        )
    resolved = resolve_validator(name, spec)
    if isinstance(resolved, Failure):
        message = resolved.failure().message
        kind = "missing_dependency" if "No module named" in message else "unresolvable_validator"
        return errored(message, kind, spec.class_path, spec.enabled)
    if data is _UNSET:
        dataset = catalog.get(name, version=None if version is None else Version(version, None))
        if isinstance(dataset, Failure):
            return errored(f"Dataset '{name}' exists but could not be created: {dataset.failure().message}", "dataset_error", spec.class_path, spec.enabled)
        try:
            data = dataset.unwrap().load()
        except Exception as exc:  # the dataset boundary: loading is third-party code
            return errored(str(exc), "dataset_error", spec.class_path, spec.enabled)
    outcome = apply_validator(name, "api", spec, resolved.unwrap(), data)
    if isinstance(outcome, Failure):
        error = outcome.failure()
        return ValidationResult(
            name, spec.class_path, ValidationStatus.FAILED, failures=error.failures, message=error.message, enabled=spec.enabled
        )
    return ValidationResult(name, spec.class_path, ValidationStatus.PASSED, enabled=spec.enabled, data=outcome.unwrap())


def validate_catalog(catalog: DataCatalog, names: list[str] | None = None) -> dict[str, ValidationResult]:
    """``validate_dataset`` for ``names`` (default: every dataset declaring a validator)."""
    chosen = sorted(catalog.validator_specs) if names is None else names
    return {name: validate_dataset(catalog, name) for name in chosen}
