"""A run's warm-up and its result: every dataset of the pipeline resolved once.

Kedro's runners materialise every dataset of the pipeline before running (undeclared names
become memory datasets) and refuse to start when a free input is unknown; they return the
free outputs' dataset objects at the end. Both live here. The warm-up also says which
datasets the per-node loop may load, save and release directly
(:class:`~shell.runners.run_tools.RunTools`): all of them when the catalog's data operations
are :class:`~shell.io.catalog.DataCatalog`'s own, except those with a validator, whose loads
and saves must go through the catalog that validates them.
"""

from __future__ import annotations

from dataclasses import dataclass

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from core.catalog.snapshot import CatalogSnapshot
from core.errors import DatasetError, RunError, RunErrorReason
from core.pipeline import Pipeline
from shell.io import catalog_validation
from shell.io.catalog import DataCatalog, has_plain_data_operations
from shell.io.contract import DatasetLike, is_ephemeral

__all__ = ["Warmed", "free_outputs", "warm"]


@dataclass(frozen=True, slots=True)
class Warmed:
    """What the warm-up found."""

    #: which datasets are registered and which ephemeral (for resume plans)
    snapshot: CatalogSnapshot
    #: the datasets the loop may use directly, by name (empty: go through the catalog)
    direct: dict[str, DatasetLike]


def _dataset_failure(error: DatasetError) -> Failure[RunError]:
    return Failure(RunError(RunErrorReason.DATASET, error.message, cause=error))


def _resolve_all(catalog: DataCatalog, names: list[str]) -> Result[dict[str, DatasetLike], DatasetError]:
    if type(catalog).get is DataCatalog.get:
        return catalog.get_all(names)
    resolved: dict[str, DatasetLike] = {}
    for name in names:  # a catalog overriding ``get`` is asked name by name, as Kedro does
        got = catalog.get(name, fallback_to_runtime_pattern=True)
        if not is_successful(got):
            return Failure(got.failure())
        resolved[name] = got.unwrap()
    return Success(resolved)


def warm(pipeline: Pipeline, catalog: DataCatalog) -> Result[Warmed, RunError]:
    """Materialise every dataset of ``pipeline`` and check that every free input is known.

    Returns:
        ``Failure(RunError)``: ``DATASET`` when a dataset cannot be built,
        ``UNSATISFIED_INPUTS`` (Kedro's message, a ``ValueError`` as cause) when a free input
        is not in the catalog.
    """
    names = sorted(pipeline.datasets())
    # Asked before materialising, which registers every undeclared name.
    missing = sorted(name for name in pipeline.inputs() if name not in catalog)
    resolved = _resolve_all(catalog, names)
    if not is_successful(resolved):
        return _dataset_failure(resolved.failure())
    datasets = resolved.unwrap()
    if missing:
        shown = "{" + ", ".join(repr(n) for n in missing) + "}"
        owner = getattr(catalog, "class_name_in_messages", type(catalog).__name__)
        message = f"Pipeline input(s) {shown} not found in the {owner}"
        # The exception Kedro raises (and on_pipeline_error receives): a ValueError.
        return Failure(RunError(RunErrorReason.UNSATISFIED_INPUTS, message, cause=ValueError(message)))
    ephemeral = frozenset(name for name, dataset in datasets.items() if is_ephemeral(dataset))
    snapshot = CatalogSnapshot(registered=frozenset(names), ephemeral=ephemeral)
    return Success(Warmed(snapshot, _direct(catalog, datasets)))


def _direct(catalog: DataCatalog, datasets: dict[str, DatasetLike]) -> dict[str, DatasetLike]:
    if not has_plain_data_operations(catalog):
        return {}
    if catalog._declares_validators:
        return {
            name: dataset
            for name, dataset in datasets.items()
            if catalog_validation.spec_for(catalog, name) is None
        }
    return datasets


def free_outputs(pipeline: Pipeline, catalog: DataCatalog) -> Result[dict[str, DatasetLike], RunError]:
    """Kedro's result of a run: the dataset objects of the free outputs, by name."""
    result: dict[str, DatasetLike] = {}
    for name in sorted(pipeline.outputs()):
        got = catalog.get(name, fallback_to_runtime_pattern=True)
        if not is_successful(got):
            return _dataset_failure(got.failure())
        result[name] = got.unwrap()
    return Success(result)
