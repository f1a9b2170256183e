"""Law of the plan cache: it never changes a decision.

For any sequence of edits (source, configuration, parameters, outputs, versions), each
followed by ``run --only-changed`` runs until nothing changes, ``plan --only-changed`` with the
cache decides exactly what ``plan --only-changed --no-plan-cache`` decides (the same nodes,
reasons and fingerprints); and the first plan after that run (which ran nodes or not) is
already served from the cache: a successful ``--only-changed`` run caches the next no-op. Real ``kedro-pure`` processes on the CLI test project: few examples, each a
few seconds.
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
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=3))
def test_the_cache_never_changes_a_decision(edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cli = Cli(write_cli_project(Path(tmp) / "proj"), Path(tmp) / "ran.log")
        cli("run")
        for edit in edits:
            EDITS[edit](cli.project)
            assert _decisions(cli.plan()) == _decisions(cli.plan("--no-plan-cache")), edit
            cli("run", "--only-changed")
            first = cli.plan()
            assert first["from_cache"] is True and first["runs"] == [], edit
            assert _decisions(first) == _decisions(cli.plan("--no-plan-cache")), edit
            served = cli("run", "--only-changed")
            assert served["nodes_run"] == 0 and served["from_cache"] is True, edit
