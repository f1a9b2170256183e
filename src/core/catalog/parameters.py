"""The ``params:`` entries a catalog is fed from the project's parameters.

Kedro adds ``parameters`` (the whole dictionary) and, for every key ``k``, ``params:k``;
when a value is itself a mapping (or a Pydantic model or dataclass instance, as after
parameter validation) every field ``f`` adds ``params:k.f``, and so on at any depth.
Lists are not descended into.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping

__all__ = ["PARAMETERS", "PARAMS_PREFIX", "is_parameter", "parameter_feed"]

PARAMETERS = "parameters"
PARAMS_PREFIX = "params:"


def is_parameter(name: str) -> bool:
    """Whether a dataset name is a parameter (``parameters`` or ``params:...``)."""
    return name == PARAMETERS or name.startswith(PARAMS_PREFIX)


def _fields(value: object) -> Mapping[str, object] | None:
    if isinstance(value, Mapping):
        return value
    if _is_pydantic_model(value):
        return {name: getattr(value, name) for name in type(value).model_fields}  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


def _is_pydantic_model(value: object) -> bool:
    # Importing pydantic costs more than the rest of the session's imports; a model instance
    # can only exist once pydantic is loaded, so look it up rather than import it.
    pydantic = sys.modules.get("pydantic.main")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


def parameter_feed(parameters: Mapping[str, object]) -> dict[str, object]:
    """The catalog names and values for ``parameters``, in Kedro's order.

    Example: ``{"x": 1, "y": {"z": 2}}`` gives ``parameters``, ``params:x``, ``params:y``
    and ``params:y.z``. When a dotted top-level key collides with a nested path (``"y.z"``
    next to ``y: {z: ...}``), the one visited later wins, as in Kedro.

    Returns:
        A new ordered ``dict`` (the values themselves are not copied).
    """
    feed: dict[str, object] = {PARAMETERS: parameters}
    # An explicit stack instead of recursion: parameter trees can be deep.
    stack: list[tuple[str, object]] = list(reversed(list(parameters.items())))
    while stack:
        key, value = stack.pop()
        feed[PARAMS_PREFIX + key] = value
        fields = _fields(value)
        if fields is not None:
            stack.extend(reversed([(f"{key}.{name}", sub) for name, sub in fields.items()]))
    return feed
