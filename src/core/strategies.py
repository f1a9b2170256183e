"""Public Hypothesis strategies for kedro-pure values: a testing API for downstream suites.

Import this module explicitly (``from core import strategies``); ``core`` itself never
imports Hypothesis. Installing kedro-pure registers :mod:`core._hypothesis_hook` as a
Hypothesis entry point, so ``st.from_type(Node)``, ``st.from_type(Pipeline)`` and
``st.from_type(SessionState)`` use the strategies below.

House rules (Hypothesis's API style): every function returns a ``SearchStrategy``, options are
keyword-only, sizes are ``min_size``/``max_size``, and bad arguments raise
``hypothesis.errors.InvalidArgument`` when a value is drawn, not when the strategy is made.

What is generated
-----------------

:func:`pipelines` builds *valid* pipelines by construction: nodes are drawn in a hidden
topological order and may only read datasets produced by earlier nodes, free inputs
(``raw0``, ``raw1@csv`` ...) or parameters (``params:alpha``, ``parameters``), so the graph is
acyclic and outputs are unique. The nodes then get declared in a shuffled order. The values
exercise every declaration form Kedro accepts (``None``, a string, a list, a dict, and the
empty ``[]``/``{}``), tags, namespaces (nested ones such as ``a.b`` and ones sharing a
prefix), explicit, dotted and generated node names, transcoding (a base is either always
transcoded, ``d3@pandas`` written and ``d3@spark`` read, or never), dotted dataset names,
nodes without inputs or without outputs, and a final ``pipeline(..., namespace=..., tags=...)``
wrapping.

Every node runs a :class:`SyntheticFunction`: a picklable callable that accepts whatever its
node declares and returns the declared output shape, with values derived deterministically
from its inputs and its label. Runners (sequential, threads, processes) and Kedro 1.7 therefore
produce identical, comparable outputs for the same free inputs.

Invalid inputs have their own, clearly named strategy: :func:`cyclic_pipelines`.

Re-exported from the areas that own them: :func:`session_states` (session lifecycle),
:func:`catalog_snapshots`, :func:`completion_orders` and :class:`DatasetKind` (run planning).
"""


from __future__ import annotations

from core._filter_strategies import filter_specs
from core._node_strategies import node_lists, nodes
from core._pipeline_strategies import cyclic_pipelines, pipelines
from core._run_strategies import DatasetKind, catalog_snapshots, completion_orders
from core._session_strategies import session_states
from core._synthetic import SyntheticFunction, SyntheticPairFunction

__all__ = [
    "DatasetKind",
    "SyntheticFunction",
    "SyntheticPairFunction",
    "catalog_snapshots",
    "completion_orders",
    "cyclic_pipelines",
    "filter_specs",
    "node_lists",
    "nodes",
    "pipelines",
    "session_states",
]


# -- st.from_type support ---------------------------------------------------------------


def _hypothesis_setup_hook() -> None:
    """Kept for callers of the old entry point; see :mod:`core._hypothesis_hook`."""
    from core._hypothesis_hook import _hypothesis_setup_hook as register

    register()
