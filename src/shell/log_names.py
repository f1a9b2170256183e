"""The names of kedro-pure's loggers: Kedro 1.7's, so a ``logging.yml`` written for Kedro
governs kedro-pure's records the same way.

Every logger kedro-pure writes to sits under ``kedro`` and is named after the Kedro module
that emits the same record (``kedro.runner.sequential_runner``, ``kedro.pipeline.node``,
``kedro.io.data_catalog``, ...). A project's ``loggers: {kedro: {level: INFO}}`` therefore
shows them, a handler on ``kedro.io`` sees catalog records only, and an ``info.log`` written
under kedro-pure names the same loggers as Kedro's. Records Kedro has no counterpart for
go to the logger of the nearest Kedro module (the session store's to the session's).
"""

from __future__ import annotations

__all__ = [
    "CACHED_DATASET",
    "CATALOG",
    "CATALOG_CONFIG",
    "CONFIG_LOADER",
    "CONTEXT",
    "DATASET",
    "HOOKS",
    "NODE",
    "PROJECT",
    "RUNNER_DASK",
    "RUNNER_PARALLEL",
    "RUNNER_SEQUENTIAL",
    "RUNNER_THREAD",
    "SESSION",
    "STORE",
    "WARNINGS",
]

#: The project-level logger of Kedro (``kedro.framework.project``): settings, logging set-up.
PROJECT = "kedro.framework.project"
SESSION = "kedro.framework.session.session"
STORE = "kedro.framework.session.store"
CONTEXT = "kedro.framework.context.context"
PARAMETER_VALIDATION = "kedro.validation.parameter_validator"
HOOKS = "kedro.framework.hooks.manager"
CONFIG_LOADER = "kedro.config.omegaconf_config"
#: "Running node: ..." and a node's failure.
NODE = "kedro.pipeline.node"
#: "Loading data from ...", "Saving data to ...", "Replacing dataset ...".
CATALOG = "kedro.io.data_catalog"
CATALOG_CONFIG = "kedro.io.catalog_config_resolver"
#: Records of a dataset itself (``exists()`` not implemented, version warnings).
DATASET = "kedro.io.core"
CACHED_DATASET = "kedro.io.cached_dataset"
RUNNER_SEQUENTIAL = "kedro.runner.sequential_runner"
RUNNER_THREAD = "kedro.runner.thread_runner"
RUNNER_PARALLEL = "kedro.runner.parallel_runner"
#: Kedro ships no Dask runner; its documented one lives in the project, so ours takes the
#: name it would have beside the others.
RUNNER_DASK = "kedro.runner.dask_runner"
#: Where :func:`logging.captureWarnings` sends warnings.
WARNINGS = "py.warnings"
