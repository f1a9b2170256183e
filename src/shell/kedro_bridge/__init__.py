"""Running an unmodified Kedro 1.x project: Kedro's objects become kedro-pure's values at the edge.

Kedro is an optional companion. Nothing here imports it: each function looks in
``sys.modules`` for the Kedro modules the *project* imported, so a project written for
kedro-pure never pays for Kedro, and one written for Kedro finds it already loaded.

* :mod:`shell.kedro_bridge.pipelines` turns ``kedro.pipeline`` nodes and pipelines into
  :class:`core.node.Node` and :class:`core.pipeline.Pipeline` values at the registry boundary;
  the engine, scheduler, catalog and session stay kedro-pure's.
* :mod:`shell.kedro_bridge.project` gives ``kedro.framework.project`` the package name and the
  requested pipelines before ``register_pipelines()`` runs, so an unmodified registry calling
  Kedro's ``find_pipelines`` works, and imports only the requested pipelines' modules.
"""

from shell.kedro_bridge.pipelines import from_kedro_pipeline, from_kedro_registry, is_kedro_pipeline
from shell.kedro_bridge.project import configure_kedro_project

__all__ = ["configure_kedro_project", "from_kedro_pipeline", "from_kedro_registry", "is_kedro_pipeline"]
