"""How ``ParallelRunner`` starts its workers: forked while the driver has one thread, else from
a fork server that really preloads the project's modules (Python 3.11's fork server ignores the
``sys.path`` it is given; :mod:`shell.runners.worker_path` applies it)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from shell.runners.worker_pool import start_method

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork and forkserver are POSIX start methods")


def test_a_single_threaded_driver_forks_and_a_threaded_one_uses_a_fork_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KEDRO_MP_CONTEXT", raising=False)
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    alone = threading.active_count() == 1

    other.start()
    try:
        threaded = start_method()
    finally:
        release.set()
        other.join()

    assert threaded == "forkserver"
    if alone:  # pytest plugins may keep threads of their own
        assert start_method() == "fork"


def test_kedro_mp_context_chooses_the_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEDRO_MP_CONTEXT", "spawn")

    assert start_method() == "spawn"


PROJECT_MODULE = """
import os

#: The process that imported this module.
IMPORTED_BY = os.getpid()


def where(value):
    return {"imported_by": IMPORTED_BY, "runs_in": os.getpid()}
"""

DRIVER = """
import sys
sys.path.insert(0, sys.argv[1])  # as a project's src/ is added at run time
from core import node, pipeline
from shell.io import DataCatalog, MemoryDataset
from shell.runners import ParallelRunner
from project_nodes import where

p = pipeline([node(where, "a", "b", name="where")]).unwrap()
catalog = DataCatalog({"a": MemoryDataset(data=1)})
assert ParallelRunner(max_workers=1).run(p, catalog).unwrap()
seen = catalog.load("b").unwrap()
print(seen["imported_by"] != seen["runs_in"])
"""


def test_the_fork_server_preloads_modules_from_a_path_added_at_run_time(tmp_path: Path) -> None:
    """The node's module is imported once, in the fork server, not by the worker running it."""
    (tmp_path / "project_nodes.py").write_text(textwrap.dedent(PROJECT_MODULE))
    env = {**os.environ, "KEDRO_MP_CONTEXT": "forkserver"}

    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
