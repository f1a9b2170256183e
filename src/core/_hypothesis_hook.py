"""The ``hypothesis`` entry point: teaches ``st.from_type`` kedro-pure's types.

Hypothesis loads entry points while it is being imported. The strategy modules themselves
import Hypothesis, so if a user imports ``core.strategies`` first, the entry point would see a
half-initialised module. This hook therefore imports no strategy module until a strategy is
first drawn (``st.deferred``), and then the module that defines it, never
``core.strategies`` (which re-exports this hook: importing it back would be a cycle).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from core.node import Node
from core.pipeline import Pipeline
from core.session_state import SessionState

__all__ = ["_hypothesis_setup_hook"]


def _later(factory: Callable[[], Callable[[], st.SearchStrategy[object]]]) -> st.SearchStrategy[object]:
    """A strategy that imports its defining module (via ``factory``) on first draw."""
    return st.deferred(lambda: factory()())


def _nodes() -> Callable[[], st.SearchStrategy[object]]:
    from core._node_strategies import nodes

    return nodes


def _pipelines() -> Callable[[], st.SearchStrategy[object]]:
    from core._pipeline_strategies import pipelines

    return pipelines


def _session_states() -> Callable[[], st.SearchStrategy[object]]:
    from core._session_strategies import session_states

    return session_states


def _hypothesis_setup_hook() -> None:
    """Register strategies for ``Node``, ``Pipeline`` and ``SessionState``."""
    st.register_type_strategy(Node, _later(_nodes))
    st.register_type_strategy(Pipeline, _later(_pipelines))
    st.register_type_strategy(SessionState, _later(_session_states))
