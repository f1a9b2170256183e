"""Laws of the session state machine, checked against a small reference model.

The model is a mutable record of plain Python values, updated by the rules as the
specification states them; the machine under test is ``core.session_state``. After every
step the two must agree, and a refused transition must leave the old state unchanged.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from returns.pipeline import is_successful

from core._session_strategies import session_states
from core.errors import SessionErrorReason
from core.session_state import (
    Phase,
    RunMode,
    SessionState,
    begin_run,
    close,
    end_run,
    new_session,
)

RUN_IDS = st.sampled_from(["r1", "r2", "r3"])


@dataclass
class Model:
    """What a session should look like, in the plainest terms."""

    mode: RunMode
    closed: bool = False
    in_flight: set[str] = field(default_factory=set)
    ok: int = 0
    bad: int = 0

    def refusal(self, run_id: str) -> SessionErrorReason | None:
        # Kedro's own rule first, then the two additions (closed, re-entrant run).
        if self.mode is RunMode.SINGLE and self.ok > 0:
            return SessionErrorReason.ALREADY_RAN
        if self.closed:
            return SessionErrorReason.CLOSED
        overlapping = self.in_flight if self.mode is RunMode.SINGLE else self.in_flight & {run_id}
        if overlapping:
            return SessionErrorReason.RUN_IN_PROGRESS
        return None

    def phase(self) -> Phase:
        if self.closed:
            return Phase.CLOSED
        return Phase.RUNNING if self.in_flight else Phase.CREATED


def model_of(state: SessionState) -> Model:
    return Model(
        mode=state.mode,
        closed=state.phase is Phase.CLOSED,
        in_flight=set(state.running),
        ok=state.runs_succeeded,
        bad=state.runs_failed,
    )


class SessionMachine(RuleBasedStateMachine):
    state: SessionState
    model: Model

    @initialize(mode=st.sampled_from(RunMode), session_id=st.text(max_size=5))
    def start(self, mode: RunMode, session_id: str) -> None:
        self.state = new_session(session_id, mode=mode)
        self.model = Model(mode=mode)

    @rule(run_id=RUN_IDS)
    def begin(self, run_id: str) -> None:
        old = self.state
        snapshot = dataclasses.replace(old)
        expected = self.model.refusal(run_id)
        result = begin_run(old, run_id)
        if expected is None:
            assert is_successful(result), result
            self.state = result.unwrap()
            self.model.in_flight.add(run_id)
        else:
            assert not is_successful(result)
            error = result.failure()
            assert error.reason is expected
            assert error.session_id == old.session_id
            assert old == snapshot  # h11: a refused transition changes nothing

    @rule(run_id=RUN_IDS, succeeded=st.booleans())
    def end_any(self, run_id: str, succeeded: bool) -> None:
        self._end(run_id, succeeded)

    @precondition(lambda self: bool(self.model.in_flight))
    @rule(data=st.data(), succeeded=st.booleans())
    def end_one_in_flight(self, data: st.DataObject, succeeded: bool) -> None:
        run_id = data.draw(st.sampled_from(sorted(self.model.in_flight)))
        self._end(run_id, succeeded)

    def _end(self, run_id: str, succeeded: bool) -> None:
        old = self.state
        self.state = end_run(old, run_id, succeeded=succeeded)
        if run_id in self.model.in_flight:
            self.model.in_flight.discard(run_id)
            if succeeded:
                self.model.ok += 1
            else:
                self.model.bad += 1
        else:
            assert self.state is old

    @rule()
    def close_it(self) -> None:
        once = close(self.state)
        assert close(once) == once
        self.state = once
        self.model.closed = True

    @invariant()
    def agrees_with_the_model(self) -> None:
        assert self.state.phase is self.model.phase()
        assert self.state.running == frozenset(self.model.in_flight)
        assert (self.state.runs_succeeded, self.state.runs_failed) == (self.model.ok, self.model.bad)
        assert self.state.has_run == (self.model.ok > 0)
        assert self.state.mode is self.model.mode

    @invariant()
    def single_mode_keeps_kedros_rule(self) -> None:
        if self.state.mode is RunMode.SINGLE:
            assert self.state.runs_succeeded <= 1
            assert len(self.state.running) <= 1


TestSessionMachine = SessionMachine.TestCase


# --- the public strategy ----------------------------------------------------------------


def path_to(target: SessionState) -> SessionState:
    """Reach ``target`` from a fresh session using only the public transitions."""
    state = new_session(target.session_id, mode=target.mode)

    def step(s: SessionState, run_id: str, succeeded: bool) -> SessionState:
        return end_run(begin_run(s, run_id).unwrap(), run_id, succeeded=succeeded)

    for n in range(target.runs_failed):
        state = step(state, f"failed-{n}", False)
    for n in range(target.runs_succeeded):
        state = step(state, f"ok-{n}", True)
    for run_id in sorted(target.running):
        state = begin_run(state, run_id).unwrap()
    return close(state) if target.phase is Phase.CLOSED else state


@given(session_states())
def test_every_drawn_state_is_reachable(state: SessionState) -> None:
    assert path_to(state) == state


@given(session_states(), RUN_IDS)
def test_begin_run_from_any_state_agrees_with_the_model(state: SessionState, run_id: str) -> None:
    snapshot = dataclasses.replace(state)
    expected = model_of(state).refusal(run_id)
    result = begin_run(state, run_id)
    if expected is None:
        new = result.unwrap()
        assert new.phase is Phase.RUNNING
        assert new.running == state.running | {run_id}
        assert (new.runs_succeeded, new.runs_failed) == (state.runs_succeeded, state.runs_failed)
    else:
        assert result.failure().reason is expected
        assert state == snapshot


@given(session_states(), RUN_IDS, st.booleans())
def test_end_run_and_close_are_total(state: SessionState, run_id: str, ok: bool) -> None:
    ended = end_run(state, run_id, succeeded=ok)
    assert run_id not in ended.running
    assert close(close(state)) == close(state)
    assert close(state).phase is Phase.CLOSED
    assert close(ended).running == ended.running


@given(
    session_states(
        modes=st.just(RunMode.MULTI), phases=st.just(Phase.RUNNING), max_in_flight=2, max_runs=1
    )
)
def test_strategy_options_are_honoured(state: SessionState) -> None:
    assert (state.mode, state.phase) == (RunMode.MULTI, Phase.RUNNING)
    assert 1 <= len(state.running) <= 2
    assert state.runs_succeeded <= 1 and state.runs_failed <= 1


@given(session_states(max_in_flight=0))
def test_no_runs_in_flight_when_max_in_flight_is_zero(state: SessionState) -> None:
    assert not state.running and state.phase is not Phase.RUNNING


@pytest.mark.parametrize(
    "kwargs",
    [
        {"modes": RunMode.SINGLE},
        {"phases": [Phase.CREATED]},
        {"session_ids": "s1"},
        {"max_runs": -1},
        {"max_in_flight": True},
    ],
)
def test_bad_strategy_arguments_fail_at_draw_time(kwargs: dict[str, object]) -> None:
    strategy = session_states(**kwargs)  # type: ignore[arg-type]  # no error yet: deferred

    @given(strategy)
    def draw(state: SessionState) -> None:
        raise AssertionError("unreachable")

    with pytest.raises(InvalidArgument):
        draw()
