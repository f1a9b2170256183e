"""The run scheduler: one state machine that every runner drives.

Theory of operation
-------------------
A run starts from a pipeline (:func:`start`). Each node moves through::

    PENDING --(last parent completed)--> READY --mark_submitted--> SUBMITTED
    SUBMITTED --mark_completed--> COMPLETED
    SUBMITTED --mark_failed-----> FAILED

A runner asks which nodes are ready (:func:`ready`, or :func:`next_ready` for a sequential
loop, which then takes nodes in Kedro's ``pipeline.nodes`` order), hands them to workers,
and reports each completion or failure. :func:`mark_completed` also answers which datasets
may now be released, by Kedro's rule: a dataset is released when its load count (the number
of times it is still to be read, by raw name) drops below one, unless it is *retained* (a
free input or free output of the pipeline, which Kedro never releases). After a failure
nothing more is handed out (Kedro submits no new task once a node fails); nodes already in
flight may still complete or fail. :func:`progress` says whether the run is going on,
draining after a failure, finished, failed, or stuck.

Ownership
---------
Kedro recomputes the pipeline's free inputs and outputs after every node, which makes its
bookkeeping quadratic. Here every event costs O(1) amortised (plus O(children + inputs +
outputs) of the node concerned), so a whole run is O(N + E). Copy-on-write maps would cost
O(N) per event and persistent maps O(log N) with a large constant, so the state is instead an
**owned** value: a :class:`Scheduler` is a handle on mutable bookkeeping that exactly one
handle may use. Every transition *consumes* the handle it is given and returns a new one; the
consumed handle is spent, and using it again raises :class:`SchedulerMisuseError`. Code that
follows the rule ``s = mark_completed(s, name)[0]`` therefore sees value semantics: no state
it can still reach ever changes under it. A refused transition raises before consuming
anything, so the handle stays usable. Misuse (completing a node that was never submitted,
reusing a spent handle) is a bug in a runner, not an expected outcome, so it raises instead
of returning a ``Result``. Runners with worker threads or processes keep the handle in the
coordinating thread and report events there.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.pipeline import Pipeline
from core.scheduler_state import (
    COMPLETED,
    FAILED,
    READY,
    STATUS,
    SUBMITTED,
    Board,
    NodeStatus,
    Progress,
    Scheduler,
    SchedulerMisuseError,
    board_of,
    moved,
    plan_of,
    position_of,
    refusal,
)

__all__ = [
    "NodeStatus",
    "Progress",
    "ScheduleView",
    "Scheduler",
    "SchedulerMisuseError",
    "is_done",
    "is_stuck",
    "mark_completed",
    "mark_failed",
    "mark_submitted",
    "next_ready",
    "progress",
    "ready",
    "start",
    "status_of",
    "take_ready",
    "view",
]


# -- construction -------------------------------------------------------------------------


def start(pipeline: Pipeline, *, retained: frozenset[str] | None = None) -> Scheduler:
    """A fresh run of ``pipeline``: parentless nodes are ready, nothing has run.

    Args:
        pipeline: the pipeline to run (after any filtering or pruning).
        retained: dataset names that must never be released; defaults to Kedro's choice,
            the pipeline's free inputs and free outputs.

    Returns:
        The owned scheduler for the run.
    """
    kept = pipeline.inputs() | pipeline.outputs() if retained is None else retained
    return Scheduler(Board(plan_of(pipeline, kept)))


# -- queries (do not consume the handle) ---------------------------------------------------


def ready(s: Scheduler) -> tuple[str, ...]:
    """The ready nodes not handed out yet, in ``pipeline.nodes`` order; ``()`` after a failure.

    Costs O(r log r) for r ready nodes (a C-level sort of positions that mostly arrive
    already in order).
    """
    board = board_of(s)
    if board.failed or not board.ready:
        return ()
    names = board.plan.names
    return tuple(names[i] for i in sorted(board.ready))


def next_ready(s: Scheduler) -> str | None:
    """The first ready node in ``pipeline.nodes`` order, or ``None`` (also after a failure).

    A loop that runs each node it takes to completion before taking the next therefore runs
    the nodes exactly in Kedro's sequential order, at O(1) amortised per call.
    """
    board = board_of(s)
    if board.failed:
        return None
    status = board.status
    total = len(status)
    cursor = board.cursor
    while cursor < total and status[cursor] >= SUBMITTED:
        cursor += 1
    # Advancing the cursor changes no observable answer: it only skips settled nodes.
    board.cursor = cursor
    if cursor < total and status[cursor] == READY:
        return board.plan.names[cursor]
    if not board.ready:
        return None
    # Only reached when something is in flight: a concurrent runner asking for one node.
    return board.plan.names[min(board.ready)]


def status_of(s: Scheduler, node_name: str) -> NodeStatus:
    """Where ``node_name`` is in the run."""
    board = board_of(s)
    return STATUS[board.status[position_of(board, node_name)]]


def progress(s: Scheduler) -> Progress:
    """Where the whole run is (O(1))."""
    board = board_of(s)
    if board.failed:
        return Progress.DRAINING if board.in_flight else Progress.FAILED
    if board.completed == len(board.status):
        return Progress.SUCCEEDED
    if board.ready or board.in_flight:
        return Progress.RUNNING
    return Progress.STUCK


def is_done(s: Scheduler) -> bool:
    """Whether nothing more will happen: succeeded, failed (nothing in flight) or stuck."""
    return progress(s) in (Progress.SUCCEEDED, Progress.FAILED, Progress.STUCK)


def is_stuck(s: Scheduler) -> bool:
    """Whether nodes are left but none can ever be handed out, with no failure to blame."""
    return progress(s) is Progress.STUCK


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A frozen summary of a run, every tuple in ``pipeline.nodes`` order (O(N) to build).

    ``ready`` lists the nodes whose parents all completed and that were not handed out, even
    after a failure (when :func:`ready` no longer offers them). ``completed`` is what a failed
    run hands to :func:`core.resume.resume_plan`.
    """

    progress: Progress
    pending: tuple[str, ...]
    ready: tuple[str, ...]
    in_flight: tuple[str, ...]
    completed: tuple[str, ...]
    failed: tuple[str, ...]


def view(s: Scheduler) -> ScheduleView:
    """The names in each status, for reports and error messages."""
    board = board_of(s)
    groups: tuple[list[str], ...] = ([], [], [], [], [])
    for name, code in zip(board.plan.names, board.status, strict=True):
        groups[code].append(name)
    pending, ready_now, in_flight, completed, failed = (tuple(g) for g in groups)
    return ScheduleView(progress(s), pending, ready_now, in_flight, completed, failed)


# -- transitions (consume the handle) --------------------------------------------------------


def mark_submitted(s: Scheduler, node_name: str) -> Scheduler:
    """Record that a ready node was handed to a worker.

    Raises:
        SchedulerMisuseError: the node is not ready, a node already failed, or ``s`` is spent.
    """
    # The hot path inlines _board/_position/_move: a run makes three calls per node.
    board = s._board
    i = None if board is None else board.plan.position.get(node_name)
    if board is None or i is None or board.failed or board.status[i] != READY:
        board = board_of(s)
        i = position_of(board, node_name)
        if board.failed:
            raise SchedulerMisuseError(
                f"Cannot submit node {node_name!r}: the run already has a failed node."
            )
        raise refusal(board, i, "submitted")
    board.status[i] = SUBMITTED
    del board.ready[i]
    board.in_flight += 1
    s._board = None
    return Scheduler(board)


def take_ready(s: Scheduler) -> tuple[Scheduler, tuple[str, ...]]:
    """Submit every ready node at once (what executor runners do); ``()`` after a failure.

    Returns:
        The new scheduler and the submitted names, in ``pipeline.nodes`` order.
    """
    board = board_of(s)
    if board.failed or not board.ready:
        return moved(s, board), ()
    positions = sorted(board.ready)
    board.ready.clear()
    status = board.status
    for i in positions:
        status[i] = SUBMITTED
    board.in_flight += len(positions)
    names = board.plan.names
    return moved(s, board), tuple(names[i] for i in positions)


def mark_completed(s: Scheduler, node_name: str) -> tuple[Scheduler, tuple[str, ...]]:
    """Record a successful node and say which datasets may be released now.

    Kedro's rule: after a node, each of its inputs whose load count drops below one, and each
    of its outputs nobody reads, is released unless it is retained. Each dataset is
    therefore released exactly once, right after its last reader (or its producer) finishes.

    Returns:
        The new scheduler and the releasable dataset names (the node's inputs in declaration
        order, then its outputs).

    Raises:
        SchedulerMisuseError: the node was not submitted, or ``s`` is spent.
    """
    board = s._board
    i = None if board is None else board.plan.position.get(node_name)
    if board is None or i is None or board.status[i] != SUBMITTED:
        board = board_of(s)
        raise refusal(board, position_of(board, node_name), "completed")
    status = board.status
    plan = board.plan
    status[i] = COMPLETED
    board.in_flight -= 1
    board.completed += 1
    waiting = board.waiting
    ready_set = board.ready
    for child in plan.children[i]:
        left = waiting[child] - 1
        waiting[child] = left
        if left == 0:
            status[child] = READY
            ready_set[child] = None
    loads = board.loads
    retained = plan.retained
    released: list[str] = []
    for name in plan.inputs[i]:
        left = loads[name] - 1
        loads[name] = left
        # Exactly zero, not "below one": a name read twice by one node reaches zero once.
        if left == 0 and name not in retained:
            released.append(name)
    for name in plan.outputs[i]:
        if name not in loads and name not in retained:
            released.append(name)
    s._board = None
    return Scheduler(board), tuple(released)


def mark_failed(s: Scheduler, node_name: str) -> Scheduler:
    """Record that a submitted node failed; from now on nothing new is handed out.

    Raises:
        SchedulerMisuseError: the node was not submitted, or ``s`` is spent.
    """
    board = board_of(s)
    i = position_of(board, node_name)
    if board.status[i] != SUBMITTED:
        raise refusal(board, i, "failed")
    board.status[i] = FAILED
    board.in_flight -= 1
    board.failed += 1
    return moved(s, board)
