"""kedro-pure's functional core: pure functions over immutable values, no I/O.

Everything a run decides is computed here; ``shell`` carries it out. Expected failures are
``returns.result.Result`` values carrying an error from :mod:`core.errors`.
"""

from core._version import __version__
from core.errors import (
    CircularDependencyError,
    ConfigError,
    ConfigErrorReason,
    ConfirmNotUniqueError,
    DatasetError,
    DatasetErrorReason,
    KedroContextError,
    KedroContextErrorReason,
    KedroError,
    KedroSessionError,
    OutputNotUniqueError,
    PipelineError,
    PipelineErrorReason,
    RunError,
    RunErrorReason,
    SessionErrorReason,
    StoreError,
    StoreErrorReason,
)
from core.filters import (
    FilterSpec,
    filter_pipeline,
    from_inputs,
    from_nodes,
    only_nodes,
    only_nodes_with_inputs,
    only_nodes_with_namespaces,
    only_nodes_with_outputs,
    only_nodes_with_tags,
    to_nodes,
    to_outputs,
)
from core.node import NameForm, Node, node
from core.pipeline import Pipeline, combine, pipeline
from core.pruning import NodeDecision, PruneReason, PruneReport, prune_missing_outputs
from core.resume import ResumePlan, resume_plan
from core.transcoding import strip_transcoding, transcode_split

__all__ = [
    "CircularDependencyError",
    "ConfigError",
    "ConfigErrorReason",
    "ConfirmNotUniqueError",
    "DatasetError",
    "DatasetErrorReason",
    "FilterSpec",
    "KedroContextError",
    "KedroContextErrorReason",
    "KedroError",
    "KedroSessionError",
    "NameForm",
    "Node",
    "NodeDecision",
    "OutputNotUniqueError",
    "Pipeline",
    "PipelineError",
    "PipelineErrorReason",
    "PruneReason",
    "PruneReport",
    "ResumePlan",
    "RunError",
    "RunErrorReason",
    "SessionErrorReason",
    "StoreError",
    "StoreErrorReason",
    "__version__",
    "combine",
    "filter_pipeline",
    "from_inputs",
    "from_nodes",
    "node",
    "only_nodes",
    "only_nodes_with_inputs",
    "only_nodes_with_namespaces",
    "only_nodes_with_outputs",
    "only_nodes_with_tags",
    "pipeline",
    "prune_missing_outputs",
    "resume_plan",
    "strip_transcoding",
    "to_nodes",
    "to_outputs",
    "transcode_split",
]
