"""JSON for the session store: any value encodes, and what is read back is frozen.

Anything JSON cannot carry is stored as its ``repr`` instead, so saving never fails because
of a value: path-like objects become their path string, tuples become lists, non-string keys
become their ``repr``, ``nan``/``inf`` become ``"nan"``/``"inf"`` and every other object (sets,
bytes, datetimes, user classes) becomes ``repr(value)``. Reading gives the JSON back frozen:
objects as read-only mappings (in stored key order), arrays as tuples.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeAlias

from returns.result import Failure, Result, Success

from core.errors import StoreError, StoreErrorReason

__all__ = ["JsonValue", "PlainJson", "decode_json", "encode_json", "to_plain_json"]

#: JSON as ``json`` builds it (mutable containers), ready to encode.
PlainJson: TypeAlias = "bool | int | float | str | list[PlainJson] | dict[str, PlainJson] | None"

#: JSON as records hold it: objects are read-only mappings and arrays are tuples.
JsonValue: TypeAlias = (
    "bool | int | float | str | tuple[JsonValue, ...] | Mapping[str, JsonValue] | None"
)

# Deeper than this, a value is stored as a shortened repr: neither json nor our own walk may hit
# the interpreter's recursion limit on a pathological value.
_MAX_DEPTH = 64
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3


def _safe_repr(value: object) -> str:
    # Task boundary: a user's ``__repr__`` may raise anything, and saving must not fail because
    # of it; fall back to the default repr, which cannot raise.
    try:
        return repr(value)
    except Exception:
        return object.__repr__(value)


def to_plain_json(value: object) -> PlainJson:
    """Convert any value to JSON-encodable data, replacing what JSON cannot carry by its repr.

    Args:
        value: Anything.

    Returns:
        A JSON-encodable value (see the module docstring for the rules).
    """
    return _plain(value, 0, frozenset())


def _plain(value: object, depth: int, path: frozenset[int]) -> PlainJson:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if id(value) in path:
        # A cycle: Python's own repr marks the recursion with ``...``.
        return _safe_repr(value)
    if depth >= _MAX_DEPTH:
        # So deep that a full repr could itself exhaust the stack: reprlib bounds the depth.
        return _SHORT_REPR.repr(value)
    fspath = getattr(type(value), "__fspath__", None)
    if fspath is not None:
        # ``os.PathLike`` without importing ``os``: Kedro stores ``project_path`` as a ``Path``.
        path_text = fspath(value)
        return path_text if isinstance(path_text, str) else _safe_repr(path_text)
    inner = path | {id(value)}
    if isinstance(value, Mapping):
        return {
            key if isinstance(key, str) else _safe_repr(key): _plain(item, depth + 1, inner)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1, inner) for item in value]
    return _safe_repr(value)


def encode_json(value: object) -> str:
    """Encode any value as JSON text, never failing (see :func:`to_plain_json`).

    Args:
        value: Anything.

    Returns:
        Strict JSON text (no ``NaN``), non-ASCII characters kept as they are.
    """
    return json.dumps(to_plain_json(value), ensure_ascii=False, allow_nan=False)


def _frozen(value: object) -> JsonValue:
    if isinstance(value, dict):
        # A read-only view keeps the key order (pyrsistent maps do not).
        return MappingProxyType({str(key): _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise AssertionError(f"json produced {type(value).__name__}")  # pragma: no cover


def decode_json(text: str, *, what: str = "value") -> Result[JsonValue, StoreError]:
    """Decode stored JSON text into a frozen value.

    Args:
        text: The stored text.
        what: What the text is, for the error message.

    Returns:
        The frozen value, or ``Failure`` of a ``StoreError`` (``CORRUPT``) if it does not decode.
    """
    try:
        return Success(_frozen(json.loads(text)))
    except (ValueError, RecursionError) as error:
        return Failure(StoreError(StoreErrorReason.CORRUPT, f"Stored {what} is not JSON: {error}"))
