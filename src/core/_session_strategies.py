"""Hypothesis strategy for session states (re-exported by ``core.strategies``).

Every state drawn is reachable from :func:`core.session_state.new_session` by some sequence of
``begin_run`` / ``end_run`` / ``close`` calls, so downstream suites can feed them to the shell
without meeting an impossible state. Imports ``hypothesis``, so only test code and
``core.strategies`` import this module.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from core.session_state import Phase, RunMode, SessionState

__all__ = ["session_states"]

_IDS = st.text(
    alphabet=st.characters(codec="ascii", categories=("L", "N", "Pd")), min_size=1, max_size=24
)
_MODES = st.sampled_from(RunMode)
_PHASES = st.sampled_from(Phase)


def _check_strategy(name: str, value: object) -> None:
    if not isinstance(value, SearchStrategy):
        raise InvalidArgument(f"session_states({name}=...) expects a strategy, got {value!r}")


def _check_bound(name: str, value: object) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        raise InvalidArgument(f"session_states({name}=...) expects an int >= 0, got {value!r}")


@st.composite
def _draw_state(
    draw: st.DrawFn,
    session_ids: SearchStrategy[str],
    run_ids: SearchStrategy[str],
    modes: SearchStrategy[RunMode],
    phases: SearchStrategy[Phase],
    max_runs: int | None,
    max_in_flight: int | None,
) -> SessionState:
    # Arguments are checked at draw time (Hypothesis's "defer errors" rule).
    for name, value in (
        ("session_ids", session_ids),
        ("run_ids", run_ids),
        ("modes", modes),
        ("phases", phases),
    ):
        _check_strategy(name, value)
    _check_bound("max_runs", max_runs)
    _check_bound("max_in_flight", max_in_flight)
    if max_in_flight == 0:
        # Keep the caller's phase choice honest: RUNNING needs a run in flight.
        phases = phases.filter(lambda phase: phase is not Phase.RUNNING)

    session_id = draw(session_ids)
    mode = draw(modes)
    phase = draw(phases)
    ceiling = 10 if max_runs is None else max_runs
    failed = draw(st.integers(0, ceiling))
    in_flight_ceiling = 1 if mode is RunMode.SINGLE else (max_in_flight or 4)
    if max_in_flight is not None:
        in_flight_ceiling = min(in_flight_ceiling, max_in_flight)

    if phase is Phase.RUNNING:
        in_flight = draw(st.integers(1, max(1, in_flight_ceiling)))
    elif phase is Phase.CLOSED:
        in_flight = draw(st.integers(0, in_flight_ceiling))
    else:
        in_flight = 0

    if mode is RunMode.SINGLE:
        # One success at most, and none while a run is in flight: the success would have
        # refused the run that is in flight.
        succeeded = 0 if in_flight else draw(st.integers(0, min(1, ceiling)))
    else:
        succeeded = draw(st.integers(0, ceiling))

    running = draw(st.frozensets(run_ids, min_size=in_flight, max_size=in_flight))
    return SessionState(
        session_id=session_id,
        mode=mode,
        phase=phase,
        running=running,
        runs_succeeded=succeeded,
        runs_failed=failed,
    )


def session_states(
    *,
    session_ids: SearchStrategy[str] = _IDS,
    run_ids: SearchStrategy[str] = _IDS,
    modes: SearchStrategy[RunMode] = _MODES,
    phases: SearchStrategy[Phase] = _PHASES,
    max_runs: int | None = None,
    max_in_flight: int | None = None,
) -> SearchStrategy[SessionState]:
    """Generate reachable session states.

    Args:
        session_ids: Strategy for the session id.
        run_ids: Strategy for the ids of runs in flight (must be able to give distinct
            values when a MULTI session has several runs in flight).
        modes: Strategy for the run mode, e.g. ``st.just(RunMode.MULTI)``.
        phases: Strategy for the phase, e.g. ``st.just(Phase.RUNNING)``.
        max_runs: Upper bound for each of ``runs_succeeded`` and ``runs_failed``
            (default 10).
        max_in_flight: Upper bound for the number of runs in flight in a MULTI session
            (default 4; SINGLE sessions have at most one). ``0`` excludes RUNNING.

    Returns:
        A strategy of :class:`~core.session_state.SessionState` values. Bad arguments raise
        ``hypothesis.errors.InvalidArgument`` when a value is drawn.
    """
    return _draw_state(session_ids, run_ids, modes, phases, max_runs, max_in_flight)
