"""What a session records, end to end: real git repositories, real SQLite files.

The store holds what Kedro records (session id, project path, git commit/dirty flag plus our
branch, the CLI context, env, runtime parameters, user name) and, per run, its parameters,
outcome, error and timings (``shell.store.sqlite``).
"""

from __future__ import annotations

import getpass
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from returns.pipeline import is_successful

from core.store_records import RunOutcome, StoredSession
from shell.api import to_result
from shell.session import KedroSession
from shell.session_info import _describe_git, _jsonify_cli_context
from shell.store.history import list_sessions
from shell.store.sqlite import DB_FILE_NAME
from tests.unit.project_factory import (
    git,
    init_git,
    persisted_project,
    recorder,
    unique_package,
    write_project,
)

# Kedro's timestamp plus a random suffix (core.ids): unique across processes.
SESSION_ID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z-[0-9a-f]{8}$")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KEDRO_ENV", raising=False)
    # Never let git find a repository above the temporary folder.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    built = write_project(tmp_path / "proj", persisted_project(unique_package("rec")))
    (built / ".gitignore").write_text("sessions/\ndata/\n")
    return built


def _sessions(root: Path, store: str = "sessions") -> tuple[StoredSession, ...]:
    sessions: tuple[StoredSession, ...] = to_result(list_sessions(root / store)).unwrap()
    return sessions


def _package(root: Path) -> str:
    return next(p.name for p in (root / "src").iterdir() if p.is_dir())


# --- what create() records ---------------------------------------------------------------


def test_create_records_kedros_keys_in_kedros_order(root: Path) -> None:
    sha = init_git(root)
    session = KedroSession.create(root, env="prod", runtime_params={"alpha": 2}).unwrap()
    store = session.store
    assert list(store) == ["project_path", "session_id", "env", "runtime_params", "username", "git"]
    assert store["project_path"] == root  # a Path, as in Kedro
    assert SESSION_ID.match(session.session_id) and store["session_id"] == session.session_id
    assert store["env"] == "prod"
    assert store["runtime_params"] == {"alpha": 2}
    assert store["username"] == getpass.getuser()
    assert store["git"] == {"commit_sha": sha, "branch": "main", "dirty": False}
    session.close()


def test_absent_values_leave_their_keys_out(root: Path) -> None:
    session = KedroSession.create(root, runtime_params={}).unwrap()
    assert list(session.store) == ["project_path", "session_id", "username"]  # no git repo
    session.close()


def test_kedro_env_is_used_when_no_env_is_given(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEDRO_ENV", "prod")
    from_variable = KedroSession.create(root).unwrap()
    assert from_variable.store["env"] == "prod"
    assert from_variable.load_context().params["alpha"] == 10  # conf/prod/parameters.yml
    explicit = KedroSession.create(root, env="local").unwrap()
    assert explicit.store["env"] == "local"
    monkeypatch.setenv("KEDRO_ENV", "")
    assert "env" not in KedroSession.create(root).unwrap().store


def test_git_branch_and_dirty_flag_follow_the_repository(root: Path) -> None:
    init_git(root, branch="feature/x")
    clean = _describe_git(root)
    assert clean == {"git": {"commit_sha": git(root, "rev-parse", "--short", "HEAD"), "branch": "feature/x", "dirty": False}}
    (root / "conf" / "base" / "parameters.yml").write_text("alpha: 3\nfail: false\nmodel:\n  depth: 3\n")
    assert _describe_git(root)["git"]["dirty"] is True
    git(root, "commit", "-q", "-am", "second")
    described = _describe_git(root)["git"]
    assert described["dirty"] is False and described["commit_sha"] != clean["git"]["commit_sha"]
    git(root, "checkout", "-q", "--detach")
    assert _describe_git(root)["git"]["branch"] == "HEAD"
    # The session records the same thing.
    session = KedroSession.create(root).unwrap()
    assert session.store["git"] == _describe_git(root)["git"]
    session.close()


def test_git_information_is_absent_outside_a_repository_or_before_a_commit(root: Path) -> None:
    assert _describe_git(root) == {}
    git(root, "init", "-q")
    assert _describe_git(root) == {}  # no HEAD yet
    session = KedroSession.create(root).unwrap()
    assert "git" not in session.store
    session.close()


def test_git_information_is_absent_without_git(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init_git(root)
    empty = tmp_path / "no_programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert _describe_git(root) == {}
    session = KedroSession.create(root).unwrap()
    assert "git" not in session.store
    with session:
        assert is_successful(session.run(node_names=["n_a"]))


def test_the_cli_context_is_recorded_inside_a_click_command(root: Path) -> None:
    recorded: dict[str, object] = {}

    @click.command(name="run")
    @click.option("--env", default=None)
    @click.argument("extra", nargs=-1)
    def command(env: str | None, extra: tuple[str, ...]) -> None:
        session = KedroSession.create(root, env=env).unwrap()
        recorded.update(session.store)
        session.close()

    outcome = CliRunner().invoke(command, ["--env", "prod", "a", "b"])
    assert outcome.exit_code == 0, outcome.output
    cli = recorded["cli"]
    assert isinstance(cli, dict)
    assert cli["command_name"] == "run"
    assert cli["params"] == {"env": "prod", "extra": ("a", "b")}
    assert cli["args"] == []
    assert str(cli["command_path"]).startswith("kedro-pure")
    assert list(recorded)[:3] == ["project_path", "session_id", "cli"]


def test_jsonify_cli_context_has_kedros_keys() -> None:
    context = click.Context(click.Command("run"), info_name="run")
    context.params = {"tags": ("t",)}
    record = _jsonify_cli_context(context)
    assert list(record) == ["args", "params", "command_name", "command_path"]
    assert record["params"] == {"tags": ("t",)} and record["command_name"] == "run"


# --- what reaches the SQLite file ----------------------------------------------------------


def test_sessions_and_runs_are_saved_in_the_projects_sqlite_file(root: Path) -> None:
    sha = init_git(root)
    with KedroSession.create(root, runtime_params={"fail": True}).unwrap() as session:
        failed = session.run()
        assert not is_successful(failed)
        # A retry in the same session is recorded as a run of its own.
        assert not is_successful(session.run())
    with KedroSession.create(root).unwrap() as second:
        assert is_successful(second.run(tags=["t1"]))
    hook_params = recorder(_package(root)).take()["run_params"]  # type: ignore[attr-defined]

    assert (root / "sessions" / DB_FILE_NAME).is_file()
    first_saved, second_saved = _sessions(root)
    assert first_saved.session_id == session.session_id and second_saved.session_id == second.session_id
    assert first_saved.project_path == root.as_posix()
    assert first_saved.runtime_params == {"fail": True} and second_saved.runtime_params is None
    assert first_saved.username == getpass.getuser()
    assert first_saved.env is None and first_saved.cli is None and first_saved.exception is None
    assert isinstance(first_saved.git, Mapping) and first_saved.git["commit_sha"] == sha

    assert [run.outcome for run in first_saved.runs] == [RunOutcome.FAILED, RunOutcome.FAILED]
    assert [run.outcome for run in second_saved.runs] == [RunOutcome.SUCCESS]
    for run in first_saved.runs:
        assert run.run_id == session.session_id  # Kedro's convention in single mode
        assert run.error == "Node 'n_f' failed: ValueError: node refused 14"
    (success,) = second_saved.runs
    assert success.error is None
    # The stored parameters are the run_params the pipeline hooks received.
    assert [_plain(run.parameters) for run in (*first_saved.runs, success)] == hook_params
    for run in (*first_saved.runs, success):
        assert run.finished_at is not None and run.started_at <= run.finished_at
        assert run.started_at.tzinfo is not None


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def test_runs_refused_before_the_runner_leave_no_run_record(root: Path) -> None:
    with KedroSession.create(root).unwrap() as session:
        assert not is_successful(session.run(pipeline_names=["nope"]))
        assert not is_successful(session.run(tags=["nope"]))
    (saved,) = _sessions(root)
    assert saved.runs == ()


def test_save_on_close_false_saves_no_session(root: Path) -> None:
    session = KedroSession.create(root, save_on_close=False).unwrap()
    assert is_successful(session.close())
    assert _sessions(root) == ()


def test_store_args_path_moves_the_database(root: Path) -> None:
    settings = root / "src" / _package(root) / "settings.py"
    settings.write_text(settings.read_text() + f"\nSESSION_STORE_ARGS = {{'path': {str(root / 'elsewhere')!r}}}\n")
    with KedroSession.create(root).unwrap() as session:
        assert is_successful(session.run(node_names=["n_a"]))
    assert not (root / "sessions").exists()
    (saved,) = _sessions(root, "elsewhere")
    assert saved.session_id == session.session_id and len(saved.runs) == 1


def test_a_store_written_for_kedro_works(root: Path) -> None:
    """A ``BaseSessionStore`` subclass whose ``save()`` returns ``None`` (Kedro's contract)."""
    package = root / "src" / _package(root)
    (package / "json_store.py").write_text(
        "import json, pathlib\n"
        "from shell.store.base import BaseSessionStore\n"
        "class JsonStore(BaseSessionStore):\n"
        "    def save(self):\n"
        "        folder = pathlib.Path(self.path); folder.mkdir(parents=True, exist_ok=True)\n"
        "        (folder / (self.session_id + '.json')).write_text(json.dumps(dict(self), default=str))\n"
    )
    settings = package / "settings.py"
    settings.write_text(settings.read_text() + f"\nSESSION_STORE_CLASS = '{package.name}.json_store.JsonStore'\n")
    with KedroSession.create(root, env="prod").unwrap() as session:
        assert is_successful(session.run(node_names=["n_a"]))
    saved = (root / "sessions" / f"{session.session_id}.json").read_text()
    assert '"env": "prod"' in saved


def test_branch_is_read_past_the_upstream_of_a_clone(root: Path, tmp_path: Path) -> None:
    init_git(root, branch="dev")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    (clone / "extra.txt").write_text("x\n")
    git(clone, "add", "extra.txt")
    git(clone, "commit", "-q", "-m", "ahead")
    assert git(clone, "status", "--short", "--branch").startswith("## dev...origin/dev [ahead 1]")
    described = _describe_git(clone)["git"]
    assert described == {"commit_sha": git(clone, "rev-parse", "--short", "HEAD"), "branch": "dev", "dirty": False}


def test_importing_the_session_does_not_import_click() -> None:
    """The CLI context is read only when click is loaded (a CLI command is running)."""
    code = "import sys, shell.session; print('click' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
