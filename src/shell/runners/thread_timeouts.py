"""Giving up on a ``ThreadRunner`` node stuck inside its call: past its time limit, or
still running once the run was interrupted.

The time limit itself raises in the node's thread (:mod:`shell.runners.timeouts`), which
stops a node running Python code, and an interrupt (Ctrl-C, SIGTERM) reaches only the main
thread. A node blocked inside one C call (``time.sleep``, a socket read or ``select``
without a timeout, a lock or ``threading.Event().wait()``) never sees either, and a thread
cannot be killed. So the thread runner keeps every node that is inside its call on a board
(:class:`Watch`), and its driver can *abandon* one:

* a timed node still running at its limit (:meth:`Watch.overdue`): the driver fails it with
  the same ``RunError(TIMEOUT)`` and ``on_node_error`` call as a node stopped in its thread;
* every node still inside its call once an interrupted run's grace is over
  (:meth:`Watch.close`): the run stops with the interrupt, as a sequential run does.

The run goes on (or ends) without waiting for that thread, a daemon thread, so it does not
hold up the interpreter's exit either. An abandoned thread runs on in the process until its
call returns; whatever the call then returns or raises is dropped: the thread raises
:class:`Abandoned` instead, so it saves nothing, fires no further hook and records nothing.

"The call returned" and "the driver gave up" are decided by one atomic ``dict.pop`` of the
node's entry on the board: whichever side takes it first wins, the other finds it gone.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from core.node import NameForm, Node
from core.node_call import CallArguments
from shell.runners.task import NodeCall, SplitCall, call_here
from shell.runners.timeouts import TimeoutFor

__all__ = ["Abandoned", "Flight", "Watch", "Withdrawn"]


class Abandoned(BaseException):
    """Raised in an abandoned node's thread once its call ends: the run is over for it.

    A ``BaseException``: the task boundary (which catches ``Exception``) must let it pass.
    """


class Withdrawn(BaseException):
    """Raised in a worker thread instead of calling a node, because the run was interrupted
    (the worker counts the node as over itself; nothing of it is recorded)."""


@dataclass(slots=True)
class Flight:
    """One node taken off the board while inside its call in a worker thread."""

    node: Node
    arguments: CallArguments
    #: its time limit and when that runs out (both ``inf`` for a node without one)
    seconds: float
    deadline: float
    thread_id: int

    def inputs(self) -> dict[str, object]:
        """The node's inputs by dataset name, as its function got them (for ``on_node_error``)."""
        node, arguments = self.node, self.arguments
        if node.input_form is NameForm.DICT:
            return {dataset: arguments.kwargs[param] for param, dataset in node.input_keywords}
        return dict(zip(node.inputs, arguments.args, strict=False))


#: A node on the board: a plain tuple (one per node call; a record would cost more than the
#: rest of the bookkeeping), ``(node, args, kwargs, seconds, deadline, thread id)``.
_Entry = tuple[Node, tuple[object, ...], Mapping[str, object], float, float, int]


def _flight(entry: _Entry) -> Flight:
    node, args, kwargs, seconds, deadline, thread_id = entry
    return Flight(node, CallArguments(args, kwargs), seconds, deadline, thread_id)


class Watch(SplitCall):
    """The nodes inside their call in one run's worker threads, and the threads given up on."""

    def __init__(self, inner: NodeCall, timeout_for: TimeoutFor | None) -> None:
        self._inner = inner
        self._timeout_for = timeout_for
        self._board: dict[str, _Entry] = {}
        #: set by :meth:`close`: no node's call starts any more
        self._closed = False
        #: idents of the threads whose node was abandoned: the run does not wait for them
        self.abandoned: set[int] = set()

    def split_call(self, node: Node, args: tuple[object, ...], kwargs: Mapping[str, object]) -> object:
        """The call strategy: ``inner``, with the node on the board while it runs.

        Raises:
            Abandoned: the driver gave up on this node (nothing it returned counts).
            Withdrawn: the run was interrupted before the call began (it did not begin).
        """
        seconds = None if self._timeout_for is None else self._timeout_for(node)
        if seconds is None:
            entry = (node, args, kwargs, math.inf, math.inf, threading.get_ident())
        else:
            entry = (node, args, kwargs, seconds, time.monotonic() + seconds, threading.get_ident())
        board, name = self._board, node.name
        board[name] = entry
        # On the board first, then the check; close() sets the flag first, then sweeps the
        # board: either the sweep takes this entry or this thread sees the flag.
        if self._closed:
            if board.pop(name, None) is entry:
                raise Withdrawn(name)
            raise Abandoned(name)
        try:
            if self._inner is call_here:
                returned = node.func(*args, **kwargs) if kwargs else node.func(*args)
            else:
                returned = self._inner(node, CallArguments(args, kwargs))
        except BaseException:
            if board.pop(name, None) is not entry:
                raise Abandoned(name) from None
            raise
        if board.pop(name, None) is not entry:  # the driver took it off the board
            raise Abandoned(name)
        return returned

    def _take(self, entries: list[_Entry]) -> list[Flight]:
        """Take ``entries`` off the board (those still on it), marking their threads abandoned."""
        taken = [_flight(e) for e in entries if self._board.pop(e[0].name, None) is e]
        self.abandoned.update(f.thread_id for f in taken)
        return taken

    def overdue(self) -> list[Flight]:
        """Take the nodes past their deadline (one whose call already returned is never
        taken: it finishes, or fails, in its own thread)."""
        now = time.monotonic()
        return self._take([e for e in self._board.copy().values() if e[4] <= now])

    def close(self) -> list[Flight]:
        """The run was interrupted: start no further call, and take every node on the board."""
        self._closed = True
        return self._take(list(self._board.copy().values()))

    def wait_hint(self, longest: float) -> float:
        """Seconds until the next deadline, at most ``longest`` (at least a millisecond)."""
        nearest = min((e[4] for e in self._board.copy().values()), default=math.inf)
        if nearest == math.inf:
            return longest
        return min(longest, max(nearest - time.monotonic(), 0.001))
