"""The scheduler's state: node and run statuses, the plan computed once from a pipeline, and
the owned handle on the mutable bookkeeping (see :mod:`core.scheduler` for the theory and
the transitions)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import final

from core.pipeline import Pipeline

__all__ = [
    "COMPLETED",
    "FAILED",
    "PENDING",
    "READY",
    "STATUS",
    "SUBMITTED",
    "Board",
    "NodeStatus",
    "Plan",
    "Progress",
    "Scheduler",
    "SchedulerMisuseError",
    "board_of",
    "moved",
    "plan_of",
    "position_of",
    "refusal",
]


class SchedulerMisuseError(RuntimeError):
    """A runner broke the scheduler's protocol (a bug, never an expected failure)."""


class NodeStatus(enum.Enum):
    """Where one node is in the run."""

    #: some parent has not completed yet
    PENDING = "pending"
    #: every parent completed; not handed to a worker yet
    READY = "ready"
    #: handed to a worker, not finished
    SUBMITTED = "submitted"
    #: ran successfully
    COMPLETED = "completed"
    #: raised (or its outputs were rejected)
    FAILED = "failed"


class Progress(enum.Enum):
    """Where the whole run is."""

    #: no failure; some node is ready or in flight
    RUNNING = "running"
    #: a node failed; nothing new is handed out while nodes still in flight finish
    DRAINING = "draining"
    #: every node completed
    SUCCEEDED = "succeeded"
    #: a node failed and nothing is in flight any more
    FAILED = "failed"
    #: no failure, nothing ready or in flight, yet nodes are left (Kedro's "Unable to schedule
    #: new tasks"; unreachable for a valid pipeline, kept so runners can report it)
    STUCK = "stuck"


# Node statuses as small ints in a bytearray: the hot loop compares bytes, not enum members.
PENDING, READY, SUBMITTED, COMPLETED, FAILED = 0, 1, 2, 3, 4
STATUS = (
    NodeStatus.PENDING,
    NodeStatus.READY,
    NodeStatus.SUBMITTED,
    NodeStatus.COMPLETED,
    NodeStatus.FAILED,
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What the scheduler needs to know about a pipeline, computed once in O(N + E).

    A node is identified by its position in ``pipeline.nodes``.
    """

    names: tuple[str, ...]
    position: Mapping[str, int]
    parent_counts: tuple[int, ...]
    #: children of each node, by ascending position
    children: tuple[tuple[int, ...], ...]
    inputs: tuple[tuple[str, ...], ...]
    outputs: tuple[tuple[str, ...], ...]
    #: raw dataset name -> how many times nodes read it (Kedro's ``load_counts``)
    load_counts: Mapping[str, int]
    retained: frozenset[str]


def plan_of(pipeline: Pipeline, retained: frozenset[str]) -> Plan:
    nodes = pipeline.nodes
    graph = pipeline.graph
    ids = graph.ids
    parent_ids = graph.parent_ids
    position = {n.name: i for i, n in enumerate(nodes)}
    # graph id (construction order) -> position in ``pipeline.nodes`` (execution order)
    at: list[int] = [0] * len(nodes)
    node_ids = [ids[n.name] for n in nodes]
    for i, graph_id in enumerate(node_ids):
        at[graph_id] = i
    children: list[list[int]] = [[] for _ in nodes]
    loads: dict[str, int] = {}
    for i, n in enumerate(nodes):
        # Visiting children in position order appends them already sorted.
        for p in parent_ids[node_ids[i]]:
            children[at[p]].append(i)
        for name in n.inputs:
            loads[name] = loads.get(name, 0) + 1
    # Lists inside ``tuple()``, not generator expressions: a run builds this once, per node.
    return Plan(
        names=tuple(position),
        position=MappingProxyType(position),
        parent_counts=tuple([len(parent_ids[g]) for g in node_ids]),
        children=tuple([tuple(c) for c in children]),
        inputs=tuple([n.inputs for n in nodes]),
        outputs=tuple([n.outputs for n in nodes]),
        load_counts=MappingProxyType(loads),
        retained=retained,
    )


class Board:
    """The mutable bookkeeping behind one live :class:`Scheduler` handle."""

    __slots__ = ("completed", "cursor", "failed", "in_flight", "loads", "plan", "ready", "status", "waiting")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        status = self.status = bytearray(len(plan.names))
        self.waiting = list(plan.parent_counts)
        # Insertion-ordered set of READY positions (dict keys: O(1) add and remove).
        ready: dict[int, None] = {i: None for i, count in enumerate(plan.parent_counts) if count == 0}
        self.ready = ready
        for i in ready:
            status[i] = READY
        self.loads = dict(plan.load_counts)
        #: every position before it is SUBMITTED, COMPLETED or FAILED (never READY/PENDING)
        self.cursor = 0
        self.in_flight = 0
        self.completed = 0
        self.failed = 0


@final
class Scheduler:
    """An owned handle on a run's scheduling state (see the module docstring).

    Build one with :func:`start`; move it on with the transition functions, always keeping
    only the handle they return.
    """

    __slots__ = ("_board",)

    def __init__(self, board: Board) -> None:
        self._board: Board | None = board

    def __repr__(self) -> str:
        board = self._board
        if board is None:
            return "Scheduler(<spent>)"
        return (
            f"Scheduler(nodes={len(board.plan.names)}, completed={board.completed}, "
            f"in_flight={board.in_flight}, ready={len(board.ready)}, failed={board.failed})"
        )


def board_of(s: Scheduler) -> Board:
    board = s._board
    if board is None:
        raise SchedulerMisuseError(
            "This Scheduler was consumed by an earlier transition; use the value it returned."
        )
    return board


def moved(s: Scheduler, board: Board) -> Scheduler:
    s._board = None
    return Scheduler(board)


def position_of(board: Board, name: str) -> int:
    position = board.plan.position.get(name)
    if position is None:
        raise SchedulerMisuseError(f"The pipeline being run has no node named {name!r}.")
    return position


def refusal(board: Board, position: int, event: str) -> SchedulerMisuseError:
    status = STATUS[board.status[position]]
    return SchedulerMisuseError(
        f"Cannot mark node {board.plan.names[position]!r} {event}: it is {status.value}."
    )
