"""How long a node may run: the run's ``--node-timeout``, or the node's ``timeout-SECONDS`` tag.

A tag wins over the run's value, so one slow node can get more time (or a fast one less).
A tag whose value is not a positive number is ignored (and reported by :func:`bad_tags`).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TAG_PREFIX", "bad_tags", "timeout_of"]

TAG_PREFIX = "timeout-"


def _seconds(tag: str) -> float | None:
    try:
        value = float(tag[len(TAG_PREFIX) :])
    except ValueError:
        return None
    return value if value > 0 and value == value and value != float("inf") else None


def timeout_of(tags: Iterable[str], default: float | None) -> float | None:
    """The seconds a node with ``tags`` may run (``None``: no limit)."""
    for tag in tags:
        if tag.startswith(TAG_PREFIX):
            seconds = _seconds(tag)
            if seconds is not None:
                return seconds
    return default


def bad_tags(tags: Iterable[str]) -> list[str]:
    """The ``timeout-`` tags whose value is not a positive, finite number of seconds."""
    return sorted(t for t in tags if t.startswith(TAG_PREFIX) and _seconds(t) is None)
