"""Ctrl-C (SIGINT) and SIGTERM, delivered so that a run's outcome is never ambiguous.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be when SIGINT
arrives. Three things go wrong with that alone: an interrupt landing in a finalizer or a
``__del__`` is printed as ``Exception ignored in ...`` and lost (the run then goes on and
succeeds); one landing while the outcome is being recorded leaves the store and the exit
code disagreeing; and SIGTERM, what CI runners, schedulers and ``docker stop`` send, kills
the process without any of the clean-up.

So :func:`install` sets one handler for both signals that

* first **remembers** the request (:func:`requested`), so an interrupt swallowed by a
  finalizer is still seen at the next checkpoint (:func:`raise_if_requested`, called by the
  runner loops and by the session around the runner);
* then raises ``KeyboardInterrupt`` (SIGINT) or :class:`Terminated`, a subclass of it
  (SIGTERM), so every ``except KeyboardInterrupt`` treats both alike;
* raises nothing inside :func:`shielded` blocks (recording an outcome, hooks around it):
  the request waits for the next checkpoint, or is dropped by :func:`clear` once the run's
  outcome has been committed (the run finished before the signal could stop it).

Only the main thread receives signals; the functions are no-ops elsewhere.

The command line installs the handler for the whole process. A run started from Python
(``KedroSession.run``) with Python's own SIGINT handler in place gets it for the run's
duration (:func:`held_for_python_run`), and Python's handler back afterwards.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = [
    "Terminated",
    "clear",
    "exception_for",
    "give_back",
    "held_for_python_run",
    "install",
    "outcome_committed",
    "raise_if_requested",
    "requested",
    "reset",
    "shielded",
]


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM."""


_requested: int | None = None
_shield_depth = 0
#: Whether a committed outcome shields the rest of the process (the command line: it exits
#: right after reporting the outcome, and must report the one it recorded).
_settle_on_outcome = False
#: The handlers :func:`install` replaced, put back by :func:`reset`.
_previous: dict[int, object] = {}
#: Inside :func:`held_for_python_run`: a signal too late to change an outcome is kept here
#: (:func:`give_back`) and raised as Python would once the run is over.
_holding_for_python = False
_given_back: int | None = None


def exception_for(signum: int) -> KeyboardInterrupt:
    """The exception a signal becomes: :class:`Terminated` for SIGTERM, else
    ``KeyboardInterrupt``."""
    return Terminated("SIGTERM") if signum == signal.SIGTERM else KeyboardInterrupt()


def _handle(signum: int, frame: FrameType | None) -> None:
    del frame
    global _requested
    if _requested is None:
        _requested = signum
    if _shield_depth == 0:
        raise exception_for(signum)


def install(*, settle_on_outcome: bool = False) -> None:
    """Route SIGINT and SIGTERM through the remembering handler (main thread only; a shell
    starts background jobs with SIGINT ignored, and wrapper scripts still expect it to stop
    a run, so it is installed whatever was there).

    With ``settle_on_outcome`` (the command line), once a run's outcome is recorded
    (:func:`outcome_committed`) later signals are ignored until :func:`reset`: the process
    is about to exit with that outcome, and must not report another one.
    """
    global _settle_on_outcome
    if threading.current_thread() is not threading.main_thread():
        return
    _settle_on_outcome = settle_on_outcome
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous = signal.signal(signum, _handle)
        if previous is not _handle:
            _previous[signum] = previous


def reset() -> None:
    """Forget every request and shield, and put back the handlers :func:`install` replaced."""
    global _requested, _shield_depth, _settle_on_outcome
    # Handlers first: a signal landing in between must not meet a lowered shield.
    if threading.current_thread() is threading.main_thread():
        for signum, previous in list(_previous.items()):
            signal.signal(signum, previous)  # type: ignore[arg-type]  # what signal() gave
        _previous.clear()
    _requested, _shield_depth, _settle_on_outcome = None, 0, False


def outcome_committed() -> int | None:
    """A run's outcome is recorded: drop a pending request (it came too late to change the
    outcome; returned so it can be reported) and, on the command line, ignore later ones."""
    global _shield_depth
    if _settle_on_outcome and threading.current_thread() is threading.main_thread():
        _shield_depth += 1  # released by reset()
    return clear()


def requested() -> int | None:
    """The signal received and not yet acted on or cleared (``None``: none)."""
    return _requested


def raise_if_requested() -> None:
    """A checkpoint: raise the exception of a signal received but not raised (it was
    swallowed by a finalizer, or arrived inside :func:`shielded`)."""
    if _requested is not None and threading.current_thread() is threading.main_thread():
        raise exception_for(_requested)


def clear() -> int | None:
    """Forget the pending request (it has been acted on, or came too late to change an
    outcome already committed); returns it."""
    global _requested
    found, _requested = _requested, None
    return found


@contextmanager
def shielded() -> Iterator[None]:
    """Inside this block a signal is remembered but not raised."""
    global _shield_depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _shield_depth += 1
    try:
        yield
    finally:
        _shield_depth -= 1


def give_back(signum: int) -> None:
    """A signal that came too late to change a run's outcome: inside
    :func:`held_for_python_run` it is raised as ``KeyboardInterrupt`` once the run is over
    (what Python's own handler would have done); elsewhere nothing (the command line exits
    with the outcome it recorded)."""
    global _given_back
    if _holding_for_python and _given_back is None:
        _given_back = signum


@contextmanager
def held_for_python_run() -> Iterator[None]:
    """Route SIGINT through the remembering handler for the duration of a run started from
    Python, when Python's own handler is the one in place (main thread only).

    With Python's handler, ``KeyboardInterrupt`` can land while the run's outcome is being
    recorded (the store then keeps a ``running`` row and the caller gets an exception instead
    of the ``Result``), or in a finalizer, which swallows it and lets the run go on. Held
    here, a Ctrl-C interrupts the run as before (the caller gets ``Failure(RunError(
    INTERRUPTED))``) but never tears the recording; one arriving after the outcome was
    recorded, or after the last checkpoint, is raised as ``KeyboardInterrupt`` when the block
    ends, Python's handler back in place. Any other handler (the command line's, an
    application's, SIGINT ignored) is left alone, and so is SIGTERM.
    """
    global _holding_for_python, _given_back
    held = (
        threading.current_thread() is threading.main_thread()
        and not _holding_for_python
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    if not held:
        yield
        return
    signal.signal(signal.SIGINT, _handle)
    _holding_for_python = True
    try:
        yield
    finally:
        # Python's handler first: from here a signal raises where it lands, as before the run.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _holding_for_python = False
        late, _given_back = _given_back, None
        pending = clear()  # arrived after the run's last checkpoint, never acted on
        if late is not None or pending is not None:
            raise KeyboardInterrupt
