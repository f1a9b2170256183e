"""Pandera schemas as dataset validators (optional extra ``validation``).

A ``validator:`` class path naming a Pandera ``DataFrameSchema`` (or any Pandera schema object)
or a ``DataFrameModel`` class is validated with ``lazy=True``, so every failed check is reported
at once: each (column, check) pair becomes one :class:`core.errors.CheckFailure` with its
failure count and a few failing values. ``options`` are passed to ``validate`` (``head``,
``tail``, ``sample``, ``random_state``; ``lazy`` is always on). Pandera is never imported
here: an object can only be a Pandera schema once Pandera is loaded.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping

from core.errors import CheckFailure, DataValidationError

__all__ = ["PanderaValidator", "pandera_adapter"]

_VALIDATE_OPTIONS = ("head", "tail", "sample", "random_state", "inplace")


def _is_schema(obj: object) -> bool:
    base = sys.modules.get("pandera.api.base.schema")
    model = sys.modules.get("pandera.api.base.model")
    if base is not None and isinstance(obj, base.BaseSchema):
        return True
    return model is not None and inspect.isclass(obj) and issubclass(obj, model.BaseModel)


class PanderaValidator:
    """Validates data against a Pandera schema or model, reporting every failed check."""

    def __init__(self, schema: object, options: Mapping[str, object]) -> None:
        self._schema = schema
        self._options = {k: v for k, v in options.items() if k in _VALIDATE_OPTIONS}

    def validate(self, data: object) -> object:
        errors = sys.modules["pandera.errors"]
        try:
            return self._schema.validate(data, lazy=True, **self._options)  # type: ignore[attr-defined]
        except errors.SchemaErrors as exc:
            raise DataValidationError(str(exc), failures=_failures(exc.failure_cases)) from exc
        except errors.SchemaError as exc:
            raise DataValidationError(str(exc), failures=(CheckFailure(str(exc), check=str(getattr(exc, "check", "") or "") or None),)) from exc

    def __repr__(self) -> str:
        return f"PanderaValidator({self._schema!r})"


def _failures(cases: object) -> tuple[CheckFailure, ...]:
    """One failure per (column, check) of Pandera's ``failure_cases`` frame, in its order."""
    grouped: dict[tuple[str | None, str], list[object]] = {}
    for row in cases.to_dict("records"):  # type: ignore[attr-defined]
        column = row.get("column")
        key = (None if column is None else str(column), str(row.get("check")))
        grouped.setdefault(key, []).append(row.get("failure_case"))
    return tuple(
        CheckFailure(
            message=f"{check} failed" + (f" for column '{column}'" if column else ""),
            check=check,
            column=column,
            failure_count=len(values),
            failure_examples=tuple(values[:5]),
        )
        for (column, check), values in grouped.items()
    )


def pandera_adapter(obj: object, options: Mapping[str, object]) -> PanderaValidator | None:
    """A validator for ``obj`` if it is a Pandera schema or model, else ``None``."""
    return PanderaValidator(obj, options) if _is_schema(obj) else None
