"""Checks on one node's datasets: Kedro's shape errors and its dotted-name warning."""

from __future__ import annotations

from core.node_view import NodeView

__all__ = ["DOTTED_NAME_WARNING", "dotted_dataset_names", "shape_problem"]


def shape_problem(n: NodeView) -> str | None:
    """Kedro's message when ``n`` repeats an output or reads what it writes, else ``None``."""
    outs = n.output_bases
    if len(outs) == 1 and outs[0] not in n.input_bases:
        return None  # the usual node: nothing to count
    counts: dict[str, int] = {}
    for out in n.outputs:
        counts[out] = counts.get(out, 0) + 1
    duplicated = {o for o, c in counts.items() if c > 1}
    if duplicated:
        return (
            f"Failed to create node {n} due to duplicate output(s) {duplicated}.\n"
            "Node outputs must be unique."
        )
    common = set(n.input_bases) & set(n.output_bases)
    if common:
        return (
            f"Failed to create node {n}.\nA node cannot have the same inputs and outputs even "
            f"if they are transcoded: {common}"
        )
    return None


#: Kedro's warning (once per process) for dataset names holding dots outside a namespace.
DOTTED_NAME_WARNING = (
    "One or more dataset names contain '.' characters, which is not recommended as the dot "
    "notation is reserved for automatic namespacing in Kedro. Consider using a different "
    "naming convention."
)


def dotted_dataset_names(n: NodeView) -> tuple[str, ...]:
    """The dataset names of ``n`` that Kedro warns about: a ``.`` outside ``params:``, where
    the part before the last dot does not start with the node's top-level namespace."""
    top = n.namespace.split(".")[0] if n.namespace else None
    found: list[str] = []
    for name in (*n.inputs, *n.outputs):
        if "." not in name or name.startswith("params:"):
            continue
        if top is None or not name.rsplit(".", 1)[0].startswith(top):
            found.append(name)
    return tuple(found)
