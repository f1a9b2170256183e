"""Law of the plan cache: it never changes a decision.

For any sequence of edits (source, configuration, parameters, outputs, versions), each
followed by a run (``run --only-changed``, or a plain ``run`` of every node), ``plan
--only-changed`` with the cache decides exactly what ``plan --only-changed --no-plan-cache``
decides (the same nodes, reasons and fingerprints); and the first plan after that run (which
ran nodes or not) is already served from the cache: a successful run caches the next no-op.
Real ``kedro-pure`` processes on the CLI test project: few examples, each a few seconds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.cli_projects import write_cli_project
from tests.unit.test_plan_cache import EDITS, Cli, _decisions


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.booleans()), min_size=1, max_size=3))
def test_the_cache_never_changes_a_decision(steps: list[tuple[str, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cli = Cli(write_cli_project(Path(tmp) / "proj"), Path(tmp) / "ran.log")
        cli("run")
        assert cli.plan()["from_cache"] is True  # the plain run cached the next no-op
        for edit, plain in steps:
            EDITS[edit](cli.project)
            assert _decisions(cli.plan()) == _decisions(cli.plan("--no-plan-cache")), edit
            if plain:
                cli("run")
            else:
                cli("run", "--only-changed")
            first = cli.plan()
            assert first["from_cache"] is True and first["runs"] == [], edit
            assert _decisions(first) == _decisions(cli.plan("--no-plan-cache")), edit
            served = cli("run", "--only-changed")
            assert served["nodes_run"] == 0 and served["from_cache"] is True, edit
