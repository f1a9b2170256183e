"""Building a pipeline pauses Python's cyclic collector and restores it exactly as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from core._collector import collector_paused
from core.node import node
from core.pipeline import pipeline


def _identity(x: object) -> object:
    return x


@pytest.fixture
def collector_state() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collector_state: None) -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(collector_state: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_is_restored_when_the_build_raises(collector_state: None) -> None:
    gc.enable()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("boom")
    assert gc.isenabled()


def test_pipeline_builds_and_failures_leave_the_collector_on(collector_state: None) -> None:
    gc.enable()
    ok = pipeline([node(_identity, "a", "b", name="one"), node(_identity, "b", "c", name="two")])
    cyclic = pipeline([node(_identity, "a", "b", name="one"), node(_identity, "b", "a", name="two")])

    assert ok.unwrap().grouped_nodes[1][0].name == "two"
    assert "Circular dependencies" in cyclic.failure().message
    assert gc.isenabled()
