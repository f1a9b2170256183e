"""``SharedMemoryDataCatalog``: a catalog whose datasets can be used from worker processes.

Undeclared names become :class:`~shell.io.shared_memory.SharedMemoryDataset` (instead of
process-local memory datasets), whose data lives in a manager process the runner provides
through :meth:`SharedMemoryDataCatalog.set_manager_datasets`. Before a parallel run,
:meth:`SharedMemoryDataCatalog.validate_catalog` reports, in one error value, every dataset
that cannot work across processes.
"""

from __future__ import annotations

import pickle
from collections.abc import Collection, Mapping
from multiprocessing.reduction import ForkingPickler
from typing import ClassVar

from returns.result import Failure, Result, Success

from core.catalog.config import TYPE_KEY
from core.catalog.frozen_config import FrozenConfig, freeze
from core.errors import DatasetError, DatasetErrorReason
from shell.io.catalog import DataCatalog
from shell.io.contract import is_single_process
from shell.io.memory import MemoryDataset
from shell.io.shared_memory import SharedMemoryDataset, SupportsMemoryDataset

__all__ = ["SharedMemoryDataCatalog"]


class SharedMemoryDataCatalog(DataCatalog):
    """A :class:`~shell.io.catalog.DataCatalog` for the parallel runner.

    Args: as :class:`~shell.io.catalog.DataCatalog`.
    """

    default_runtime_patterns: ClassVar[Mapping[str, FrozenConfig]] = freeze(  # type: ignore[assignment]
        {"{default}": {TYPE_KEY: "kedro.io.SharedMemoryDataset"}}
    )

    def set_manager_datasets(self, manager: SupportsMemoryDataset) -> None:
        """Give every materialised ``SharedMemoryDataset`` its storage in ``manager``."""
        with self._lock:
            datasets = list(self._datasets.values())
        for dataset in datasets:
            if isinstance(dataset, SharedMemoryDataset):
                dataset.set_manager(manager)

    def validate_catalog(self, outputs: Collection[str] = ()) -> Result[None, DatasetError]:
        """Check that every materialised dataset can be used from worker processes.

        A dataset cannot be when it is single-process (``_SINGLE_PROCESS``, e.g. a
        ``CachedDataset``), when it does not pickle, or when it is a plain ``MemoryDataset``
        that the pipeline writes (named in ``outputs``): a worker would save into its own
        copy and the data would never reach the other processes.

        Args:
            outputs: the names the pipeline writes.

        Returns:
            ``Success(None)``; ``Failure(DatasetError(NOT_SHAREABLE))`` listing every
            unusable dataset with its reason (first line as Kedro's).
        """
        with self._lock:
            datasets = dict(self._datasets)
        written = frozenset(outputs)
        problems: dict[str, str] = {}
        for name, dataset in datasets.items():
            if is_single_process(dataset):
                problems[name] = "it is a single-process dataset (use ThreadRunner instead)"
            elif name in written and type(dataset) is MemoryDataset:
                problems[name] = (
                    "it is a process-local MemoryDataset written by the pipeline: declare it "
                    "as SharedMemoryDataset, or remove it from the catalog"
                )
            else:
                try:
                    ForkingPickler.dumps(dataset)
                except (pickle.PicklingError, AttributeError, TypeError) as exc:
                    problems[name] = f"it cannot be pickled ({exc})"
        if not problems:
            return Success(None)
        names = sorted(problems)
        details = "\n".join(f"- '{name}': {problems[name]}" for name in names)
        return Failure(
            DatasetError(
                DatasetErrorReason.NOT_SHAREABLE,
                f"The following datasets cannot be used with multiprocessing: {names}\n"
                f"{details}\n"
                "In order to utilize multiprocessing you need to make sure all datasets are "
                "serialisable, i.e. datasets should not make use of lambda functions, nested "
                "functions, closures etc.\nIf you are using custom decorators ensure they are "
                "correctly decorated using functools.wraps().",
                dataset=", ".join(names),
            )
        )
