"""The ``hypothesis`` entry point: teaches ``st.from_type`` kedro-pure's types.

Hypothesis loads entry points while it is being imported. ``core.strategies`` itself imports
Hypothesis, so if a user imports ``core.strategies`` first, the entry point would see a
half-initialised module. This hook therefore imports nothing of ``core.strategies`` until a
strategy is first drawn (``st.deferred``).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from core.node import Node
from core.pipeline import Pipeline
from core.session_state import SessionState

__all__ = ["_hypothesis_setup_hook"]


def _later(name: str) -> st.SearchStrategy[object]:
    def build() -> st.SearchStrategy[object]:
        import core.strategies

        factory: Callable[[], st.SearchStrategy[object]] = getattr(core.strategies, name)
        return factory()

    return st.deferred(build)


def _hypothesis_setup_hook() -> None:
    """Register strategies for ``Node``, ``Pipeline`` and ``SessionState``."""
    st.register_type_strategy(Node, _later("nodes"))
    st.register_type_strategy(Pipeline, _later("pipelines"))
    st.register_type_strategy(SessionState, _later("session_states"))
