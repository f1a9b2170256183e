"""``AbstractSession`` as Kedro 1.7 exposes it, and ``KedroSession`` deriving from it."""

from __future__ import annotations

import pytest
from kedro.framework.session.abstract_session import AbstractSession as KedroAbstractSession

from shell.abstract_session import AbstractSession
from shell.session import KedroSession


class Recording(AbstractSession):
    def __init__(self) -> None:
        self.closed = 0

    @classmethod
    def create(cls) -> Recording:
        return cls()

    def close(self) -> None:
        self.closed += 1

    def run(self) -> dict[str, object]:
        return {}


def test_kedro_session_is_an_abstract_session() -> None:
    assert issubclass(KedroSession, AbstractSession)


def test_the_same_abstract_methods_as_kedro() -> None:
    assert AbstractSession.__abstractmethods__ == KedroAbstractSession.__abstractmethods__
    with pytest.raises(TypeError):
        AbstractSession()  # type: ignore[abstract]


def test_with_returns_the_session_and_closes_it_even_on_error() -> None:
    session = Recording.create()
    with session as entered:
        assert entered is session
    assert session.closed == 1
    with pytest.raises(RuntimeError), session:
        raise RuntimeError("boom")
    assert session.closed == 2
