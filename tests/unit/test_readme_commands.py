"""The README's two commands work for a newcomer: run on a fresh copy of the repository.

Command 1 (set up a fresh virtual environment and run the example's main job) runs exactly as
written. Command 2 (the test suite) is the command ``.ci/run`` calls; it runs here on the
fresh environment command 1 created, with pytest only collecting (this suite is what it would
run, and it is already running).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _two_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.DOTALL)


def _fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    # mypy's cache only saves time; its entries are validated against the files.
    if (REPO / ".mypy_cache").is_dir():
        shutil.copytree(REPO / ".mypy_cache", target / ".mypy_cache")
    return target


def _environment() -> dict[str, str]:
    # As on a newcomer's machine: the interpreter running these tests plays ``python3``, and
    # nothing of this test run's virtual environment leaks in.
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "HYPOTHESIS_PROFILE"}}
    base = Path(sys.base_prefix) / "bin"
    env["PATH"] = os.pathsep.join([str(base), "/usr/local/bin", "/usr/bin", "/bin"])
    return env


def test_the_readme_shows_two_commands_and_ci_runs_the_second() -> None:
    commands = _two_commands()
    assert len(commands) == 2
    assert "kedro-pure run" in commands[0]
    ci = (REPO / ".ci" / "run").read_text()
    assert commands[1].strip() in ci


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_both_commands_work_on_a_fresh_virtual_environment(tmp_path: Path) -> None:
    first, second = _two_commands()
    copy = _fresh_copy(tmp_path / "kedro-pure")
    assert not (copy / ".venv").exists()
    env = _environment()

    ran = subprocess.run(["bash", "-c", first], cwd=copy, env=env, capture_output=True, text=True, check=False)

    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-4000:]
    assert "Run completed: 15 node(s) run, 0 skipped, 0 failed" in ran.stderr
    assert list((copy / "examples/spaceflights/data/06_models").rglob("*.pickle"))

    checked = subprocess.run(
        ["bash", "-c", f"{second} --collect-only -q"], cwd=copy, env=env, capture_output=True, text=True, check=False
    )

    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-4000:]
    for stage in ("== ruff", "== mypy --strict", "== import contract", "== pytest"):
        assert stage in checked.stdout
    assert re.search(r"\d+ tests collected", checked.stdout)
