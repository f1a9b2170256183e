"""The boundary where effects become plain values: the one module that drops the IO marker.

Shell functions that do I/O return ``IOResult`` (an effect that can fail). The public API
promises ``Result`` values, so every ``IOResult`` that reaches a caller passes through
:func:`to_result` here, and nowhere else (a ruff rule bans ``returns.unsafe`` elsewhere).
"""

from __future__ import annotations

from typing import TypeVar

from returns.io import IO, IOResult
from returns.result import Result
from returns.unsafe import unsafe_perform_io

__all__ = ["to_result"]

_T = TypeVar("_T")
_E = TypeVar("_E")


def to_result(outcome: IOResult[_T, _E]) -> Result[_T, _E]:
    """The ``Result`` inside an ``IOResult`` whose effect has already happened."""
    return unsafe_perform_io(IO.from_ioresult(outcome))
