"""The parts of ``distributed.Client`` and ``distributed.Future`` the Dask runner uses.

Dask's own classes are untyped; these protocols give the driver (:mod:`shell.runners.dask_driver`)
and the timeout watch (:mod:`shell.runners.dask_timeouts`) typed handles on them, and let tests
pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

__all__ = ["_Client", "_Future"]


class _Future(Protocol):
    """The part of ``distributed.Future`` the runner uses (Dask's methods are untyped)."""

    @property
    def key(self) -> str: ...

    @property
    def status(self) -> str: ...

    def exception(self) -> BaseException | None: ...

    def release(self) -> None: ...


class _Client(Protocol):
    """The part of ``distributed.Client`` the runner uses."""

    def submit(self, func: Callable[..., object], *args: object, key: str, pure: bool) -> _Future: ...

    def gather(self, futures: Mapping[str, _Future]) -> dict[str, object]: ...

    def cancel(self, futures: list[_Future]) -> None: ...

    def close(self) -> None: ...

    def retire_workers(self, workers: list[str], close_workers: bool, callback_timeout: float) -> object: ...

    def subscribe_topic(
        self, topic: str, handler: Callable[[tuple[float, Mapping[str, object]]], None]
    ) -> None: ...

    def unsubscribe_topic(self, topic: str) -> None: ...

    def run_on_scheduler(self, function: Callable[..., object], *args: object) -> object: ...
