"""Observing a catalog once, before planning a run (``snapshot_catalog``).

The run planner (pure) decides which nodes to run from a
:class:`core.catalog.CatalogSnapshot`; this is the one place that asks the catalog. It
probes ``exists()`` only where an answer can matter: the persistent datasets the pipeline
writes.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Protocol

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.snapshot import CatalogSnapshot
from core.errors import DatasetError
from shell.io.catalog import DataCatalog
from shell.io.contract import is_ephemeral

__all__ = ["PipelineDatasets", "snapshot_catalog"]


class PipelineDatasets(Protocol):
    """What a snapshot needs from a pipeline (``core.pipeline.Pipeline`` has it)."""

    def datasets(self) -> Set[str]:
        """Every dataset name the pipeline reads or writes."""
        ...

    def all_outputs(self) -> Set[str]:
        """Every dataset name the pipeline writes."""
        ...


def snapshot_catalog(
    catalog: DataCatalog, pipeline: PipelineDatasets
) -> Result[CatalogSnapshot, DatasetError]:
    """What the catalog knows about the pipeline's datasets.

    * ``registered``: the pipeline's names that are ``in catalog`` (declared, or matching a
      user pattern; not the runtime default);
    * ``ephemeral``: the registered names whose dataset is ephemeral (memory, cached);
    * ``existing``: the registered, persistent names the pipeline writes whose
      ``exists()`` is true.

    Registered datasets are materialised on the way (as in Kedro, where checking a dataset
    builds it); undeclared names are not created.

    Returns:
        ``Success(snapshot)``; ``Failure(DatasetError)`` when a dataset cannot be built or
        its ``exists()`` fails.
    """
    registered = frozenset(name for name in pipeline.datasets() if name in catalog)
    ephemeral = set()
    for name in sorted(registered):
        found = catalog.get(name)
        if not is_successful(found):
            return Failure(found.failure())
        if is_ephemeral(found.unwrap()):
            ephemeral.add(name)
    existing = set()
    for name in sorted((registered & frozenset(pipeline.all_outputs())) - ephemeral):
        probed = catalog.exists(name)
        if not is_successful(probed):
            return Failure(probed.failure())
        if probed.unwrap():
            existing.add(name)
    return Success(CatalogSnapshot(registered, frozenset(ephemeral), frozenset(existing)))
