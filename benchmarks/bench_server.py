"""Service mode: ``POST /run`` throughput, latency and memory, kedro-pure vs Kedro 1.7.0.

Usage::

    .venv/bin/python benchmarks/bench_server.py
    .venv/bin/python benchmarks/bench_server.py --requests 400 --memory-runs 1000

Three real servers on 127.0.0.1, measured one at a time (each started, warmed up with
``--warmup`` runs, measured, stopped), on the same ten-node project of trivial nodes over
runtime parameters and memory datasets (``tests/unit/server_harness.py``, memory-only):

* **floor**: uvicorn + FastAPI with a ``POST /run`` that validates the body and calls the ten
  node functions in order into a dict: the HTTP stack with no framework at all;
* **kedro-pure**: ``kedro-pure server start --workers-max 4`` (``--workers``);
* **Kedro 1.7.0**: ``kedro server start`` (its default logging, as a user runs it).

For 1 and 8 concurrent clients (httpx, keep-alive, one thread each) the script sends
``--requests`` runs, each with its own runtime parameters, and prints requests per second,
p50/p99 latency, and the server process's CPU time per request (user + system, so a loaded
machine still gives usable ratios). Ratios are kedro-pure's throughput over Kedro's.

Memory: the resident set of the kedro-pure server after 10 runs and after ``--memory-runs``
runs (sequential client); the growth should stay within 10%.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.server_harness import ServerProcess, free_port, write_service_project

TIMEOUT = 60.0
_QUIET_KEDRO = {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}

FLOOR_APP = '''
"""The floor: the same ten trivial nodes behind FastAPI, with no framework."""
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

app = FastAPI()


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    params: dict[str, Any] | None = None


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "healthy"}


@app.post("/run")
def run(body: Body) -> dict[str, Any]:
    p = {"x": 1, "k": 2, "offset": 3, "fail": False, "sleep": 0, **(body.params or {})}
    data = {}
    data["a"] = p["x"] * p["k"]
    data["b"] = data["a"] + p["offset"]
    data["c"] = data["b"] * p["k"]
    data["d"] = data["c"] + data["a"]
    data["e"] = data["d"]
    data["f"] = data["e"]
    data["g"] = data["f"] + p["offset"]
    data["h"] = data["g"] + p["offset"]
    data["i"] = data["h"] + p["offset"]
    data["j"] = data["i"] + p["offset"]
    return {"status": "success", "outputs": {"j": data["j"]}}
'''


@dataclass(frozen=True)
class Measured:
    """One server at one concurrency."""

    server: str
    clients: int
    per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float


class _FloorServer:
    """The floor app under uvicorn, on a free port of 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        (folder / "floor_app.py").write_text(textwrap.dedent(FLOOR_APP))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "floor_app:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the floor server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(TIMEOUT)


def _cpu_seconds(pid: int) -> float:
    process = psutil.Process(pid)
    total = 0.0
    for member in (process, *process.children(recursive=True)):
        times = member.cpu_times()
        total += float(times.user) + float(times.system)
    return total


def _load(url: str, clients: int, requests: int, offset: int) -> tuple[list[float], float]:
    """``requests`` runs over ``clients`` threads; each run's latency, and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(1, requests // clients)

    def client(number: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
            for index in range(per_client):
                params = {"x": offset + number * per_client + index, "k": 1 + index % 3}
                began = time.perf_counter()
                response = http.post("/run", json={"params": params})
                mine.append(time.perf_counter() - began)
                if response.status_code != 200 or response.json()["status"] != "success":
                    raise RuntimeError(f"run failed: {response.text}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - began


def _measure(name: str, url: str, pid: int, args: argparse.Namespace) -> list[Measured]:
    _load(url, 1, args.warmup, offset=10_000)
    rows: list[Measured] = []
    for clients in (1, 8):
        cpu_before = _cpu_seconds(pid)
        latencies, wall = _load(url, clients, args.requests, offset=clients * 100_000)
        cpu = _cpu_seconds(pid) - cpu_before
        ordered = sorted(latencies)
        rows.append(
            Measured(
                server=name,
                clients=clients,
                per_second=len(latencies) / wall,
                p50_ms=statistics.median(ordered) * 1e3,
                p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3,
                cpu_ms_per_request=cpu / len(latencies) * 1e3,
            )
        )
    return rows


def _memory(url: str, pid: int, runs: int) -> tuple[float, float]:
    """RSS (MiB) of the server after 10 runs and after ``runs`` runs."""
    with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
        def run(index: int) -> None:
            http.post("/run", json={"params": {"x": index}}).raise_for_status()

        for index in range(10):
            run(index)
        after_ten = float(psutil.Process(pid).memory_info().rss) / 2**20
        for index in range(10, runs):
            run(index)
        after_all = float(psutil.Process(pid).memory_info().rss) / 2**20
    return after_ten, after_all


def _with_server(start: Callable[[], ServerProcess], work: Callable[[ServerProcess], object]) -> object:
    server = start()
    try:
        return work(server)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="runs per concurrency level")
    parser.add_argument("--warmup", type=int, default=20, help="runs before measuring")
    parser.add_argument("--memory-runs", type=int, default=1000, help="runs for the memory check (0: skip)")
    parser.add_argument("--workers", type=int, default=4, help="kedro-pure's --workers-max")
    parser.add_argument("--skip-kedro", action="store_true", help="measure kedro-pure and the floor only")
    args = parser.parse_args()

    rows: list[Measured] = []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        floor = _FloorServer(root)
        try:
            rows += _measure("floor (FastAPI + 10 calls)", floor.url, floor.process.pid, args)
        finally:
            floor.stop()

        ours_project = write_service_project(root / "ours", "pure", memory_only=True)
        ours = ServerProcess(ours_project, args=["--workers-max", str(args.workers), "--queue-max", "8"])
        try:
            rows += _measure("kedro-pure", ours.url, ours.process.pid, args)
            memory = _memory(ours.url, ours.process.pid, args.memory_runs) if args.memory_runs else None
        finally:
            ours.stop()

        if not args.skip_kedro:
            kedros_project = write_service_project(root / "kedros", "kedro", memory_only=True)
            kedros = ServerProcess(kedros_project, "kedro", env={**os.environ, **_QUIET_KEDRO})
            try:
                rows += _measure("Kedro 1.7.0", kedros.url, kedros.process.pid, args)
            finally:
                kedros.stop()

    print("\n### POST /run, ten trivial nodes (medians of each request's latency)\n")
    print("| server | clients | runs/s | p50 | p99 | server CPU / run |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row.server} | {row.clients} | {row.per_second:,.1f} | {row.p50_ms:.1f} ms | "
              f"{row.p99_ms:.1f} ms | {row.cpu_ms_per_request:.1f} ms |")
    by_key = {(row.server, row.clients): row for row in rows}
    for clients in (1, 8):
        ours_row, kedros_row = by_key.get(("kedro-pure", clients)), by_key.get(("Kedro 1.7.0", clients))
        if ours_row and kedros_row:
            print(f"\n{clients} client(s): kedro-pure / Kedro throughput = "
                  f"{ours_row.per_second / kedros_row.per_second:.1f}x, CPU per run = "
                  f"{kedros_row.cpu_ms_per_request / ours_row.cpu_ms_per_request:.1f}x less")
    if memory is not None:
        ten, many = memory
        print(f"\nkedro-pure server RSS: {ten:.1f} MiB after 10 runs, {many:.1f} MiB after "
              f"{args.memory_runs} runs ({(many / ten - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
