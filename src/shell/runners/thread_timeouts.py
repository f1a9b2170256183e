"""Giving up on a ``ThreadRunner`` node that runs past its time limit inside a C call.

The time limit itself raises in the node's thread (:mod:`shell.runners.timeouts`), which
stops a node running Python code. A node blocked inside one C call (``time.sleep``, a socket
read or ``select`` without a timeout, a lock or ``threading.Event().wait()``) never gets that
exception, and a thread cannot be killed. So the thread runner's driver also watches the
clock (:class:`Watch`): a timed node still running at its limit is *abandoned*. The driver
fails it with the same ``RunError(TIMEOUT)`` and ``on_node_error`` call as a node stopped in
its thread, and the run goes on without waiting for that thread (a daemon thread, so it does
not hold up the interpreter's exit either).

An abandoned thread runs on in the process until its call returns; whatever the call then
returns or raises is dropped: the thread raises :class:`Abandoned` instead, so it saves
nothing, fires no further hook and records nothing in the finished run.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from core.node import NameForm, Node
from core.node_call import CallArguments
from shell.runners.task import NodeCall
from shell.runners.timeouts import TimeoutFor

__all__ = ["Abandoned", "Flight", "Watch"]


class Abandoned(BaseException):
    """Raised in an abandoned node's thread once its call ends: the run is over for it.

    A ``BaseException``: the task boundary (which catches ``Exception``) must let it pass.
    """


@dataclass(slots=True)
class Flight:
    """One timed node running in a worker thread."""

    node: Node
    arguments: CallArguments
    seconds: float
    deadline: float
    thread: threading.Thread
    abandoned: bool = field(default=False)

    def inputs(self) -> dict[str, object]:
        """The node's inputs by dataset name, as its function got them (for ``on_node_error``)."""
        node, arguments = self.node, self.arguments
        if node.input_form is NameForm.DICT:
            return {dataset: arguments.kwargs[param] for param, dataset in node.input_keywords}
        return dict(zip(node.inputs, arguments.args, strict=False))


class Watch:
    """The timed nodes running in one run's worker threads, and the ones given up on."""

    def __init__(self, inner: NodeCall, timeout_for: TimeoutFor) -> None:
        self._inner = inner
        self._timeout_for = timeout_for
        self._lock = threading.Lock()
        self._flights: dict[str, Flight] = {}
        #: threads whose node was abandoned: the run does not wait for them
        self.abandoned: set[threading.Thread] = set()

    def call(self, node: Node, arguments: CallArguments) -> object:
        """The call strategy: ``inner``, with the node in flight while it runs.

        Raises:
            Abandoned: the driver gave up on this node while it ran (nothing it returned counts).
        """
        seconds = self._timeout_for(node)
        if seconds is None:
            return self._inner(node, arguments)
        flight = Flight(node, arguments, seconds, time.monotonic() + seconds, threading.current_thread())
        with self._lock:
            self._flights[node.name] = flight
        try:
            returned = self._inner(node, arguments)
        except BaseException:
            self._land(flight)
            raise
        self._land(flight)
        return returned

    def _land(self, flight: Flight) -> None:
        with self._lock:
            if flight.abandoned:  # overdue() already took it off the board
                raise Abandoned(flight.node.name) from None
            del self._flights[flight.node.name]

    def overdue(self) -> list[Flight]:
        """Take the flights past their deadline, marking them abandoned (a flight that
        already landed is never taken: it finishes, or fails, in its own thread)."""
        now = time.monotonic()
        with self._lock:
            late = [f for f in self._flights.values() if f.deadline <= now]
            for flight in late:
                flight.abandoned = True
                del self._flights[flight.node.name]
                self.abandoned.add(flight.thread)
        return late

    def wait_hint(self, longest: float) -> float:
        """Seconds until the next deadline, at most ``longest`` (at least a millisecond)."""
        with self._lock:
            if not self._flights:
                return longest
            nearest = min(f.deadline for f in self._flights.values())
        return min(longest, max(nearest - time.monotonic(), 0.001))
