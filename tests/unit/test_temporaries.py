"""Temporary files of atomic saves: recognisable, swept when their writer is gone (real
SIGKILL mid-save), never swept while their writer lives."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.liveness import ProcessFacts, ProcessId
from core.temporaries import SUFFIX, parse_temporary, stale, temporary_name
from shell.io.litter import sweep_directory
from shell.io.pickle_dataset import PickleDataset
from shell.processes import this_process
from tests.unit.cli_projects import kedro_pure, write_cli_project

pytestmark = pytest.mark.timeout(180)
_spawn = multiprocessing.get_context("spawn")


@given(
    st.text(st.characters(blacklist_characters="/\x00"), min_size=1, max_size=20),
    st.integers(1, 2**22),
    st.text("0123456789", max_size=12),
)
@example(base="a\nb", pid=1, start="")  # a newline in a file name
def test_names_round_trip(base: str, pid: int, start: str) -> None:
    owner = ProcessId("host-a", pid, start)
    parsed = parse_temporary(temporary_name(base, owner, "abc123"))
    assert parsed is not None
    assert (parsed.base, parsed.pid, parsed.start) == (base, pid, start)


def test_only_temporaries_of_gone_processes_of_this_host_are_stale() -> None:
    dead = temporary_name("a.csv", ProcessId("h", 10, "5"), "aa")
    reused = temporary_name("a.csv", ProcessId("h", 11, "5"), "bb")
    live = temporary_name("a.csv", ProcessId("h", 12, "5"), "cc")
    elsewhere = temporary_name("a.csv", ProcessId("other", 10, "5"), "dd")
    facts = ProcessFacts("h", {10: None, 11: "9", 12: "5"})
    names = [dead, reused, live, elsewhere, "a.csv", ".a.csv.1234.tmp"]
    assert stale(names, facts) == [dead, reused]


def _save_forever(path: str, ready: Connection) -> None:
    dataset = PickleDataset(filepath=path)
    payload = os.urandom(8_000_000)
    ready.send("go")
    while True:
        dataset.save(payload)


def test_a_save_killed_mid_write_leaves_litter_that_the_next_save_sweeps(tmp_path: Path) -> None:
    target = tmp_path / "big.pkl"
    left: list[str] = []
    for _ in range(20):  # kill until one dies mid-write (most kills do)
        parent_end, child_end = _spawn.Pipe()
        writer = _spawn.Process(target=_save_forever, args=(str(target), child_end))
        writer.start()
        parent_end.recv()
        time.sleep(0.3)
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        left = [p.name for p in tmp_path.iterdir() if p.name.endswith(SUFFIX)]
        if left:
            break
    assert left, "no kill landed mid-write in 20 tries"
    assert all(parse_temporary(name) is not None for name in left)
    PickleDataset(filepath=str(target)).save("after")
    assert [p.name for p in tmp_path.iterdir()] == ["big.pkl"]
    assert PickleDataset(filepath=str(target)).load() == "after"


def test_a_temporary_of_a_live_process_is_never_swept(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        from shell.processes import process_start

        owner = ProcessId(this_process().host, sleeper.pid, process_start(sleeper.pid) or "")
        theirs = tmp_path / temporary_name("x.pkl", owner, "11")
        mine = tmp_path / temporary_name("x.pkl", this_process(), "22")
        theirs.write_bytes(b"partial")
        mine.write_bytes(b"partial")
        assert sweep_directory(str(tmp_path)) == []
        PickleDataset(filepath=str(tmp_path / "x.pkl")).save(1)
        assert theirs.exists() and mine.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sorted(sweep_directory(str(tmp_path))) == [str(theirs)]


def test_a_run_sweeps_litter_next_to_its_datasets(tmp_path: Path) -> None:
    root = write_cli_project(tmp_path / "proj")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = ProcessId(this_process().host, gone.pid, "1")
    litter = [
        root / "data" / temporary_name("raw.pkl", dead, "aa"),
        root / "data" / "model.pkl" / "2026-01-01T00.00.00.000Z",
    ]
    litter[1].mkdir(parents=True)
    litter[1] = litter[1] / temporary_name("model.pkl", dead, "bb")
    for path in litter:
        path.write_bytes(b"half a pickle")
    # ``model`` is versioned: its litter sits in a version folder no save writes again.
    done = kedro_pure("run", "--pipelines", "prep,modelling", cwd=root)
    assert done.code == 0, done
    assert [path for path in litter if path.exists()] == []
