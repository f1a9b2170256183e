"""Worker processes live no longer than their driver, and stay out of Ctrl-C.

A worker whose driver is killed (SIGKILL from an out-of-memory killer or a CI timeout)
would otherwise go on running its node, and then wait for work forever, reparented to
``init``; a fork server's workers even keep the fork server alive (each holds the pipe
whose end would stop it). So every worker watches its driver itself:

* on Linux, a thread blocks on a pid file descriptor of the driver (``pidfd_open``), which
  becomes readable the moment the driver exits, and ends the worker (no polling, no pid
  reuse race); a worker that is the driver's own child (``spawn``/``fork`` start methods)
  also asks the kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
* elsewhere the thread polls the driver's pid twice a second.

With the workers gone, the fork server and multiprocessing's resource tracker see their
last pipe close and exit too. A worker that finds its driver already gone exits at once.

Ctrl-C in a terminal sends SIGINT to the whole process group, workers included. The driver
alone decides what an interrupt does (it stops the workers itself), so workers must not
react: :func:`blocked_interrupts` blocks SIGINT while workers are started (the signal mask
survives ``fork`` and ``exec``, so it reaches spawned workers and a new fork server alike),
and :func:`arm_worker` makes each worker ignore it for good. No worker ever prints a
``KeyboardInterrupt`` traceback.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["arm_worker", "blocked_interrupts", "parent_death_signal_supported"]

_PR_SET_PDEATHSIG = 1

#: Seconds between two looks at the parent pid by the watchdog (where prctl is missing).
_WATCHDOG_INTERVAL = 0.5


def _prctl_death_signal(signum: int) -> bool:
    """Ask the kernel to send ``signum`` when the parent thread dies; ``False`` if this
    platform cannot."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def parent_death_signal_supported() -> bool:
    """Whether the kernel's parent-death signal is available here (Linux)."""
    return sys.platform.startswith("linux") and ctypes.util.find_library("c") is not None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _poll_driver(driver_pid: int) -> None:
    while _alive(driver_pid):
        time.sleep(_WATCHDOG_INTERVAL)
    os._exit(1)  # the driver is gone: a worker has nothing to clean up


def _wait_for_exit(pidfd: int) -> None:
    select.select([pidfd], [], [])  # readable once the process has exited
    os._exit(1)


def arm_worker(driver_pid: int) -> None:
    """In a new worker: ignore SIGINT, and end when the driver (``driver_pid``) ends,
    at once if it already has."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() == driver_pid:
        _prctl_death_signal(signal.SIGKILL)
    pidfd_open = getattr(os, "pidfd_open", None)
    try:
        if pidfd_open is None:
            raise OSError("no pidfd_open here")
        pidfd = int(pidfd_open(driver_pid))
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # not Linux, or a kernel before 5.3: poll instead
        watcher = threading.Thread(target=_poll_driver, args=(driver_pid,), daemon=True, name="lifeline")
    else:
        watcher = threading.Thread(target=_wait_for_exit, args=(pidfd,), daemon=True, name="lifeline")
    watcher.start()


@contextmanager
def blocked_interrupts() -> Iterator[None]:
    """Block SIGINT in this thread while processes are started in it (they inherit the
    mask); a SIGINT arriving meanwhile is delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
