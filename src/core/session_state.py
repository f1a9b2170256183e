"""The session lifecycle as a pure state machine.

Theory of operation
-------------------

A session is a value, :class:`SessionState`. The shell holds one mutable cell with the
current value and replaces it with whatever the transition functions below return. Nothing
here performs I/O, reads a clock or makes ids: run ids arrive as arguments.

::

                 begin_run(run_id)            end_run(run_id, succeeded)
      CREATED  ───────────────────▶  RUNNING  ──────────────────────────▶  CREATED
         │                              │       (when no run is left in flight)
         │ close                        │ close
         ▼                              ▼
      CLOSED  ◀───────────────────────────     (close is idempotent; a run in flight
                                                 when the session closes may still end)

Only :func:`begin_run` can be refused, so only it returns a ``Result``. :func:`end_run` and
:func:`close` are total: they accept every state, and an ``end_run`` for a run that is not in
flight changes nothing (so the shell may call it unconditionally when a run finishes).

Two modes, fixed when the session is made:

* :attr:`RunMode.SINGLE` is Kedro's ``KedroSession``: one *successful* run per session. The
  second ``begin_run`` after a success is refused with Kedro's exact message. A run that
  failed does not count, so the session may run again (Kedro sets ``_run_called`` only after
  ``runner.run`` returns). One run at a time; by Kedro's convention the shell passes the
  session id as the run id.
* :attr:`RunMode.MULTI` plays the role of Kedro's ``KedroServiceSession``: a long-lived
  session with any number of runs, each with its own run id. Runs may overlap (Kedro's
  serving mode exists for concurrent ``run`` calls), but a run id that is already in flight
  is refused.

Refusals, checked in this order (the first that applies wins):

1. ``ALREADY_RAN`` (SINGLE only): a run already succeeded. This is Kedro's only check, so it
   comes first: wherever Kedro refuses, we refuse with Kedro's error and message.
2. ``CLOSED``: the session was closed. A deliberate addition: Kedro's ``close`` only saves
   the store and a closed ``KedroSession`` would run again.
3. ``RUN_IN_PROGRESS``: in SINGLE mode any run is in flight; in MULTI mode a run with the same
   id is in flight. Also an addition: Kedro does not guard against re-entrant runs.

A refused transition returns ``Failure`` and leaves the state as it was (states are frozen,
so the caller's old value cannot have changed; the tests check it anyway, the h11 habit).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from returns.result import Failure, Result, Success

from core.errors import KedroSessionError, SessionErrorReason

__all__ = [
    "Phase",
    "RunMode",
    "SessionState",
    "begin_run",
    "close",
    "end_run",
    "new_session",
]


class Phase(enum.Enum):
    """Where a session is in its lifecycle."""

    #: open and idle: no run in flight
    CREATED = "created"
    #: open with at least one run in flight
    RUNNING = "running"
    #: closed: no new run may begin (runs already in flight may still end)
    CLOSED = "closed"


class RunMode(enum.Enum):
    """How many runs a session admits."""

    #: Kedro's ``KedroSession``: one successful run, one run at a time
    SINGLE = "single"
    #: Kedro's ``KedroServiceSession``: many runs, each with its own run id
    MULTI = "multi"


@dataclass(frozen=True, slots=True)
class SessionState:
    """One session's lifecycle state.

    Attributes:
        session_id: The session's id (made by the shell).
        mode: SINGLE (Kedro's one-run rule) or MULTI (many runs).
        phase: CREATED, RUNNING or CLOSED.
        running: Ids of the runs in flight.
        runs_succeeded: How many runs ended successfully.
        runs_failed: How many runs ended with a failure.

    Construction checks the invariants the transitions maintain and raises ``ValueError``
    for a state no sequence of transitions can reach (a bug, not an expected outcome).
    """

    session_id: str
    mode: RunMode = RunMode.SINGLE
    phase: Phase = Phase.CREATED
    running: frozenset[str] = frozenset()
    runs_succeeded: int = 0
    runs_failed: int = 0

    def __post_init__(self) -> None:
        problem = _invariant_violation(self)
        if problem:
            raise ValueError(f"Unreachable session state ({problem}): {self!r}")

    @property
    def has_run(self) -> bool:
        """Whether a run has completed successfully in this session."""
        return self.runs_succeeded > 0

    @property
    def is_closed(self) -> bool:
        """Whether the session was closed."""
        return self.phase is Phase.CLOSED


def _invariant_violation(state: SessionState) -> str:
    """Describe the first broken invariant, or return ``""`` when the state is reachable."""
    if state.runs_succeeded < 0 or state.runs_failed < 0:
        return "negative run count"
    if state.phase is Phase.RUNNING and not state.running:
        return "RUNNING without a run in flight"
    if state.phase is Phase.CREATED and state.running:
        return "CREATED with a run in flight"
    if state.mode is RunMode.SINGLE:
        if len(state.running) > 1:
            return "SINGLE mode with overlapping runs"
        if state.runs_succeeded > 1:
            return "SINGLE mode with more than one successful run"
        if state.runs_succeeded and state.running:
            return "SINGLE mode running again after a success"
    return ""


def new_session(session_id: str, *, mode: RunMode = RunMode.SINGLE) -> SessionState:
    """A fresh, open session with no runs.

    Args:
        session_id: The id the shell made for the session.
        mode: SINGLE for Kedro's one-run ``KedroSession``, MULTI for a long-lived session.

    Returns:
        The state in phase CREATED.
    """
    return SessionState(session_id=session_id, mode=mode)


def _already_ran(state: SessionState) -> KedroSessionError:
    return KedroSessionError(
        SessionErrorReason.ALREADY_RAN,
        KedroSessionError.KEDRO_ALREADY_RAN_MESSAGE,
        session_id=state.session_id,
    )


def _closed(state: SessionState) -> KedroSessionError:
    return KedroSessionError(
        SessionErrorReason.CLOSED,
        f"The session '{state.session_id}' is closed, so no new run can begin in it. "
        "Create a new session to run again.",
        session_id=state.session_id,
    )


def _in_progress(state: SessionState, run_id: str) -> KedroSessionError:
    if state.mode is RunMode.MULTI:
        message = (
            f"A run with id '{run_id}' is already in progress in the session "
            f"'{state.session_id}'. Give each run of the session its own run id."
        )
    else:
        (current,) = state.running
        message = (
            f"A run ('{current}') is already in progress in the session "
            f"'{state.session_id}'. Wait for it to end before starting another."
        )
    return KedroSessionError(
        SessionErrorReason.RUN_IN_PROGRESS, message, session_id=state.session_id
    )


def begin_run(state: SessionState, run_id: str) -> Result[SessionState, KedroSessionError]:
    """Start a run with the given id.

    Args:
        state: The current session state.
        run_id: The new run's id (Kedro's ``KedroSession`` uses the session id).

    Returns:
        ``Success`` with the state in phase RUNNING and ``run_id`` in flight.
        ``Failure(KedroSessionError(ALREADY_RAN))`` when a SINGLE session already had a
        successful run (Kedro's message). ``Failure(KedroSessionError(CLOSED))`` when the
        session was closed. ``Failure(KedroSessionError(RUN_IN_PROGRESS))`` when a SINGLE
        session has a run in flight, or a MULTI session has a run with this id in flight.
    """
    if state.mode is RunMode.SINGLE and state.has_run:
        return Failure(_already_ran(state))
    if state.phase is Phase.CLOSED:
        return Failure(_closed(state))
    if state.running and (state.mode is RunMode.SINGLE or run_id in state.running):
        return Failure(_in_progress(state, run_id))
    return Success(replace(state, phase=Phase.RUNNING, running=state.running | {run_id}))


def end_run(state: SessionState, run_id: str, *, succeeded: bool) -> SessionState:
    """Record that the run ``run_id`` ended.

    Args:
        state: The current session state.
        run_id: The id the run was begun with.
        succeeded: Whether the run completed. Only a successful run counts towards the
            SINGLE mode's one-run rule, so a failed run leaves the session runnable (Kedro).

    Returns:
        The state without the run in flight and with the outcome counted; the phase goes back
        to CREATED when no run is left (a CLOSED session stays CLOSED). A ``run_id`` that is
        not in flight leaves the state unchanged.
    """
    if run_id not in state.running:
        return state
    running = state.running - {run_id}
    if state.phase is Phase.CLOSED:
        phase = Phase.CLOSED
    else:
        phase = Phase.RUNNING if running else Phase.CREATED
    if succeeded:
        return replace(state, phase=phase, running=running, runs_succeeded=state.runs_succeeded + 1)
    return replace(state, phase=phase, running=running, runs_failed=state.runs_failed + 1)


def close(state: SessionState) -> SessionState:
    """Close the session; closing a closed session changes nothing.

    Runs already in flight stay in flight and may still :func:`end_run`; no new run may
    begin.
    """
    if state.phase is Phase.CLOSED:
        return state
    return replace(state, phase=Phase.CLOSED)
