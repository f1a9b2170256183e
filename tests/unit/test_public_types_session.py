"""Pins the public types of the session core (checked by mypy; the asserts also run)."""

from __future__ import annotations

from typing import assert_type

from hypothesis.strategies import SearchStrategy
from returns.result import Result

from core._session_strategies import session_states
from core.errors import KedroSessionError
from core.run_record import RunParams, describe_runner, make_run_params, run_params_dict
from core.session_state import (
    Phase,
    RunMode,
    SessionState,
    begin_run,
    close,
    end_run,
    new_session,
)


def test_session_state_api_types() -> None:
    state = assert_type(new_session("s", mode=RunMode.MULTI), SessionState)
    started = assert_type(begin_run(state, "r"), Result[SessionState, KedroSessionError])
    running = started.unwrap()
    assert_type(running, SessionState)
    assert_type(end_run(running, "r", succeeded=True), SessionState)
    assert_type(close(running), SessionState)
    assert_type(running.phase, Phase)
    assert_type(running.running, frozenset[str])
    assert_type(running.has_run, bool)
    assert_type(begin_run(close(state), "r").failure(), KedroSessionError)
    assert running.phase is Phase.RUNNING


def test_run_record_api_types() -> None:
    params = assert_type(
        make_run_params(
            session_id="s",
            run_id="s",
            project_path="/p",
            env=None,
            kedro_version="0.1.0",
            runner=describe_runner(None),
        ),
        RunParams,
    )
    assert_type(run_params_dict(params), dict[str, object])
    assert_type(params.requested_pipeline_names, tuple[str, ...])
    assert_type(params.tags, tuple[str, ...] | None)
    assert_type(describe_runner(object()), str)
    assert params.runner == "None"


def test_strategy_type() -> None:
    assert_type(session_states(), SearchStrategy[SessionState])
