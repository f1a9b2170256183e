"""Real servers for the service-mode tests and benchmark: a project, a process, a client.

:func:`write_service_project` writes a ten-node project over runtime parameters, in either
flavour (kedro-pure's or Kedro 1.7.0's registry), through :mod:`tests.unit.project_factory`:

==========  ==============================  ==========  =====================================
node        inputs                          output      notes
==========  ==============================  ==========  =====================================
``n1``      ``params:x``, ``params:k``      ``a``       ``x * k``
``n2``      ``a``, ``params:offset``        ``b``
``n3``      ``b``, ``params:k``             ``c``
``n4``      ``c``, ``a``                    ``d``       ``d`` is a JSON file named by ``tag``
``n5``      ``d``, ``params:fail``          ``e``       raises ``ValueError`` when ``fail``
``n6``      ``e``, ``params:sleep``         ``f``       sleeps ``sleep`` seconds
``n7-n10``  the previous, ``params:offset`` ``g``-``j``  ``j`` is the free output
==========  ==============================  ==========  =====================================

:class:`ServerProcess` starts ``kedro-pure server start --port 0`` (or ``kedro server start``)
as a real process bound to 127.0.0.1, reads the address it listens on, and always ends it in
``stop()`` (SIGTERM, then SIGKILL after a bound), so no test leaves a server behind.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from tests.unit.project_factory import Flavour, NodeSpec, ProjectSpec, unique_package, write_project

__all__ = [
    "KEDRO",
    "KEDRO_PURE",
    "ServerProcess",
    "expected_d",
    "expected_j",
    "free_port",
    "write_service_project",
]

KEDRO_PURE = str(Path(sys.executable).with_name("kedro-pure"))
KEDRO = str(Path(sys.executable).with_name("kedro"))

#: Bound on a server's start-up and on its shutdown.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 60.0

FUNCTIONS = """
import time


def scale(x, k):
    return x * k


def add(a, b):
    return a + b


def check(x, fail):
    if fail:
        raise ValueError(f"refused {x}")
    return x


def nap(x, seconds):
    time.sleep(seconds)
    return x
"""

NODES = (
    NodeSpec("scale", ["params:x", "params:k"], "a", "n1"),
    NodeSpec("add", ["a", "params:offset"], "b", "n2"),
    NodeSpec("scale", ["b", "params:k"], "c", "n3"),
    NodeSpec("add", ["c", "a"], "d", "n4"),
    NodeSpec("check", ["d", "params:fail"], "e", "n5"),
    NodeSpec("nap", ["e", "params:sleep"], "f", "n6"),
    NodeSpec("add", ["f", "params:offset"], "g", "n7"),
    NodeSpec("add", ["g", "params:offset"], "h", "n8"),
    NodeSpec("add", ["h", "params:offset"], "i", "n9"),
    NodeSpec("add", ["i", "params:offset"], "j", "n10"),
)

CONF = {
    "base/parameters.yml": """\
        x: 1
        k: 2
        offset: 3
        fail: false
        sleep: 0
        """,
    "base/catalog.yml": """\
        d:
          type: json.JSONDataset
          filepath: data/d_${runtime_params:tag, shared}.json
        """,
    "local/credentials.yml": """\
        db:
          password: s3cr3t-planted-value
        """,
}


def write_service_project(
    root: Path, flavour: Flavour = "pure", *, settings: str = "", memory_only: bool = False
) -> Path:
    """The ten-node project at ``root`` (see the module docstring); ``memory_only`` leaves
    ``d`` in memory too (no file, for the benchmark's trivial nodes)."""
    conf = dict(CONF)
    if memory_only:
        conf["base/catalog.yml"] = "{}\n"
    spec = ProjectSpec(
        package=unique_package("served"),
        functions=FUNCTIONS,
        nodes=NODES,
        pipelines={"head": ("n1", "n2", "n3", "n4")},
        conf=conf,
        settings=settings,
        hooks=False,
    )
    written = write_project(root, spec, flavour)
    (written / "data").mkdir()
    return written


def _merged(params: Mapping[str, object]) -> tuple[int, int, int]:
    merged: dict[str, object] = {"x": 1, "k": 2, "offset": 3, **params}
    x, k, offset = (int(str(merged[key])) for key in ("x", "k", "offset"))
    return x, k, offset


def expected_d(params: Mapping[str, object]) -> int:
    """The dataset ``d`` (node ``n4``) for runtime ``params`` over the project's defaults."""
    x, k, offset = _merged(params)
    return (x * k + offset) * k + x * k


def expected_j(params: Mapping[str, object]) -> int:
    """The free output ``j`` for runtime ``params`` over the project's defaults."""
    return expected_d(params) + 4 * _merged(params)[2]


def free_port() -> int:
    """A port nothing listens on now (for servers that cannot report the one they chose)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_ADDRESS = re.compile(r"http://(127\.0\.0\.1):(\d+)")


class ServerProcess:
    """A server process on 127.0.0.1; use as a context manager, or call :meth:`stop`.

    Args:
        root: The project.
        kind: ``"pure"`` (``kedro-pure server start``) or ``"kedro"`` (``kedro server start``).
        args: Extra options for ``start``.
        env: Extra environment variables.
    """

    def __init__(
        self,
        root: Path,
        kind: Flavour = "pure",
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        if kind == "pure":
            command = [KEDRO_PURE, "-P", str(root), "server", "start", "--port", "0", *args]
        else:
            command = [KEDRO, "server", "start", "--port", str(free_port()), *args]
        self.process = subprocess.Popen(
            command,
            cwd=root,
            env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,  # nothing may wait for an answer (telemetry consent)
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        found = threading.Event()
        self.url = ""

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                match = _ADDRESS.search(line)
                if match and not self.url:
                    self.url = f"http://{match.group(1)}:{match.group(2)}"
                    found.set()
            found.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not found.wait(START_TIMEOUT) or not self.url:
            self.stop()
            raise RuntimeError("The server did not start:\n" + "".join(self.output))
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        import httpx

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("The server never became healthy:\n" + "".join(self.output))

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the server."""
        self.process.send_signal(sig)

    def wait(self, timeout: float = STOP_TIMEOUT) -> int:
        """Wait for the process to end; its exit code."""
        return self.process.wait(timeout)

    def stop(self) -> int:
        """SIGTERM, then SIGKILL if it has not ended within the bound; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
