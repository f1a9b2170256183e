"""Reliability under crashes, interrupts and many writers, measured with real processes.

Usage::

    .venv/bin/python benchmarks/bench_reliability.py            # the default counts
    .venv/bin/python benchmarks/bench_reliability.py --quick    # fewer kills, for a smoke run

Prints one figure per guarantee (each "must be 0" figure is a count of failures):

* kills mid-save, per dataset type: a process saves a large value in a loop and is killed
  with SIGKILL at a random moment; the file must then load as a complete value (corrupt or
  lost datasets: 0);
* stray temporaries after sweeping: the litter those kills left, after one more save (0);
* orphans: ``kedro-pure run --runner ParallelRunner`` killed with SIGKILL while a node runs;
  processes of its tree still alive 10 s later (0);
* stale ``running`` records after reopen: the runs those kills left, after the store is
  opened again (0);
* duplicate session ids across 32 processes drawing ids at once (0);
* store records lost with 8, 32 and 64 concurrent writer processes (0), with the p50/p99
  latency of one write (session save, run start, run end) and the CPU time they used;
* interrupts: ``ParallelRunner`` runs sent SIGINT at a random moment of their first 1.5 s;
  runs whose exit code and store record disagree (0), and, for the runs still going when
  the signal was sent, the time from the signal to the exit;
* hanging nodes: ``kedro-pure run --node-timeout 1`` with a node sleeping 60 s, under each
  runner; runs not stopped with ``RunError(TIMEOUT)`` (0) and
  processes of the run (workers, a Dask cluster) still alive after it ended (0);
* secrets found: a planted credential searched in the output of every listing command, a
  run's output, the store and the data folder (0).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.cli_projects import KEDRO_PURE, cli_env, kedro_pure, write_cli_project
from tests.unit.process_table import descendants, is_alive

from core.temporaries import SUFFIX
from shell.api import to_result
from shell.io.json_dataset import JSONDataset
from shell.io.pickle_dataset import PickleDataset
from shell.io.text_dataset import TextDataset
from shell.io.timestamp import generate_id
from shell.store import RunOutcome, SQLiteStore, list_sessions

_spawn = multiprocessing.get_context("spawn")

#: Each dataset type with a builder of a large value to save.
DATASETS: dict[str, tuple[Any, Callable[[int], object]]] = {
    "pickle": (PickleDataset, lambda n: {"rows": list(range(n))}),
    "json": (JSONDataset, lambda n: {"rows": list(range(n))}),
    "text": (TextDataset, lambda n: "x" * (8 * n)),
}


def _save_loop(kind: str, path: str, size: int, ready: Connection) -> None:
    cls, make = DATASETS[kind]
    dataset = cls(filepath=path)
    value = make(size)
    dataset.save(value)
    ready.send("saved once")
    while True:
        dataset.save(value)


def kills_mid_save(kind: str, kills: int, folder: Path) -> tuple[int, int, int]:
    """(kills, corrupt or lost, stray temporaries after one more save)."""
    cls, make = DATASETS[kind]
    path = folder / f"{kind}.dat"
    expected = make(200_000)
    corrupt = 0
    for _ in range(kills):
        parent_end, child_end = _spawn.Pipe()
        writer = _spawn.Process(target=_save_loop, args=(kind, str(path), 200_000, child_end))
        writer.start()
        parent_end.recv()
        time.sleep(random.uniform(0.0, 0.3))
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        try:
            if cls(filepath=str(path)).load() != expected:
                corrupt += 1
        except Exception:  # any failure to load is a corrupt dataset here
            corrupt += 1
    cls(filepath=str(path)).save(expected)
    stray = sum(1 for p in folder.iterdir() if p.name.endswith(SUFFIX))
    return kills, corrupt, stray


def killed_runs(kills: int, folder: Path) -> tuple[int, int, int]:
    """(kills, orphans 10 s after the kills, stale running records after reopening)."""
    root = write_cli_project(folder / "proj")
    orphans = 0
    for attempt in range(kills):
        marker = folder / f"sleeping-{attempt}"
        proc = subprocess.Popen(
            [KEDRO_PURE, "run", "--runner", "ParallelRunner", "--pipelines", "prep,report"],
            cwd=root,
            env=cli_env({"KP_SLEEP_MARKER": str(marker)}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        below = descendants(proc.pid)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 10
        while any(is_alive(p) for p in below) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans += sum(1 for p in below if is_alive(p))
    SQLiteStore.open(str(root / "sessions"), generate_id())  # reopening marks the dead runs
    sessions = to_result(list_sessions(root / "sessions")).unwrap()
    stale = sum(1 for s in sessions for r in s.runs if r.outcome is RunOutcome.RUNNING)
    return kills, orphans, stale


def interrupted_runs(count: int, folder: Path) -> tuple[int, int, int, float, float]:
    """``ParallelRunner`` runs sent SIGINT (to the process group, as a terminal's Ctrl-C
    does) at a random moment of their first 1.5 s. (runs, runs still going when the signal was
    sent, runs whose exit code and store record disagree, median and slowest seconds from the
    signal to the exit of the runs it reached)."""
    root = write_cli_project(folder / "sigint-proj")
    store = root / "sessions"
    waits: list[float] = []
    inconsistent = 0
    for _ in range(count):
        before = len(to_result(list_sessions(store)).unwrap()) if store.exists() else 0
        proc = subprocess.Popen(
            [KEDRO_PURE, "run", "--runner", "ParallelRunner", "--pipelines", "prep,scaling,modelling"],
            cwd=root,
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(random.uniform(0.0, 1.5))
        sent = time.monotonic()
        reached = proc.poll() is None
        if reached:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if reached:  # a run already over says nothing of how fast a signal ends one
            waits.append(time.monotonic() - sent)
        sessions = to_result(list_sessions(store)).unwrap()
        outcomes = [r.outcome for r in sessions[-1].runs] if len(sessions) > before else []
        expected: dict[int, list[list[RunOutcome]]] = {
            0: [[RunOutcome.SUCCESS]],
            130: [[], [RunOutcome.INTERRUPTED]],
            -signal.SIGINT: [[]],  # before any kedro-pure code ran (Python's own handling)
            1: [[]],  # the same, while Python imported ``site``
        }
        if outcomes not in expected.get(proc.returncode, []):
            inconsistent += 1
    return count, len(waits), inconsistent, statistics.median(waits or [0.0]), max(waits or [0.0])


#: Every runner: a node sleeping in ``time.sleep`` is stopped, or (``ThreadRunner``) abandoned.
TIMED_RUNNERS = ("SequentialRunner", "ThreadRunner", "ParallelRunner", "DaskRunner")


def hanging_nodes(folder: Path) -> list[tuple[str, bool, int, float]]:
    """Per runner: ``kedro-pure run --node-timeout 1`` with a node sleeping 60 s. (runner,
    whether the run ended with exit 5 and the time-limit error, processes of the run still
    alive 5 s after it ended, wall seconds from the node's start to the run's end)."""
    root = write_cli_project(folder / "timeout-proj")
    rows = []
    for runner in TIMED_RUNNERS:
        marker = folder / f"napping-{runner}"
        proc = subprocess.Popen(
            [KEDRO_PURE, "run", "--runner", runner, "--pipelines", "prep,report", "--node-timeout", "1"],
            cwd=root,
            env=cli_env({"KP_SLEEP_MARKER": str(marker)}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        napping = time.monotonic()
        below = descendants(proc.pid)
        try:
            _, err = proc.communicate(timeout=50)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        took = time.monotonic() - napping
        stopped = proc.returncode == 5 and "did not finish within its time limit of 1 s" in err
        deadline = time.monotonic() + 5
        while any(is_alive(p) for p in below) and time.monotonic() < deadline:
            time.sleep(0.05)
        rows.append((runner, stopped, sum(1 for p in below if is_alive(p)), took))
    return rows


def _draw_ids(count: int, start: float) -> list[str]:
    while time.time() < start:
        pass
    return [generate_id() for _ in range(count)]


def duplicate_ids(processes: int, each: int) -> tuple[int, int]:
    """(ids drawn, duplicates)."""
    start = time.time() + 2.0  # all processes draw in the same milliseconds
    with _spawn.Pool(processes) as pool:
        batches = pool.starmap(_draw_ids, [(each, start)] * processes)
    drawn = [i for batch in batches for i in batch]
    return len(drawn), len(drawn) - len(set(drawn))


def _write_sessions(path: str, writer: int, sessions: int, start: float) -> tuple[list[float], float]:
    while time.time() < start:
        time.sleep(0.001)
    cpu = time.process_time()
    latencies: list[float] = []
    for index in range(sessions):
        session_id = f"w{writer}-s{index}"
        began = time.perf_counter()
        store = SQLiteStore(path, session_id)
        store["writer"] = writer
        store.save()
        latencies.append(time.perf_counter() - began)
        began = time.perf_counter()
        key = to_result(store.record_run_started(session_id, {})).unwrap()
        latencies.append(time.perf_counter() - began)
        began = time.perf_counter()
        to_result(store.record_run_finished(key, RunOutcome.SUCCESS)).unwrap()
        latencies.append(time.perf_counter() - began)
    return latencies, time.process_time() - cpu


def store_contention(writers: int, sessions: int, folder: Path) -> tuple[int, float, float, float]:
    """(records lost, p50 ms, p99 ms, CPU s of the writers)."""
    path = str(folder / f"store-{writers}")
    start = time.time() + 1.0 + writers * 0.05  # every writer imported and waiting
    with _spawn.Pool(writers) as pool:
        results = pool.starmap(_write_sessions, [(path, w, sessions, start) for w in range(writers)])
    latencies = sorted(x for lat, _ in results for x in lat)
    stored = to_result(list_sessions(path)).unwrap()
    complete = sum(1 for s in stored if [r.outcome for r in s.runs] == [RunOutcome.SUCCESS])
    lost = writers * sessions - complete
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return lost, statistics.median(latencies) * 1000, p99 * 1000, sum(c for _, c in results)


def secrets_found(folder: Path) -> tuple[int, int]:
    """(places searched, places where the planted secret was found)."""
    secret = f"PLANTED{uuid.uuid4().hex.upper()}"
    credentials = f"db:\n  password: {secret}\n  con: postgresql://u:{secret}@h/db?token={secret}\n"
    root = write_cli_project(folder / "secret-proj", conf={"local/credentials.yml": credentials})
    calls = [
        ("catalog", "list"), ("catalog", "resolve", "--json"), ("-v", "catalog", "resolve"),
        ("catalog", "describe-datasets"), ("catalog", "resolve-patterns"),
        ("registry", "list"), ("-v", "plan"), ("-v", "run", "--pipelines", "prep"),
        ("run", "--nodes", "nope", "--json"), ("sessions", "list", "--json"),
    ]
    texts = []
    for call in calls:
        done = kedro_pure(*call, cwd=root)
        texts += [done.stdout, done.stderr]
    for where in ("sessions", "data"):
        for path in (root / where).rglob("*"):
            if path.is_file():
                texts.append(path.read_bytes().decode("utf-8", "replace"))
    return len(texts), sum(1 for text in texts if secret in text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer kills and writers")
    args = parser.parse_args()
    kills = 10 if args.quick else 50
    run_kills = 5 if args.quick else 20
    writer_counts = (8, 32) if args.quick else (8, 32, 64)
    sessions = 10 if args.quick else 25
    random.seed(13)
    with tempfile.TemporaryDirectory(prefix="kp-bench-reliability-") as temp:
        folder = Path(temp)
        print(f"{'figure':<58} {'value':>14}  must be")
        for kind in DATASETS:
            started = time.perf_counter()
            done, corrupt, stray = kills_mid_save(kind, kills, folder)
            took = time.perf_counter() - started
            print(f"{f'kills mid-save ({kind}, {took:.0f} s)':<58} {done:>14}")
            print(f"{f'  corrupt or lost {kind} datasets':<58} {corrupt:>14}  0")
            print(f"{f'  stray temporaries after sweeping ({kind})':<58} {stray:>14}  0")
        done, orphans, stale = killed_runs(run_kills, folder)
        print(f"{'ParallelRunner runs killed with SIGKILL':<58} {done:>14}")
        print(f"{'  orphan processes 10 s later':<58} {orphans:>14}  0")
        print(f"{'  stale running records after reopen':<58} {stale:>14}  0")
        runs, reached, inconsistent, median_wait, slowest = interrupted_runs(run_kills, folder)
        print(f"{'ParallelRunner runs sent SIGINT at a random moment':<58} {runs:>14}")
        print(f"{'  of which still running when it was sent':<58} {reached:>14}")
        print(f"{'  exit code and store record disagree':<58} {inconsistent:>14}  0")
        print(f"{'  signal to exit of those, median / slowest (s)':<58} {f'{median_wait:.2f} / {slowest:.2f}':>14}")
        for runner, stopped, left, took in hanging_nodes(folder):
            label = f"{runner} --node-timeout 1, 60 s node: not stopped"
            print(f"{label:<58} {int(not stopped):>14}  0")
            print(f"{f'  processes left (run ended {took:.1f} s after node start)':<58} {left:>14}  0")
        drawn, duplicates = duplicate_ids(32, 200)
        print(f"{'session ids drawn by 32 processes at once':<58} {drawn:>14}")
        print(f"{'  duplicate ids':<58} {duplicates:>14}  0")
        for writers in writer_counts:
            lost, p50, p99, cpu = store_contention(writers, sessions, folder)
            label = f"{writers} writers x {sessions} sessions: records lost"
            print(f"{label:<58} {lost:>14}  0")
            print(f"{'  write latency p50 / p99 (ms), writers CPU (s)':<58} {f'{p50:.1f} / {p99:.1f}':>14}  cpu {cpu:.1f}")
        searched, found = secrets_found(folder)
        print(f"{'planted secret: outputs and files searched':<58} {searched:>14}")
        print(f"{'  secrets found':<58} {found:>14}  0")


if __name__ == "__main__":
    main()
