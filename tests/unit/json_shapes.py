"""The shape of a JSON record: each field's JSON type, for fields whose values vary per run
(ids, measured durations) and are checked by type only."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["json_types"]


def json_types(record: Mapping[str, object], expected: Mapping[str, str]) -> dict[str, str]:
    """The Python type name of each field ``expected`` names (``NoneType`` when missing)."""
    return {name: type(record.get(name)).__name__ for name in expected}
