"""Guards that keep the core pure and the package names ours."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "src" / "core"

#: Modules whose use would give the core I/O, processes, a clock or randomness.
FORBIDDEN = frozenset(
    {
        "shell",
        "os",
        "pathlib",
        "subprocess",
        "shutil",
        "socket",
        "logging",
        "time",
        "random",
        "uuid",
        "threading",
        "concurrent",
        "multiprocessing",
        "importlib",
        "sqlite3",
        "getpass",
        "tempfile",
        "kedro",
    }
)


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
            roots.add(stmt.module.split(".")[0])
    return roots


def test_core_imports_no_shell_and_no_io_modules() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(_imported_roots(path) & FORBIDDEN)
        for path in sorted(CORE.rglob("*.py"))
        if _imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}


def test_importing_core_loads_no_forbidden_module() -> None:
    # A fresh interpreter, so modules imported by other tests do not hide a leak.
    import subprocess

    probe = (
        "import sys, core, core.errors, core.filters, core.pipeline;"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {'shell','kedro'})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.slow
def test_installed_wheel_names_only_kedro_pure_for_core_and_shell(tmp_path: Path) -> None:
    # The development install is editable (a path entry), which records no top-level names,
    # so install the real wheel into a target folder and ask importlib.metadata there.
    import subprocess

    repo = CORE.parents[1]
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(repo)],
        check=True,
        capture_output=True,
    )
    probe = (
        "import importlib.metadata as m, json;"
        "d = m.packages_distributions();"
        "print(json.dumps({k: sorted(set(d.get(k, []))) for k in ('core', 'shell')}))"
    )
    out = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    import json

    assert json.loads(out.stdout) == {"core": ["kedro-pure"], "shell": ["kedro-pure"]}
    shipped = sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info") and p.name != "bin")
    assert shipped == ["core", "shell"]


@pytest.mark.parametrize("package", ["core", "shell"])
def test_packages_are_typed(package: str) -> None:
    module = __import__(package)
    assert module.__file__ is not None, f"{package} became a namespace package"
    assert (Path(module.__file__).parent / "py.typed").is_file()
