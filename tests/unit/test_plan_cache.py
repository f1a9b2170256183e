"""The plan cache: a no-op ``--only-changed`` run or plan served without importing the project,
and every kind of edit falling back to a full plan that decides the same as ``--no-plan-cache``.

Real ``kedro-pure`` processes on the CLI test project (:mod:`tests.unit.cli_projects`), run with
one fixed environment: the cache is keyed on the environment variables, so the helper there
(which names a new log file per call) would never hit it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from core.incremental import ChangePlan, PlanMode, make_fingerprint
from core.incremental.decide import ChangeDecision
from core.incremental.plan_cache import (
    CachedPlan,
    cache_key,
    cached_from_json,
    is_cacheable,
    served_from_cache,
)
from core.incremental.reasons import Reason, ReasonKind
from tests.unit.cli_projects import KEDRO_PURE, PARAMETERS_YML, TIMEOUT, cli_env, write_cli_project


class Cli:
    """``kedro-pure`` in one project, always with the same environment."""

    def __init__(self, project: Path, log: Path) -> None:
        self.project = project
        self.env = cli_env({"KP_RAN_LOG": str(log)})
        self.log = log

    def __call__(self, *args: str, env: Mapping[str, str] | None = None) -> dict[str, object]:
        """What ``kedro-pure args --json`` prints; the command must succeed."""
        done = self.run(*args, "--json", env=env, check=False)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        shown: dict[str, object] = json.loads(done.stdout)
        return shown

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """``kedro-pure args`` in the project, with its fixed environment (plus ``env``)."""
        return self._run([KEDRO_PURE, *args], env=env, check=check)

    def python(self, script: str) -> list[str]:
        """The stdout lines of ``python -c script`` in the project; it must exit 0."""
        done = self._run([sys.executable, "-c", script], env=None, check=True)
        return done.stdout.strip().splitlines()

    def _run(
        self, command: list[str], *, env: Mapping[str, str] | None, check: bool
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.project, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=TIMEOUT, check=check,
        )

    def plan(self, *args: str, env: Mapping[str, str] | None = None) -> dict[str, object]:
        return self("plan", "--only-changed", *args, env=env)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    project = write_cli_project(tmp_path / "proj")
    return Cli(project, tmp_path / "ran.log")


def _cached(cli: Cli) -> Cli:
    """``cli`` after a full run (which caches the next no-op's plan) and a first no-op
    (served from that entry)."""
    cli("run")
    first = cli("run", "--only-changed")
    assert first["nodes_run"] == 0 and first["from_cache"] is True
    return cli


def project_import_probe(project: Path) -> str:
    """A ``python -c`` script: a ``run --only-changed --json`` through the CLI's ``main``, then
    ``IMPORTED <code>`` or ``NOT IMPORTED <code>``: whether the project's package was imported."""
    package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
    return (
        "import sys\nfrom shell.cli.main import main\n"
        "code = main(['-q', 'run', '--only-changed', '--json'])\n"
        f"print('IMPORTED' if any(m.split('.')[0] == {package!r} for m in sys.modules) else 'NOT IMPORTED', code)\n"
    )


def _decisions(plan: Mapping[str, object]) -> list[tuple[object, ...]]:
    nodes = plan["nodes"]
    assert isinstance(nodes, list)
    return [(n["name"], n["runs"], n["reason"], n["fingerprint"]) for n in nodes]


def test_a_no_op_after_a_no_op_is_served_from_the_cache_and_recorded(cli: Cli) -> None:
    _cached(cli)
    cli.log.write_text("")

    served = cli("run", "--only-changed")
    planned = cli.plan()

    assert served["from_cache"] is True and served["nodes_run"] == 0 and served["skipped"] == 10
    assert cli.log.read_text() == ""  # the project was not started: its hooks never ran
    assert planned["from_cache"] is True and planned["runs"] == []
    assert "This plan came from the plan cache" in str(planned["coverage"])
    assert _decisions(planned) == _decisions(cli.plan("--no-plan-cache"))
    # Recorded like any run: a successful run whose journal skips every node, with the reason.
    shown = cli("sessions", "show", str(served["session_id"]))
    runs = shown["runs"]
    assert isinstance(runs, list) and runs[0]["outcome"] == "success"
    journal = runs[0]["nodes"]
    assert {n["status"] for n in journal} == {"skipped"} and len(journal) == 10
    assert {n["reason"] for n in journal} == {"unchanged since its last completed run"}


def test_the_text_plan_says_it_came_from_the_cache_and_why_that_is_valid(cli: Cli) -> None:
    _cached(cli)
    done = cli.run("plan", "--only-changed")
    assert "0 of 10 node(s) would run (--only-changed)" in done.stdout
    assert "This plan came from the plan cache" in done.stdout
    assert "the bytes of every file under the project's source directory" in done.stdout


def test_a_cache_hit_imports_none_of_the_project(cli: Cli) -> None:
    _cached(cli)
    probe = project_import_probe(cli.project)

    # `python -c` has another import path than the console script: its first no-op plans
    # in full (importing the project) and caches; the second is served from the cache.
    first, second = cli.python(probe), cli.python(probe)
    assert first[-1] == "IMPORTED 0" and '"from_cache": false' in "".join(first)
    assert second[-1] == "NOT IMPORTED 0" and '"from_cache": true' in "".join(second)


def test_a_command_line_seen_before_is_served_before_the_command_line_starts(cli: Cli) -> None:
    _cached(cli)
    probe = (
        "import runpy, sys\n"
        f"sys.argv = [{KEDRO_PURE!r}, '-q', 'run', '--only-changed', '--json']\n"
        "try:\n"
        f"    runpy.run_path({KEDRO_PURE!r}, run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    print('EXIT', exit.code, 'click' in sys.modules, 'rich' in sys.modules)\n"
    )

    # `python -c` has another import path than the console script, a part of the key: the
    # first plans in full through the command line, which caches the plan and remembers its
    # parsing of these words; the second is served before click or rich are imported.
    first, second = cli.python(probe), cli.python(probe)
    assert first[-1] == "EXIT 0 True True" and '"from_cache": false' in "".join(first)
    assert second[-1] == "EXIT 0 False False" and '"from_cache": true' in "".join(second)
    served = json.loads("".join(second[:-1]))
    assert served["nodes_run"] == 0 and served["skipped"] == 10


def assert_missed_and_planned_in_full(cli: Cli) -> None:
    """The next ``plan --only-changed`` is not served from the cache, and it decides what
    ``--no-plan-cache`` decides."""
    planned = cli.plan()
    assert planned["from_cache"] is False
    assert _decisions(planned) == _decisions(cli.plan("--no-plan-cache"))


def _append_comment(project: Path) -> None:
    nodes = next((project / "src").glob("*/nodes.py"))
    nodes.write_text(nodes.read_text() + "\n# a comment: the bytes changed, the code did not\n")


def _new_source_file(project: Path) -> None:
    next((project / "src").glob("*/nodes.py")).with_name("helpers.py").write_text("X = 1\n")


def _parameter(project: Path) -> None:
    (project / "conf" / "base" / "parameters.yml").write_text(PARAMETERS_YML.replace("factor: 10", "factor: 12"))


def _new_conf_file(project: Path) -> None:
    (project / "conf" / "base" / "unused.yml").write_text("nothing: here\n")


def _tamper_output(project: Path) -> None:
    (project / "data" / "joined.json").write_text('{"tampered": true}')


def _delete_output(project: Path) -> None:
    (project / "data" / "score.json").unlink()


def _touch_output(project: Path) -> None:
    target = project / "data" / "joined.json"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _newer_model_version(project: Path) -> None:
    folder = project / "data" / "model.pkl"
    versions = sorted(p for p in folder.iterdir() if p.is_dir())
    shutil.copytree(versions[-1], folder / f"9999-12-31T23.59.{len(versions):02d}.000Z")


EDITS: dict[str, Callable[[Path], None]] = {
    "a comment in a node's module": _append_comment,
    "a new file in the source folder": _new_source_file,
    "a parameter": _parameter,
    "a new configuration file": _new_conf_file,
    "an output's bytes": _tamper_output,
    "a deleted output": _delete_output,
    "a newer version of a versioned output": _newer_model_version,
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_any_edit_falls_back_to_a_full_plan_that_decides_the_same(cli: Cli, edit: str) -> None:
    _cached(cli)

    EDITS[edit](cli.project)
    assert_missed_and_planned_in_full(cli)


def test_a_touched_but_unchanged_output_still_hits(cli: Cli) -> None:
    # Like the full plan, the cache compares content digests, not modification times.
    _cached(cli)
    _touch_output(cli.project)

    assert cli.plan()["from_cache"] is True


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--params", "model.factor=11"), {}), (("--env", "prod"), {}), ((), {"KP_SOMETHING": "new"}), (("--tags", "model"), {})],
    ids=["runtime parameters", "environment", "an environment variable", "selection"],
)
def test_other_options_or_environment_do_not_hit(cli: Cli, args: tuple[str, ...], env: dict[str, str]) -> None:
    _cached(cli)

    planned = cli.plan(*args, env=env)

    assert planned["from_cache"] is False
    assert _decisions(planned) == _decisions(cli.plan("--no-plan-cache", *args, env=env))


def test_no_plan_cache_always_plans_in_full(cli: Cli) -> None:
    _cached(cli)

    assert cli("run", "--only-changed", "--no-plan-cache")["from_cache"] is False
    assert cli.plan("--no-plan-cache")["from_cache"] is False


# -- the pure half -------------------------------------------------------------------------------


def _skipping_plan() -> ChangePlan:
    fingerprint = make_fingerprint("code", "decl", {"params:a": "1"}, {"x": "digest:ab"})
    decisions = (ChangeDecision("n", (), fingerprint, {"y": "digest:cd"}), ChangeDecision("m", (), fingerprint))
    return ChangePlan(PlanMode.ONLY_CHANGED, decisions)


def test_an_entry_reads_back_as_the_plan_it_stored() -> None:
    entry = CachedPlan("k", _skipping_plan(), {"/a": "d1"}, {"/v": "listing"}, {"env": "local"})

    read = cached_from_json("k", json.dumps(entry.to_json()))

    assert read.unwrap() == entry
    assert served_from_cache(read.unwrap().plan).to_json()["from_cache"] is True


@pytest.mark.parametrize("text", ["not json", "[]", '{"plan": [], "record": {}}', '{"plan": [{"node": "n"}], "files": {}, "versions": {}, "record": {}}'])
def test_a_damaged_entry_is_a_corrupt_store_error(text: str) -> None:
    read = cached_from_json("k", text)

    assert not is_successful(read)
    assert "plan cache entry is damaged" in read.failure().message


def test_only_only_changed_plans_that_run_nothing_are_cacheable() -> None:
    plan = _skipping_plan()
    running = ChangePlan(PlanMode.ONLY_CHANGED, (ChangeDecision("n", (Reason(ReasonKind.NEVER_RUN),), plan.decisions[0].fingerprint),))

    assert is_cacheable(plan)
    assert not is_cacheable(running)
    assert not is_cacheable(ChangePlan(PlanMode.RESUME, plan.decisions))


def test_the_key_depends_on_every_part_and_not_on_their_order() -> None:
    parts = {"a": "1", "b": "2"}

    assert cache_key(parts) == cache_key({"b": "2", "a": "1"})
    assert cache_key(parts) != cache_key({**parts, "b": "3"})
    assert cache_key(parts) != cache_key({**parts, "c": ""})


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "--only-changed"], (None, "run")),
        (["-q", "-P", "proj", "plan", "--only-changed", "--json"], ("proj", "plan")),
        (["--project=proj", "run", "--only-changed"], ("proj", "run")),
        (["run"], None),
        (["-v", "run", "--only-changed"], None),
        (["run", "--only-changed", "--no-plan-cache"], None),
        (["run", "--only-changed", "--config", "c.yml"], None),
        (["run", "--only-changed", "-cc.yml"], None),
        (["run", "--only-changed", "--resume"], None),
        (["run", "--only-changed", "--help"], None),
        (["sessions", "--only-changed"], None),
        (["-P"], None),
    ],
)
def test_only_plain_only_changed_command_lines_are_served_before_parsing(
    argv: list[str], expected: tuple[str | None, str] | None
) -> None:
    from shell.incremental.fast_entry import _project_and_command

    assert _project_and_command(argv) == expected
