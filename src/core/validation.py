"""Dataset validators (Kedro 1.6/1.7): the ``validator:`` key of a catalog entry, when it applies,
and how outcomes are reported. Pure: the shell resolves and runs the validators.

A declaration is a class path, or a mapping with ``class`` and optional ``on`` (``load``,
``save`` or both; default both), ``severity`` (``error`` or ``warn``), ``enabled``,
``skip_load_after_save`` and ``options`` (constructor arguments). :func:`parse_validator_spec`
checks it with Kedro's rules and messages. Whether validation runs at all is the
``DATASET_VALIDATION`` setting, overridden by the ``KEDRO_DATASET_VALIDATION`` environment
variable (``0``/``false``/``off`` or ``1``/``true``/``on``; other values are ignored):
:func:`validation_enabled`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.errors import CheckFailure, DatasetError, DatasetErrorReason

__all__ = [
    "VALIDATOR_KEY",
    "ValidationResult",
    "ValidationStatus",
    "ValidatorSpec",
    "parse_validator_spec",
    "render_failures",
    "validation_enabled",
]

VALIDATOR_KEY = "validator"
_ALLOWED = ("class", "on", "severity", "enabled", "skip_load_after_save", "options")
_MODES = ("load", "save")
_SEVERITIES = ("error", "warn")


@dataclass(frozen=True)
class ValidatorSpec:
    """A parsed ``validator:`` declaration (Kedro's ``ValidatorSpec``)."""

    class_path: str
    on: tuple[str, ...] = _MODES
    severity: str = "error"
    enabled: bool = True
    skip_load_after_save: bool = False
    options: Mapping[str, object] = field(default_factory=dict)

    def to_config(self) -> str | dict[str, object]:
        """The shortest declaration that parses back to this spec."""
        config: dict[str, object] = {}
        if self.on != _MODES:
            config["on"] = list(self.on)
        if self.severity != "error":
            config["severity"] = self.severity
        if not self.enabled:
            config["enabled"] = False
        if self.skip_load_after_save:
            config["skip_load_after_save"] = True
        if self.options:
            config["options"] = dict(self.options)
        return {"class": self.class_path, **config} if config else self.class_path


def _invalid(name: str, why: str) -> Failure[DatasetError]:
    return Failure(
        DatasetError(DatasetErrorReason.CONFIG, f"Invalid validator declaration for dataset '{name}': {why}", dataset=name)
    )


def _modes(value: object, name: str) -> Result[tuple[str, ...], DatasetError]:
    given = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list | tuple) else (value,)
    if not given or not all(mode in _MODES for mode in given):
        return _invalid(name, f"'on' must be a non-empty subset of {list(_MODES)}, got {value!r}.")
    return Success(tuple(mode for mode in _MODES if mode in given))


def parse_validator_spec(name: str, declared: object) -> Result[ValidatorSpec, DatasetError]:
    """Check a ``validator:`` declaration (Kedro's rules and messages).

    Returns:
        ``Success(spec)``; ``Failure(DatasetError(CONFIG))`` naming the dataset and the fault.
    """
    if isinstance(declared, str):
        return Success(ValidatorSpec(declared))
    if isinstance(declared, list):
        return _invalid(name, "list form is reserved for future use. Declare a single validator as a class path string or a dictionary.")
    if not isinstance(declared, Mapping):
        return _invalid(name, f"expected a class path string or a dictionary, got {type(declared).__name__} ({declared!r}).")
    config = dict(declared)
    if True in config:  # YAML reads an unquoted `on:` key as the boolean True
        if "on" in config:
            return _invalid(name, "both an unquoted 'on' key (which YAML reads as the boolean True) and a quoted \"on\" key are present, and only one of them can take effect. Keep a single 'on' key.")
        config = {("on" if key is True else key): value for key, value in config.items()}
    unknown = sorted((key for key in config if key not in _ALLOWED), key=repr)
    if unknown:
        return _invalid(name, f"unknown key(s) {unknown}. Allowed keys: {sorted(_ALLOWED)}.")
    class_path = config.get("class")
    if not isinstance(class_path, str) or not class_path:
        return _invalid(name, "'class' must be a non-empty class path string.")
    modes = _modes(config.get("on", _MODES), name)
    if isinstance(modes, Failure):
        return modes
    severity = config.get("severity", "error")
    if severity not in _SEVERITIES:
        return _invalid(name, f"'severity' must be one of {list(_SEVERITIES)}, got {severity!r}.")
    options = config.get("options", {})
    if not isinstance(options, Mapping):
        return _invalid(name, f"'options' must be a dictionary, got {type(options).__name__}.")
    for flag in ("enabled", "skip_load_after_save"):
        if flag in config and not isinstance(config[flag], bool):
            return _invalid(name, f"'{flag}' must be a boolean, got {type(config[flag]).__name__}.")
    return Success(
        ValidatorSpec(
            class_path,
            modes.unwrap(),
            str(severity),
            bool(config.get("enabled", True)),
            bool(config.get("skip_load_after_save", False)),
            dict(options),
        )
    )


def validation_enabled(environment_value: str | None, setting: bool) -> bool:
    """``KEDRO_DATASET_VALIDATION`` when it holds a recognised value, else the setting."""
    if environment_value is not None:
        value = environment_value.strip().lower()
        if value in ("0", "false", "off"):
            return False
        if value in ("1", "true", "on"):
            return True
    return setting


def _cut(value: object, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render_failures(header: str, validator: str, failures: Sequence[CheckFailure], detail: str = "") -> str:
    """Kedro's text for a failed validation: a header, the validator, then each failed check
    with its count and a few failing values (at most 10 checks shown)."""
    lines = [_cut(header, 500)]
    if validator:
        lines.append(f"(validator: {validator})")
    if failures:
        total = sum(f.failure_count for f in failures)
        lines.append(f"{len(failures)} check(s) failed — {total} failure case(s):")
        for f in failures[:10]:
            label = _cut(f.check or f.message, 200)
            if f.column:
                label = f"{_cut(f.column, 60)}: {label}"
            line = f"{label} — {f.failure_count} {'case' if f.failure_count == 1 else 'cases'}"
            if f.failure_examples:
                line += " (e.g. " + ", ".join(_cut(e, 40) for e in f.failure_examples[:5]) + ")"
            lines.append(f"  - {line}")
        if len(failures) > 10:
            lines.append(f"  ... and {len(failures) - 10} more check(s)")
    elif detail:
        lines.append(_cut(detail, 500))
    return "\n".join(lines)


class ValidationStatus(enum.Enum):
    """Kedro 1.7's outcomes of an on-demand validation."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERRORED = "errored"


def _json_safe(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return repr(value)


@dataclass(frozen=True)
class ValidationResult:
    """One dataset's outcome (Kedro's ``ValidationResult``, without the data in ``to_dict``)."""

    dataset_name: str
    validator: str | None
    status: ValidationStatus
    failures: tuple[CheckFailure, ...] = ()
    message: str | None = None
    reason: str | None = None
    error_type: str | None = None
    enabled: bool = True
    data: object = None

    def __bool__(self) -> bool:
        return self.status in (ValidationStatus.PASSED, ValidationStatus.SKIPPED)

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly record (Kedro's keys)."""
        return {
            "dataset_name": self.dataset_name,
            "validator": self.validator,
            "status": self.status.value,
            "failures": [
                {
                    "message": f.message,
                    "check": f.check,
                    "column": f.column,
                    "failure_count": f.failure_count,
                    "failure_examples": [_json_safe(e) for e in f.failure_examples],
                }
                for f in self.failures
            ],
            "message": self.message,
            "reason": self.reason,
            "error_type": self.error_type,
            "enabled": self.enabled,
        }
