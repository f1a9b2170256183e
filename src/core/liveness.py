"""Who owns a record or a file, and whether that owner is gone: the decisions, as values.

A process is identified by its host name, its pid and its start token (on Linux the
process's start time in clock ticks since boot, from ``/proc/<pid>/stat``), because pids are
reused: a pid that is alive but started at another time is another process. Where the start
time cannot be read the token is empty and only the pid counts.

The shell observes (which pids are alive, with which start token) and passes the facts in;
these functions decide. Nothing on another host can be observed, so a record owned by
another host is never judged gone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "ProcessFacts",
    "ProcessId",
    "crashed_message",
    "gone",
    "parse_process_id",
    "pids_to_observe",
]


@dataclass(frozen=True, slots=True)
class ProcessId:
    """One process, across pid reuse: ``host``, ``pid`` and its start token."""

    host: str
    pid: int
    start: str = ""

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}"


def parse_process_id(text: str | None) -> ProcessId | None:
    """The :class:`ProcessId` written by ``str()``, or ``None`` for anything else."""
    if not text:
        return None
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return ProcessId(parts[0], int(parts[1]), parts[2])


@dataclass(frozen=True, slots=True)
class ProcessFacts:
    """What the shell observed on this host: its name, and for each pid it looked at the
    start token of the live process with that pid (``None``: no such process)."""

    host: str
    alive: Mapping[int, str | None]


def gone(owner: ProcessId, facts: ProcessFacts) -> bool:
    """Whether ``owner`` has certainly exited: same host, and its pid is either free or
    taken by a process started at another time. Unknown pids are not judged."""
    if owner.host != facts.host or owner.pid not in facts.alive:
        return False
    live_start = facts.alive[owner.pid]
    if live_start is None:
        return True
    return bool(owner.start) and bool(live_start) and live_start != owner.start


def pids_to_observe(owners: Iterable[ProcessId], host: str) -> frozenset[int]:
    """The pids the shell must look at to judge ``owners`` (those on ``host``)."""
    return frozenset(owner.pid for owner in owners if owner.host == host)


def crashed_message(owner: ProcessId, last_seen: str) -> str:
    """The error text a run gets when it is found ``crashed``."""
    return (
        f"The process running this run (pid {owner.pid} on {owner.host}) ended without "
        f"recording an outcome (killed, or crashed); last seen {last_seen}."
    )

