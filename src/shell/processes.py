"""Observing processes on this host, for :mod:`core.liveness` to judge.

``this_process()`` names the current process (host, pid, start token); ``observe(pids)``
reports which of ``pids`` are alive and since when. The start token is the process start
time in clock ticks since boot, field 22 of ``/proc/<pid>/stat`` (Linux); elsewhere it is
empty and only ``os.kill(pid, 0)`` tells whether the pid is taken.
"""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Iterable

from core.liveness import ProcessFacts, ProcessId

__all__ = ["observe", "process_start", "this_host", "this_process"]


@functools.cache
def this_host() -> str:
    """This machine's host name (as records name it)."""
    return socket.gethostname()


def process_start(pid: int) -> str | None:
    """The start token of the live process ``pid`` (``""`` when it cannot be read), or
    ``None`` when no process has that pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read().decode("ascii", "replace")
    except FileNotFoundError:
        return None
    except OSError:  # no /proc (not Linux), or not readable: fall back to the pid alone
        return "" if _pid_taken(pid) else None
    # The command name (field 2) is in parentheses and may hold spaces or ")".
    fields = text[text.rfind(")") + 2 :].split()
    # fields[0] is field 3 (state); the start time is field 22. A zombie has exited.
    if len(fields) < 20 or fields[0] == "Z":
        return None
    return fields[19]


def _pid_taken(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


_this: dict[int, ProcessId] = {}


def this_process() -> ProcessId:
    """The current process, as records and temporary files name their owner (cached per
    pid, so a forked child names itself)."""
    pid = os.getpid()
    found = _this.get(pid)
    if found is None:
        found = _this[pid] = ProcessId(this_host(), pid, process_start(pid) or "")
    return found


def observe(pids: Iterable[int]) -> ProcessFacts:
    """Which of ``pids`` are alive on this host, with their start tokens."""
    return ProcessFacts(this_host(), {pid: process_start(pid) for pid in pids})
