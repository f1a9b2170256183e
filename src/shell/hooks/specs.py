"""The hook specifications: Kedro 1.7's hook names and argument names, grouped as Kedro groups them.

Every hook is called with keyword arguments only, and an implementation may accept any subset of
a spec's arguments. Only ``before_node_run`` returns something used by the caller (a dict of
replacement inputs, see :mod:`core.hook_merge`); the others return ``None``.

The bodies are empty: pluggy reads only the names and the argument names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from shell.hooks.markers import hook_spec

if TYPE_CHECKING:
    from core.node import Node
    from core.pipeline import Pipeline

__all__ = [
    "ALL_SPECS",
    "DataCatalogSpecs",
    "DatasetSpecs",
    "KedroContextSpecs",
    "NodeSpecs",
    "PipelineSpecs",
]


class DataCatalogSpecs:
    """Hooks around building the data catalog."""

    @hook_spec
    def after_catalog_created(
        self,
        catalog: object,
        conf_catalog: Mapping[str, object],
        conf_creds: Mapping[str, object],
        parameters: Mapping[str, object],
        save_version: str,
        load_versions: Mapping[str, str],
    ) -> None:
        """Called after every catalog build, with what it was built from.

        Args:
            catalog: The catalog just built.
            conf_catalog: The catalog configuration.
            conf_creds: The credentials configuration.
            parameters: The parameters added to the catalog.
            save_version: The version every versioned dataset saves under.
            load_versions: Pinned load versions by dataset name.
        """


class NodeSpecs:
    """Hooks around running one node."""

    @hook_spec
    def before_node_run(
        self,
        node: Node,
        catalog: object,
        inputs: Mapping[str, object],
        is_async: bool,
        run_id: str,
    ) -> Mapping[str, object] | None:
        """Called once a node's inputs are loaded, before the node runs.

        Args:
            node: The node about to run.
            catalog: The run's catalog.
            inputs: A shallow copy of the loaded inputs by dataset name.
            is_async: Whether inputs are loaded and outputs saved asynchronously.
            run_id: The run's id (the session id).

        Returns:
            ``None``, or a dict of dataset names to values that replace the loaded inputs.
        """

    @hook_spec
    def after_node_run(
        self,
        node: Node,
        catalog: object,
        inputs: Mapping[str, object],
        outputs: Mapping[str, object],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called after a node ran successfully, before its outputs are saved.

        Args:
            node: The node that ran.
            catalog: The run's catalog.
            inputs: The inputs the node received (after hook replacements).
            outputs: The node's outputs by dataset name.
            is_async: Whether the runner is asynchronous.
            run_id: The run's id.
        """

    @hook_spec
    def on_node_error(
        self,
        error: BaseException,
        node: Node,
        catalog: object,
        inputs: Mapping[str, object],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called when a node's function raised (not for load or save failures).

        Args:
            error: The exception the node raised.
            node: The failing node.
            catalog: The run's catalog.
            inputs: The inputs the node received.
            is_async: Whether the runner is asynchronous.
            run_id: The run's id.
        """


class PipelineSpecs:
    """Hooks around a whole run."""

    @hook_spec
    def before_pipeline_run(
        self, run_params: Mapping[str, object], pipeline: Pipeline, catalog: object
    ) -> None:
        """Called before the runner starts.

        Args:
            run_params: The run record (run id, project path, filters, runner, ...).
            pipeline: The pipeline after the session's filters.
            catalog: The run's catalog.
        """

    @hook_spec
    def after_pipeline_run(
        self,
        run_params: Mapping[str, object],
        run_result: Mapping[str, object],
        pipeline: Pipeline,
        catalog: object,
    ) -> None:
        """Called after the runner finished successfully.

        Args:
            run_params: The run record.
            run_result: The free outputs of the run by dataset name.
            pipeline: The pipeline after the session's filters.
            catalog: The run's catalog.
        """

    @hook_spec
    def on_pipeline_error(
        self,
        error: BaseException,
        run_params: Mapping[str, object],
        pipeline: Pipeline,
        catalog: object,
    ) -> None:
        """Called when the runner failed.

        Args:
            error: What the run failed with.
            run_params: The run record.
            pipeline: The pipeline after the session's filters.
            catalog: The run's catalog.
        """


class DatasetSpecs:
    """Hooks around each dataset load and save a runner performs."""

    @hook_spec
    def before_dataset_loaded(self, dataset_name: str, node: Node) -> None:
        """Called before a node's input is loaded.

        Args:
            dataset_name: The dataset about to be loaded.
            node: The node that needs it.
        """

    @hook_spec
    def after_dataset_loaded(self, dataset_name: str, data: object, node: Node) -> None:
        """Called after a node's input was loaded.

        Args:
            dataset_name: The dataset loaded.
            data: The loaded value.
            node: The node that needs it.
        """

    @hook_spec
    def before_dataset_saved(self, dataset_name: str, data: object, node: Node) -> None:
        """Called before a node's output (or one chunk of a generator output) is saved.

        Args:
            dataset_name: The dataset about to be saved.
            data: The value to save.
            node: The node that produced it.
        """

    @hook_spec
    def after_dataset_saved(self, dataset_name: str, data: object, node: Node) -> None:
        """Called after a node's output (or one chunk) was saved.

        Args:
            dataset_name: The dataset saved.
            data: The value saved.
            node: The node that produced it.
        """


class KedroContextSpecs:
    """Hooks around building the context."""

    @hook_spec
    def after_context_created(self, context: object) -> None:
        """Called after every context build.

        Args:
            context: The context just built.
        """


#: Every specification group, in the order the manager registers them (Kedro's order).
ALL_SPECS: tuple[type, ...] = (
    NodeSpecs,
    PipelineSpecs,
    DataCatalogSpecs,
    DatasetSpecs,
    KedroContextSpecs,
)
