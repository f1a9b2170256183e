"""The checks a pipeline build makes, each returning Kedro's error as a value or ``None``:
repeated node names, inconsistent transcoding, outputs or confirms named twice, a cycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core._graph import GraphIndex
from core.errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    OutputNotUniqueError,
    PipelineError,
    PipelineErrorReason,
)
from core.graph_order import find_cycle
from core.node import Node
from core.transcoding import strip_transcoding

__all__ = ["cycle_error", "duplicate_names", "not_unique", "transcoding_problem"]


def duplicate_names(
    flat: Sequence[Node], sources: Sequence[tuple[object | None, Sequence[Node]]]
) -> PipelineError | None:
    if len({n.name for n in flat}) == len(flat):
        return None
    # Rare path: attribute each repeated name to where it was seen again, as Kedro reports.
    seen: set[str] = set()
    again: dict[int, tuple[str, set[str]]] = {}
    order: list[int] = []
    for origin, members in _in_given_order(flat, sources):
        for n in members:
            if n.name in seen:
                key = id(origin)
                if key not in again:
                    label = "Free nodes" if origin is None else repr(origin).replace("\n", "")
                    again[key] = (label, set())
                    order.append(key)
                again[key][1].add(n.name)
            else:
                seen.add(n.name)
    info = "".join(
        f"{again[k][0]}:\n" + "\n".join(f"  - {name}" for name in sorted(again[k][1])) + "\n"
        for k in order
    )
    names = tuple(sorted(set().union(*(again[k][1] for k in order))))
    return PipelineError(
        PipelineErrorReason.DUPLICATE_NODE_NAMES,
        "Pipeline nodes must have unique names. The following node names appear more than "
        f"once:\n\n{info}\nYou can name your nodes using the last argument of 'node()'.",
        names=names,
    )


def _in_given_order(
    flat: Sequence[Node], sources: Sequence[tuple[object | None, Sequence[Node]]]
) -> list[tuple[object | None, Sequence[Node]]]:
    # ``sources`` groups loose nodes first; rebuild the order in which items were given so
    # that "seen again" is decided exactly as a single pass over the items would.
    if len(sources) <= 1:
        return list(sources)
    position = {id(n): i for i, n in enumerate(flat)}
    pieces: list[tuple[int, object | None, Sequence[Node]]] = []
    for origin, members in sources:
        if origin is None:
            pieces.extend((position[id(n)], None, [n]) for n in members)
        elif members:
            pieces.append((position[id(members[0])], origin, members))
    pieces.sort(key=lambda piece: piece[0])
    return [(origin, members) for _, origin, members in pieces]


def transcoding_problem(names: set[str]) -> PipelineError | None:
    bare_and_transcoded = sorted(
        {base for base in (strip_transcoding(n) for n in names if "@" in n) if base in names}
    )
    if not bare_and_transcoded:
        return None
    return PipelineError(
        PipelineErrorReason.TRANSCODING_INCONSISTENT,
        "The following datasets are used with transcoding, but were referenced without the "
        f"separator: {', '.join(bare_and_transcoded)}.\n"
        "Please specify a transcoding option or rename the datasets.",
        names=tuple(bare_and_transcoded),
    )


def not_unique(
    flat: Sequence[Node], field: str, *, produced: Mapping[str, str] | None = None, extra: Sequence[Node] = ()
) -> PipelineError | None:
    """Kedro's error when an output (or a confirmed dataset) is named by two nodes, else
    ``None``. With ``produced`` (the base outputs of a valid pipeline that ``extra`` joins),
    only ``extra``'s outputs are counted."""
    repeated: list[str]
    if field == "outputs" and produced is not None:
        seen: set[str] = set()
        clash: set[str] = set()
        for n in extra:
            for out in n.output_bases:
                if out in produced or out in seen:
                    clash.add(out)
                seen.add(out)
        repeated = sorted(clash)
    else:
        counts: dict[str, int] = {}
        for n in flat:
            for name in n.output_bases if field == "outputs" else n.confirms:
                stripped = strip_transcoding(name)
                counts[stripped] = counts.get(stripped, 0) + 1
        repeated = sorted(name for name, count in counts.items() if count > 1)
    if not repeated:
        return None
    if field == "outputs":
        return OutputNotUniqueError(
            f"Output(s) {repeated} are returned by more than one nodes. Node outputs must be unique.",
            names=tuple(repeated),
        )
    return ConfirmNotUniqueError(
        f"{repeated} datasets are confirmed by more than one node. Node confirms must be unique.",
        names=tuple(repeated),
    )


def cycle_error(index: GraphIndex) -> CircularDependencyError:
    """Kedro's error naming the cycle it would report in ``index`` (which has one)."""
    cycle = find_cycle(index)
    # Kedro prints the list of nodes itself: reprs, not quoted strings.
    shown = "[" + ", ".join(repr(index.by_name[name]) for name in cycle) + "]"
    return CircularDependencyError(
        f"Circular dependencies exist among the following {len(cycle)} item(s): {shown}",
        names=tuple(sorted(cycle)),
    )
