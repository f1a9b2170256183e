"""The hypothesis entry point: ``st.from_type`` knows our types, whatever is imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import core.strategies  # imported before hypothesis: the entry point must not see it half-built
from hypothesis import strategies as st
from core import Node, Pipeline
from core.session_state import SessionState
p = st.from_type(Pipeline).example()
n = st.from_type(Node).example()
s = st.from_type(SessionState).example()
print(type(p).__name__, type(n).__name__, type(s).__name__)
"""


@pytest.mark.parametrize("first", ["import core.strategies", "import hypothesis"])
def test_from_type_draws_our_values_in_a_fresh_interpreter(first: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", first + "\n" + PROBE],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["Pipeline", "Node", "SessionState"]
