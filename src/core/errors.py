"""The closed hierarchy of expected failures.

Every failure that is not a programming error travels as a ``Failure(error)`` value whose
error is one of the classes below. They stay ``Exception`` subclasses (so the shell can raise
them for callers who want exceptions, with a traceback), but unlike plain exceptions they have
*value equality*: two errors are equal when they have the same class, the same ``reason`` and
the same message. ``Failure(e1) == Failure(e2)`` therefore holds when both mean the same thing,
which is what tests and callers compare.

The set of classes is closed: callers ``match`` on the subclass or on ``error.reason``.

    KedroError
    ├── PipelineError                 node / pipeline construction, remapping, filtering
    │   ├── CircularDependencyError
    │   ├── OutputNotUniqueError
    │   └── ConfirmNotUniqueError
    ├── KedroSessionError             session lifecycle (second run, run after close, ...)
    ├── DatasetError                  dataset and catalog configuration, load / save / exists
    ├── ConfigError                   configuration files and settings
    ├── KedroContextError             the context (catalog class, invalid configuration)
    ├── RunError                      a run that failed (node failure, unsatisfied inputs, ...)
    └── StoreError                    the session store (corrupt, locked, ...)
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any, ClassVar

__all__ = [
    "CheckFailure",
    "CircularDependencyError",
    "ConfigError",
    "ConfigErrorReason",
    "ConfirmNotUniqueError",
    "DataValidationError",
    "DatasetError",
    "DatasetErrorReason",
    "KedroContextError",
    "KedroContextErrorReason",
    "KedroError",
    "KedroSessionError",
    "OutputNotUniqueError",
    "PipelineError",
    "PipelineErrorReason",
    "RunError",
    "RunErrorReason",
    "SessionErrorReason",
    "StoreError",
    "StoreErrorReason",
]


def _rebuild(cls: type[KedroError], args: tuple[object, ...], state: dict[str, Any]) -> KedroError:
    # Exceptions pickle through ``cls(*args)``, which breaks for keyword-only fields; rebuild
    # without calling ``__init__`` so errors can cross process boundaries (ParallelRunner).
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class KedroError(Exception):
    """Base of every expected failure; compares by class, reason and message."""

    reason: enum.Enum

    def __init__(self, reason: enum.Enum, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def message(self) -> str:
        """The human-readable message (Kedro's text where Kedro has one)."""
        return str(self.args[0]) if self.args else ""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KedroError):
            return NotImplemented
        return type(other) is type(self) and (self.reason, self.args) == (other.reason, other.args)

    def __hash__(self) -> int:
        return hash((type(self), self.reason, self.args))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason.name}, {self.message!r})"

    def __reduce__(self) -> tuple[Callable[..., KedroError], tuple[object, ...]]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class PipelineErrorReason(enum.Enum):
    """Why building, remapping or filtering a pipeline failed."""

    #: two nodes share a name
    DUPLICATE_NODE_NAMES = "duplicate_node_names"
    #: ``a@x`` and bare ``a`` are both used
    TRANSCODING_INCONSISTENT = "transcoding_inconsistent"
    #: the dependency graph has a cycle
    CIRCULAR = "circular"
    #: two nodes produce the same (transcoding-stripped) dataset
    OUTPUT_NOT_UNIQUE = "output_not_unique"
    #: two nodes confirm the same dataset
    CONFIRM_NOT_UNIQUE = "confirm_not_unique"
    #: ``nodes`` was None
    NODES_MISSING = "nodes_missing"
    #: a remapped input, output or parameter does not exist in the pipeline
    MAPPING_UNKNOWN = "mapping_unknown"
    #: a parameter was given in ``inputs`` instead of ``parameters``
    MAPPING_PARAMETER_AS_INPUT = "mapping_parameter_as_input"
    #: a remapped input is produced inside the pipeline
    MAPPING_INPUT_NOT_FREE = "mapping_input_not_free"
    #: a remapped output is not produced inside the pipeline
    MAPPING_OUTPUT_NOT_PRODUCED = "mapping_output_not_produced"
    #: a mapping makes a node invalid (an output renamed onto its input, two outputs onto one)
    MAPPING_INVALID_NODE = "mapping_invalid_node"
    #: a filter named nodes the pipeline does not contain
    UNKNOWN_NODES = "unknown_nodes"
    #: a filter named datasets the pipeline does not contain
    UNKNOWN_DATASETS = "unknown_datasets"
    #: a filter named namespaces the pipeline does not contain
    UNKNOWN_NAMESPACES = "unknown_namespaces"
    #: the filters selected no node at all
    EMPTY_AFTER_FILTER = "empty_after_filter"
    #: ``group_nodes_by`` was asked for a strategy it does not have
    UNSUPPORTED_GROUP_BY = "unsupported_group_by"


class PipelineError(KedroError):
    """A pipeline could not be built, remapped or filtered.

    ``names`` holds the offending node, dataset or namespace names (sorted) and
    ``suggestions`` the close matches offered in the message, so callers need not parse text.
    """

    reason: PipelineErrorReason

    def __init__(
        self,
        reason: PipelineErrorReason,
        message: str,
        *,
        names: tuple[str, ...] = (),
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(reason, message)
        self.names = names
        self.suggestions = suggestions


class CircularDependencyError(PipelineError):
    """The pipeline's dependency graph has a cycle; ``names`` are the nodes on one cycle."""

    def __init__(self, message: str, *, names: tuple[str, ...] = ()) -> None:
        super().__init__(PipelineErrorReason.CIRCULAR, message, names=names)


class OutputNotUniqueError(PipelineError):
    """Several nodes produce the same dataset; ``names`` are those datasets."""

    def __init__(self, message: str, *, names: tuple[str, ...] = ()) -> None:
        super().__init__(PipelineErrorReason.OUTPUT_NOT_UNIQUE, message, names=names)


class ConfirmNotUniqueError(PipelineError):
    """Several nodes confirm the same dataset; ``names`` are those datasets."""

    def __init__(self, message: str, *, names: tuple[str, ...] = ()) -> None:
        super().__init__(PipelineErrorReason.CONFIRM_NOT_UNIQUE, message, names=names)


class SessionErrorReason(enum.Enum):
    """Why the session refused a transition."""

    #: a run already completed successfully in this session (Kedro's one-run rule)
    ALREADY_RAN = "already_ran"
    #: a run is in progress in this session
    RUN_IN_PROGRESS = "run_in_progress"
    #: the session was closed (a deliberate addition to Kedro, which has no such check)
    CLOSED = "closed"
    #: the project, settings or pipeline registry could not be used
    PROJECT = "project"
    #: the requested pipeline is not registered
    UNKNOWN_PIPELINE = "unknown_pipeline"


class KedroSessionError(KedroError):
    """The session refused an operation."""

    reason: SessionErrorReason
    KEDRO_ALREADY_RAN_MESSAGE: ClassVar[str] = (
        "A run has already been completed as part of the active KedroSession. "
        "KedroSession has a 1-1 mapping with runs, and thus only one run should be "
        "executed per session."
    )

    def __init__(self, reason: SessionErrorReason, message: str, *, session_id: str = "") -> None:
        super().__init__(reason, message)
        self.session_id = session_id


class DatasetErrorReason(enum.Enum):
    """Why a dataset or catalog operation failed."""

    LOAD = "load"
    SAVE = "save"
    EXISTS = "exists"
    RELEASE = "release"
    #: the catalog or dataset configuration is invalid (unknown type, bad arguments, ...)
    CONFIG = "config"
    #: a dataset factory pattern is malformed, or there is more than one catch-all
    PATTERN = "pattern"
    #: a credentials key does not exist
    CREDENTIALS = "credentials"
    #: the name is not in the catalog
    NOT_FOUND = "not_found"
    #: no version (or not the pinned one) exists
    VERSION_NOT_FOUND = "version_not_found"
    #: the save version already exists
    VERSION_EXISTS = "version_exists"
    #: the dataset cannot be used across processes
    NOT_SHAREABLE = "not_shareable"
    #: the data failed the dataset's declared validator (:class:`DataValidationError`)
    VALIDATION = "validation"


class DatasetError(KedroError):
    """A dataset or the catalog failed; ``dataset`` names the entry at fault."""

    reason: DatasetErrorReason

    def __init__(self, reason: DatasetErrorReason, message: str, *, dataset: str = "") -> None:
        super().__init__(reason, message)
        self.dataset = dataset


@dataclasses.dataclass(frozen=True)
class CheckFailure:
    """One failed check of a dataset validator (Kedro 1.7's ``CheckFailure``).

    Attributes:
        message: what failed.
        check: the check's name, if the validator names it.
        column: the column it applies to, if any.
        failure_count: how many values failed it.
        failure_examples: a few of the failing values.
    """

    message: str
    check: str | None = None
    column: str | None = None
    failure_count: int = 1
    failure_examples: tuple[object, ...] = ()


class DataValidationError(DatasetError):
    """Data failed its dataset's validator: ``dataset``, ``mode`` (``load``/``save``/``api``),
    ``validator`` (the declared class path) and every failed check in ``failures``."""

    def __init__(
        self,
        message: str,
        *,
        dataset: str = "",
        mode: str = "",
        validator: str = "",
        failures: tuple[CheckFailure, ...] = (),
    ) -> None:
        super().__init__(DatasetErrorReason.VALIDATION, message, dataset=dataset)
        self.mode = mode
        self.validator = validator
        self.failures = failures


class ConfigErrorReason(enum.Enum):
    """Why configuration could not be loaded."""

    #: a YAML file does not parse
    SYNTAX = "syntax"
    #: the same top-level key appears twice within one environment
    DUPLICATE_KEY = "duplicate_key"
    #: the configuration source or an environment directory does not exist
    MISSING = "missing"
    #: an interpolation could not be resolved
    INTERPOLATION = "interpolation"
    #: a value has the wrong shape
    INVALID = "invalid"
    #: ``settings.py`` could not be imported or validated
    SETTINGS = "settings"
    #: the loader has no config patterns for the requested key (Kedro raises ``KeyError``)
    UNKNOWN_KEY = "unknown_key"
    #: typed parameters (pydantic/dataclass annotations) do not validate
    PARAMETERS = "parameters"


class ConfigError(KedroError):
    """Configuration could not be loaded; ``path`` names the file or directory at fault."""

    reason: ConfigErrorReason

    def __init__(self, reason: ConfigErrorReason, message: str, *, path: str = "") -> None:
        super().__init__(reason, message)
        self.path = path


class KedroContextErrorReason(enum.Enum):
    """Why the context could not be built."""

    CATALOG_CLASS = "catalog_class"
    INVALID_CONFIG = "invalid_config"


class KedroContextError(KedroError):
    """The context could not build its catalog or read its configuration."""

    reason: KedroContextErrorReason


class RunErrorReason(enum.Enum):
    """Why a run failed."""

    #: a free input of the pipeline is not in the catalog
    UNSATISFIED_INPUTS = "unsatisfied_inputs"
    #: a node raised, or returned outputs that do not match its declaration
    NODE_FAILED = "node_failed"
    #: a worker process died while running a node
    WORKER_DIED = "worker_died"
    #: a node ran past its time limit (``--node-timeout`` or a ``timeout:`` tag) and was stopped
    TIMEOUT = "timeout"
    #: nodes or datasets cannot cross process boundaries
    NOT_SERIALISABLE = "not_serialisable"
    #: the run was interrupted (Ctrl-C)
    INTERRUPTED = "interrupted"
    #: the runner was configured wrongly (e.g. ``max_workers <= 0``)
    INVALID_RUNNER = "invalid_runner"
    #: a dataset load or save failed
    DATASET = "dataset"
    #: a hook raised
    HOOK = "hook"
    #: ``--resume`` found no run to resume, or the project changed so its outputs are stale
    RESUME_REFUSED = "resume_refused"
    #: a node's ``preview_fn`` returned something that is not a preview payload
    INVALID_PREVIEW = "invalid_preview"


class RunError(KedroError):
    """A run failed.

    ``node`` names the failing node (empty when no node is at fault), ``cause`` keeps the
    original exception, ``completed`` the nodes that finished before the failure, and
    ``resume`` the core's resume plan (see ``core.resume``). Under ``keep_going``,
    ``failures`` holds every node failure of the run (this error describes the first).
    Equality, as for every error, is by class, reason and message.
    """

    reason: RunErrorReason

    def __init__(
        self,
        reason: RunErrorReason,
        message: str,
        *,
        node: str = "",
        cause: BaseException | None = None,
        completed: tuple[str, ...] = (),
        resume: object | None = None,
        failures: tuple[RunError, ...] = (),
    ) -> None:
        super().__init__(reason, message)
        self.node = node
        self.cause = cause
        self.completed = completed
        self.resume = resume
        self.failures = failures


class StoreErrorReason(enum.Enum):
    """Why the session store failed."""

    #: the file is not a readable SQLite database, or a stored value does not decode
    CORRUPT = "corrupt"
    #: another process kept the database locked past the busy timeout
    LOCKED = "locked"
    #: the file or its directory could not be opened, created or written
    IO = "io"
    #: the database was written by a newer schema version than this code knows
    SCHEMA = "schema"
    #: no stored session or run has the requested id
    NOT_FOUND = "not_found"
    #: another process already recorded a session with this id (ids must be unique)
    DUPLICATE = "duplicate"


class StoreError(KedroError):
    """The session store could not be read or written; ``path`` names the store."""

    reason: StoreErrorReason

    def __init__(self, reason: StoreErrorReason, message: str, *, path: str = "") -> None:
        super().__init__(reason, message)
        self.path = path
