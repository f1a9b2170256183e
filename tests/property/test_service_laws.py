"""Laws of the service's pure parts: admission, redaction of bodies, Kedro-compatible models."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import JsonValue, ValidationError
from returns.pipeline import is_successful

from core.service.admission import (
    MAX_RETRY_AFTER,
    PoolState,
    RefusalReason,
    admit,
    drain,
    finish,
    new_pool,
    retry_after,
    start,
)
from core.service.models import SERVICE_RUNNERS, RunRequest, canonical_runner
from core.service.outcomes import scrub_json

# --- admission ------------------------------------------------------------------------------

_events = st.lists(
    st.tuples(st.sampled_from(["admit", "start", "finish", "drain"]), st.integers(0, 9),
              st.floats(0, 10_000)),
    max_size=60,
)


@given(st.integers(1, 4), st.integers(0, 4), _events)
def test_the_pool_never_holds_more_than_its_capacity(workers: int, queue: int, events: list[tuple[str, int, float]]) -> None:
    state = new_pool(workers, queue)
    for kind, run, duration in events:
        run_id = f"r{run}"
        before = state
        if kind == "admit":
            admitted = admit(state, run_id)
            if is_successful(admitted):
                state = admitted.unwrap()
                assert state.status(run_id) == "queued"
            else:
                refusal = admitted.failure()
                assert 1 <= refusal.retry_after <= MAX_RETRY_AFTER
                assert refusal.reason is (
                    RefusalReason.DRAINING if before.draining else RefusalReason.FULL
                )
                assert refusal.status_code == (503 if before.draining else 429)
        elif kind == "start":
            state = start(state, run_id)
        elif kind == "finish":
            state = finish(state, run_id, duration)
            assert state.status(run_id) is None
        else:
            state = drain(state)
        assert state.in_flight <= state.capacity
        assert len(state.recent_ms) <= 32
        assert not (set(state.queued) & state.running)


@given(st.integers(1, 4), st.integers(0, 4), st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=12))
def test_admission_fills_exactly_to_capacity_and_finishing_frees_a_place(workers: int, queue: int, ids: list[str]) -> None:
    state = new_pool(workers, queue)
    admitted: list[str] = []
    for run_id in ids:
        outcome = admit(state, run_id)
        if is_successful(outcome):
            state = outcome.unwrap()
            admitted.append(run_id)
    assert len(admitted) == min(len(ids), workers + queue)
    if admitted and len(ids) > len(admitted):
        state = finish(start(state, admitted[0]), admitted[0], 5.0)
        assert is_successful(admit(state, ids[len(admitted)]))


@given(st.integers(1, 8), st.lists(st.floats(0, 1e7), max_size=40), st.integers(0, 30))
def test_retry_after_is_whole_seconds_within_bounds(workers: int, durations: list[float], waiting: int) -> None:
    state = PoolState(workers=workers, queue_limit=waiting, queued=tuple(f"q{i}" for i in range(waiting)),
                      recent_ms=tuple(durations[-32:]))
    assert 1 <= retry_after(state) <= MAX_RETRY_AFTER


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="workers"):
        new_pool(0)


# --- redaction of bodies --------------------------------------------------------------------

SECRET = "hunter2-secret"

_json: st.SearchStrategy[JsonValue] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.just(f"x{SECRET}y"),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5) | st.just(SECRET), inner, max_size=4),
    max_leaves=30,
)


def _scrub(text: str) -> str:
    return text.replace(SECRET, "<redacted>")


@given(_json)
@example({SECRET: [SECRET, {"k": f"a{SECRET}"}]})
def test_no_secret_survives_and_the_shape_is_kept(value: JsonValue) -> None:
    cleaned = scrub_json(value, _scrub)
    assert SECRET not in json.dumps(cleaned)
    # Without anything to redact, the value comes back equal.
    if SECRET not in json.dumps(value):
        assert cleaned == value


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    value: JsonValue = SECRET
    for _ in range(50_000):
        value = [value]
    cleaned = scrub_json(value, _scrub)
    while isinstance(cleaned, list):
        (cleaned,) = cleaned
    assert cleaned == "<redacted>"


# --- the request model against Kedro's ------------------------------------------------------

_names = st.none() | st.lists(st.text(max_size=6), max_size=3)
_kedro_bodies = st.fixed_dictionaries(
    {},
    optional={
        "from_inputs": _names,
        "to_outputs": _names,
        "from_nodes": _names,
        "to_nodes": _names,
        "node_names": _names,
        "tags": _names | st.integers() | st.text(max_size=3),
        "is_async": st.booleans() | st.sampled_from(["yes", "maybe", 2]),
        "load_versions": st.none() | st.dictionaries(st.text(max_size=4), st.text(max_size=4) | st.integers(), max_size=2),
        "pipeline_names": _names,
        "namespaces": _names,
        "params": st.none() | st.dictionaries(st.text(max_size=4), _json, max_size=3) | st.lists(st.integers(), max_size=2),
        "only_missing_outputs": st.booleans() | st.just("nope"),
        "runner": st.none() | st.sampled_from([*SERVICE_RUNNERS, "kedro.runner.ThreadRunner"]),
        "env": st.text(max_size=3),
    },
)


@pytest.mark.differential
@given(_kedro_bodies)
@example({"tags": "t"})
@example({"load_versions": {"d": 1}})
def test_our_run_request_accepts_exactly_what_kedros_accepts(body: dict[str, object]) -> None:
    from kedro.server.models import RunRequest as KedroRunRequest

    raw = json.dumps(body)
    try:
        kedros = KedroRunRequest.model_validate_json(raw)
    except ValidationError as kedro_error:
        with pytest.raises(ValidationError) as ours_error:
            RunRequest.model_validate_json(raw)
        kedro_fields = {error["loc"] for error in kedro_error.errors()}
        assert {error["loc"] for error in ours_error.value.errors()} == kedro_fields
        return
    ours = RunRequest.model_validate_json(raw)
    for field in KedroRunRequest.model_fields:
        theirs = getattr(kedros, field)
        mine = getattr(ours, field)
        if field == "runner" and theirs is not None:
            assert mine == canonical_runner(theirs)
        else:
            assert mine == theirs, field
