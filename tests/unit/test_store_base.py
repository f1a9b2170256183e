"""``BaseSessionStore``: Kedro's in-memory, dict-like store."""

from __future__ import annotations

import inspect
from collections import UserDict

import pytest
from returns.io import IOSuccess

from shell.store import BaseSessionStore


def test_starts_empty_and_behaves_like_a_dict() -> None:
    store = BaseSessionStore("/tmp/project/sessions", "s1")
    assert dict(store) == {}
    store["session_id"] = "s1"
    store.update({"env": "local", "username": "me"})
    assert store["env"] == "local"
    assert dict(store) == {"session_id": "s1", "env": "local", "username": "me"}
    assert list(store) == ["session_id", "env", "username"]
    assert (store.path, store.session_id) == ("/tmp/project/sessions", "s1")


def test_save_persists_nothing() -> None:
    store = BaseSessionStore("/tmp/project/sessions", "s1")
    store["env"] = "local"
    assert store.save() == IOSuccess(None)
    assert dict(BaseSessionStore("/tmp/project/sessions", "s1")) == {}


def test_subclasses_start_from_what_read_returns() -> None:
    class Seeded(BaseSessionStore):
        def read(self) -> dict[str, object]:
            return {"session_id": self.session_id, "seeded": True}

    assert dict(Seeded("p", "s2")) == {"session_id": "s2", "seeded": True}


def test_logs_that_nothing_is_read_or_saved(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG", logger="kedro.framework.session.store"):
        BaseSessionStore("p", "s").save()
    assert [r.getMessage() for r in caplog.records] == [
        "'read()' not implemented for 'BaseSessionStore'. Assuming empty store.",
        "'save()' not implemented for 'BaseSessionStore'. Skipping the step.",
    ]


@pytest.mark.differential
def test_same_shape_as_kedros_store() -> None:
    from kedro.framework.session.store import BaseSessionStore as KedroStore

    assert issubclass(BaseSessionStore, UserDict)
    assert list(inspect.signature(BaseSessionStore).parameters) == list(
        inspect.signature(KedroStore).parameters
    )
    ours, theirs = BaseSessionStore("p", "s"), KedroStore("p", "s")
    for store in (ours, theirs):
        store["b"] = 1
        store["a"] = {"x": [1]}
    assert dict(ours) == dict(theirs)
    assert (ours.read(), ours._path, ours._session_id) == (
        theirs.read(),
        theirs._path,
        theirs._session_id,
    )
