"""Running dataset validators: turning a ``ValidatorSpec`` into an object with ``validate(data)``
and applying it (Kedro 1.7's ``resolve_validator`` and validation funnel).

A class path may name:

* a Pandera schema (a ``DataFrameSchema`` instance or a ``DataFrameModel`` class; optional
  extra ``validation``): validated lazily, so every failed check is reported at once;
* a class with a ``validate(data)`` method: built with the spec's ``options``;
* an object with a ``validate(data)`` method, or a plain callable (no options for either);
  a callable returning ``None`` leaves the data as it is.

``validate`` may return coerced data, which replaces the original. Whatever a validator raises
becomes a :class:`core.errors.DataValidationError` naming the dataset, the operation and the
validator (validators are user code: this module is their boundary).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from returns.result import Failure, Result, Success

from core.errors import CheckFailure, DatasetError, DatasetErrorReason, DataValidationError
from core.validation import ValidatorSpec, render_failures
from shell.project.settings import import_object

__all__ = ["CallableValidator", "Validator", "apply_validator", "resolve_validator"]


@runtime_checkable
class Validator(Protocol):
    """Anything with ``validate(data)``: returns the (possibly coerced) data or raises."""

    def validate(self, data: object) -> object: ...


class CallableValidator:
    """A plain function as a validator; a ``None`` result keeps the data."""

    def __init__(self, func: Callable[[object], object]) -> None:
        self._func = func

    def validate(self, data: object) -> object:
        result = self._func(data)
        return data if result is None else result

    def __repr__(self) -> str:
        return f"CallableValidator({self._func!r})"


def _config_error(name: str, message: str) -> DatasetError:
    return DatasetError(DatasetErrorReason.CONFIG, message, dataset=name)


def resolve_validator(name: str, spec: ValidatorSpec) -> Result[Validator, DatasetError]:
    """The validator ``spec`` declares for dataset ``name``.

    Returns:
        ``Success(validator)``; ``Failure(DatasetError(CONFIG))`` with Kedro's messages when
        the path does not import, the object cannot validate, or options cannot be given.
    """
    found = import_object(spec.class_path)
    if isinstance(found, Failure):
        hint = (
            "The 'pandera' package is not installed. Install it with: pip install 'kedro-pure[validation]'."
            if spec.class_path.startswith("pandera") and "pandera" not in sys.modules
            else "Check that the class path is correct and the package is installed in the current environment."
        )
        return Failure(_config_error(name, f"Could not import validator '{spec.class_path}': {found.failure()}. {hint}"))
    obj = found.unwrap()
    from shell.pandera_validator import pandera_adapter

    adapted = pandera_adapter(obj, spec.options)
    if adapted is not None:
        return Success(adapted)
    if inspect.isclass(obj):
        if not callable(getattr(obj, "validate", None)):
            return Failure(_config_error(name, f"Validator '{spec.class_path}' resolved to class {obj.__name__}, which does not provide a 'validate(data)' method."))
        try:
            instance = obj(**spec.options)
        except Exception as exc:  # boundary: the validator's constructor is user code
            return Failure(_config_error(name, f"Could not instantiate validator '{spec.class_path}' with options {dict(spec.options)!r}: {exc}"))
        if isinstance(instance, Validator):
            return Success(instance)
        return Failure(_config_error(name, f"Validator '{spec.class_path}' was instantiated but does not provide a 'validate(data)' method."))
    if isinstance(obj, Validator):
        if spec.options:
            return Failure(_config_error(name, f"Validator '{spec.class_path}' is an instance and cannot accept options {sorted(spec.options)}; declare a class path instead or drop the options."))
        return Success(obj)
    if callable(obj):
        if spec.options:
            return Failure(_config_error(name, f"Validator '{spec.class_path}' is a plain callable and cannot accept options {sorted(spec.options)}; declare a validator class that takes them as constructor arguments, or drop the options."))
        return Success(CallableValidator(obj))
    return Failure(_config_error(name, f"Validator '{spec.class_path}' resolved to {type(obj).__name__} ({obj!r}), which is not a validator class, a validator instance, a supported schema or a callable."))


def apply_validator(
    name: str, mode: str, spec: ValidatorSpec, validator: Validator, data: object
) -> Result[object, DataValidationError]:
    """``validator.validate(data)``: the validated data, or a ``DataValidationError`` naming
    ``name``, ``mode`` and the validator, with every failed check the validator reported."""
    try:
        return Success(validator.validate(data))
    except DataValidationError as exc:
        failures, detail = exc.failures, exc.message
    except Exception as exc:  # boundary: validators are user code and may raise anything
        failures, detail = (), str(exc)
    header = f"Validation failed for dataset '{name}'" + (f" on {mode}" if mode else "")
    return Failure(
        DataValidationError(
            render_failures(header, spec.class_path, failures, detail),
            dataset=name,
            mode=mode,
            validator=spec.class_path,
            failures=failures,
        )
    )


def failure_from_checks(message: str, failures: tuple[CheckFailure, ...]) -> DataValidationError:
    """What a validator raises to report several failed checks at once."""
    return DataValidationError(message, failures=failures)
