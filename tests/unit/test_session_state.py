"""Examples and Kedro-parity rules for the session state machine (core.session_state)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from returns.pipeline import is_successful
from returns.result import Failure, Success

from core.errors import KedroSessionError, SessionErrorReason
from core.session_state import (
    Phase,
    RunMode,
    SessionState,
    begin_run,
    close,
    end_run,
    new_session,
)

KEDRO_ALREADY_RAN = (
    "A run has already been completed as part of the active KedroSession. "
    "KedroSession has a 1-1 mapping with runs, and thus only one run should be "
    "executed per session."
)


def started(state: SessionState, run_id: str) -> SessionState:
    result = begin_run(state, run_id)
    assert is_successful(result), result
    return result.unwrap()


def refused(state: SessionState, run_id: str) -> KedroSessionError:
    """Begin a run that must be refused; check the h11 rule that nothing changed."""
    before = dataclasses.replace(state)
    result = begin_run(state, run_id)
    assert not is_successful(result), result
    assert state == before
    return result.failure()


# --- SINGLE mode: Kedro's KedroSession ---------------------------------------------------


def test_new_session_is_created_and_idle() -> None:
    state = new_session("s1")
    assert state == SessionState(session_id="s1")
    assert (state.phase, state.mode, state.running, state.has_run) == (
        Phase.CREATED,
        RunMode.SINGLE,
        frozenset(),
        False,
    )


def test_begin_run_moves_to_running_with_the_run_in_flight() -> None:
    assert begin_run(new_session("s1"), "s1") == Success(
        SessionState(session_id="s1", phase=Phase.RUNNING, running=frozenset({"s1"}))
    )


def test_second_run_after_success_is_refused_with_kedros_exact_message() -> None:
    state = end_run(started(new_session("s1"), "s1"), "s1", succeeded=True)
    assert state.phase is Phase.CREATED and state.has_run

    error = refused(state, "s1")

    assert error.reason is SessionErrorReason.ALREADY_RAN
    assert error.message == KEDRO_ALREADY_RAN
    assert error.session_id == "s1"
    assert begin_run(state, "s1") == Failure(
        KedroSessionError(SessionErrorReason.ALREADY_RAN, KEDRO_ALREADY_RAN)
    )


def test_the_error_constant_matches_kedros_text() -> None:
    assert KedroSessionError.KEDRO_ALREADY_RAN_MESSAGE == KEDRO_ALREADY_RAN


def test_a_failed_run_leaves_the_session_runnable_like_kedro() -> None:
    state = end_run(started(new_session("s1"), "s1"), "s1", succeeded=False)
    assert (state.phase, state.has_run, state.runs_failed) == (Phase.CREATED, False, 1)

    again = started(state, "s1")
    assert again.phase is Phase.RUNNING
    done = end_run(again, "s1", succeeded=True)
    assert (done.runs_succeeded, done.runs_failed) == (1, 1)
    assert refused(done, "s1").reason is SessionErrorReason.ALREADY_RAN


def test_a_run_while_one_is_running_is_refused() -> None:
    state = started(new_session("s1"), "s1")
    for run_id in ("s1", "other"):
        error = refused(state, run_id)
        assert error.reason is SessionErrorReason.RUN_IN_PROGRESS
        assert "'s1'" in error.message


def test_a_run_after_close_is_refused_our_addition() -> None:
    state = close(new_session("s1"))
    error = refused(state, "s1")
    assert error.reason is SessionErrorReason.CLOSED
    assert "closed" in error.message and "'s1'" in error.message


def test_kedros_refusal_wins_over_ours_after_a_run_and_close() -> None:
    # Kedro would refuse the second run with its own message even after close; keep that.
    state = close(end_run(started(new_session("s1"), "s1"), "s1", succeeded=True))
    assert refused(state, "s1").reason is SessionErrorReason.ALREADY_RAN


def test_refusal_does_not_block_a_later_valid_run() -> None:
    running = started(new_session("s1"), "s1")
    refused(running, "s1")
    idle = end_run(running, "s1", succeeded=False)
    assert started(idle, "s1").phase is Phase.RUNNING


# --- end_run and close are total ---------------------------------------------------------


def test_end_run_for_a_run_not_in_flight_changes_nothing() -> None:
    for state in (
        new_session("s1"),
        close(new_session("s1")),
        started(new_session("s1"), "s1"),
    ):
        assert end_run(state, "not-a-run", succeeded=True) == state
        assert end_run(state, "not-a-run", succeeded=False) == state


def test_close_is_idempotent_from_every_phase() -> None:
    for state in (
        new_session("s1"),
        started(new_session("s1"), "s1"),
        end_run(started(new_session("s1"), "s1"), "s1", succeeded=True),
    ):
        once = close(state)
        assert once.phase is Phase.CLOSED and once.is_closed
        assert close(once) == once
        assert (once.running, once.runs_succeeded) == (state.running, state.runs_succeeded)


def test_a_run_in_flight_at_close_still_ends_and_counts() -> None:
    state = close(started(new_session("s1"), "s1"))
    assert (state.phase, state.running) == (Phase.CLOSED, frozenset({"s1"}))
    ended = end_run(state, "s1", succeeded=True)
    assert (ended.phase, ended.running, ended.runs_succeeded) == (Phase.CLOSED, frozenset(), 1)


# --- MULTI mode: the KedroServiceSession role --------------------------------------------


def test_multi_mode_admits_many_runs_each_with_its_own_id() -> None:
    state = new_session("svc", mode=RunMode.MULTI)
    for n in range(5):
        state = end_run(started(state, f"run-{n}"), f"run-{n}", succeeded=True)
    assert (state.phase, state.runs_succeeded, state.has_run) == (Phase.CREATED, 5, True)


def test_multi_mode_allows_overlapping_runs_but_not_a_reused_id_in_flight() -> None:
    state = started(started(new_session("svc", mode=RunMode.MULTI), "a"), "b")
    assert state.running == frozenset({"a", "b"})

    error = refused(state, "a")
    assert error.reason is SessionErrorReason.RUN_IN_PROGRESS
    assert "'a'" in error.message

    one_left = end_run(state, "a", succeeded=False)
    assert (one_left.phase, one_left.running) == (Phase.RUNNING, frozenset({"b"}))
    idle = end_run(one_left, "b", succeeded=True)
    assert (idle.phase, idle.runs_failed, idle.runs_succeeded) == (Phase.CREATED, 1, 1)


def test_multi_mode_may_reuse_an_id_once_that_run_ended() -> None:
    state = end_run(started(new_session("svc", mode=RunMode.MULTI), "a"), "a", succeeded=True)
    assert started(state, "a").running == frozenset({"a"})


def test_multi_mode_is_still_refused_after_close() -> None:
    state = close(end_run(started(new_session("svc", mode=RunMode.MULTI), "a"), "a", succeeded=True))
    assert refused(state, "b").reason is SessionErrorReason.CLOSED


# --- the value itself --------------------------------------------------------------------


def test_states_are_frozen_hashable_and_picklable() -> None:
    state = started(new_session("s1", mode=RunMode.MULTI), "r1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.phase = Phase.CLOSED  # type: ignore[misc]
    assert hash(state) == hash(dataclasses.replace(state))
    assert pickle.loads(pickle.dumps(state)) == state


@pytest.mark.parametrize(
    "fields",
    [
        {"phase": Phase.RUNNING},
        {"running": frozenset({"r"})},
        {"runs_failed": -1},
        {"phase": Phase.RUNNING, "running": frozenset({"a", "b"})},
        {"runs_succeeded": 2},
        {"phase": Phase.RUNNING, "running": frozenset({"r"}), "runs_succeeded": 1},
    ],
)
def test_unreachable_states_cannot_be_built(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Unreachable session state"):
        SessionState("s1", **fields)  # type: ignore[arg-type]


def test_errors_survive_pickling_with_their_fields() -> None:
    error = begin_run(close(new_session("s1")), "s1").failure()
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error and copy.session_id == "s1"
