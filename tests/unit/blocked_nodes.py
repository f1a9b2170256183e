"""Node functions that block for real inside one C call, and a hook recorder, for the
``ThreadRunner`` time-limit and interrupt tests (``test_node_timeouts_threads.py``,
``test_interrupts_threads.py``)."""

from __future__ import annotations

import select
import socket
import threading

from core.node import Node
from shell.hooks import hook_impl

#: Seconds a released node's thread may take to end; only stops a hang.
JOIN_BOUND = 30.0

#: The C calls a :class:`Blocker` can block in.
KINDS = ["recv", "select", "event", "lock"]


class Blocker:
    """A node function that blocks in one C call (``kind``, one of :data:`KINDS`) until
    :meth:`release`; then it returns its input. ``entered`` is set once the call started."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.threads: list[threading.Thread] = []
        self.entered = threading.Event()
        self.returned = threading.Event()
        self._reader, self._writer = socket.socketpair()
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._lock.acquire()

    def __call__(self, x: int) -> int:
        self.threads.append(threading.current_thread())
        self.entered.set()
        try:
            if self.kind == "recv":
                self._reader.recv(1)
            elif self.kind == "select":
                select.select([self._reader], [], [])
            elif self.kind == "event":
                self._event.wait()
            else:
                self._lock.acquire()
            return x
        finally:
            self.returned.set()

    def release(self) -> None:
        """Let every blocked call return, and wait for the node's thread to end."""
        self._writer.send(b"x")
        self._event.set()
        self._lock.release()
        for thread in self.threads:
            thread.join(JOIN_BOUND)
            assert not thread.is_alive(), f"{thread.name} still runs after its node returned"
        self._reader.close()
        self._writer.close()


class Recorder:
    """Hooks that note what the run did, by node and dataset name (errors as
    ``(node, exception type, inputs)``)."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str, dict[str, object]]] = []
        self.ran: list[str] = []
        self.saved: list[str] = []

    @hook_impl
    def on_node_error(self, error: Exception, node: Node, inputs: dict[str, object]) -> None:
        self.errors.append((node.name, type(error).__name__, dict(inputs)))

    @hook_impl
    def after_node_run(self, node: Node) -> None:
        self.ran.append(node.name)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self.saved.append(dataset_name)


def inc(x: int) -> int:
    return x + 1
