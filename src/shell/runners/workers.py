"""Kedro's rule for how many workers a concurrent runner may use."""

from __future__ import annotations

import os
import sys

__all__ = ["validate_max_workers"]

#: Windows' ``WaitForMultipleObjects`` limit, which Kedro caps the default at.
_WINDOWS_LIMIT = 61


def validate_max_workers(max_workers: int | None) -> int:
    """``None`` means one per CPU (at most 61 on Windows); explicit values are kept as given.

    Raises:
        ValueError: ``max_workers`` is zero or negative (a programming error, as in Kedro).
    """
    if max_workers is None:
        count = os.cpu_count() or 1
        return min(count, _WINDOWS_LIMIT) if sys.platform == "win32" else count
    if max_workers <= 0:
        raise ValueError("max_workers should be positive")
    return max_workers
