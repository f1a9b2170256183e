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
* :mod:`shell.kedro_bridge.logs` drops the logging record Kedro's project module writes when
  the project imports it (kedro-pure has already logged it).

The submodules are imported by their users, not here: the logging set-up of every command
needs :mod:`shell.kedro_bridge.logs` and should not pay for the pipeline machinery.
"""
