"""The data catalog and datasets (the I/O half; the decisions are in :mod:`core.catalog`).

Public API:

* :class:`DataCatalog`, :class:`SharedMemoryDataCatalog`: named datasets, built lazily from a
  ``catalog.yml`` structure (``DataCatalog.from_config``); their data methods return
  ``Result`` values carrying a :class:`core.errors.DatasetError`.
* the dataset contract (:class:`DatasetLike`, any object with ``load``/``save``/``exists``/
  ``release``, Kedro's datasets included) and kedro-pure's base class
  :class:`AbstractDataset`;
* datasets: :class:`MemoryDataset`, :class:`SharedMemoryDataset`, :class:`CachedDataset`,
  :class:`PickleDataset`, :class:`JSONDataset`, :class:`YAMLDataset`, :class:`TextDataset`,
  and (extra ``pandas``) ``pandas.CSVDataset`` / ``pandas.ParquetDataset`` from
  :mod:`shell.io.pandas_datasets`;
* :func:`generate_timestamp`, :func:`snapshot_catalog`, :func:`dataset_from_config`.
"""

from typing import TYPE_CHECKING

from shell._lazy import lazy_exports

if TYPE_CHECKING:
    from core.catalog.versioning import Version
    from shell.io.cached import CachedDataset
    from shell.io.catalog import DataCatalog
    from shell.io.config_resolver import CatalogConfigResolver
    from shell.io.contract import (
        AbstractDataset,
        DatasetLike,
        describe_dataset,
        is_dataset,
        is_ephemeral,
        is_single_process,
    )
    from shell.io.file_dataset import FileDataset
    from shell.io.json_dataset import JSONDataset
    from shell.io.memory import MemoryDataset
    from shell.io.pickle_dataset import PickleDataset
    from shell.io.shared_catalog import SharedMemoryDataCatalog
    from shell.io.shared_memory import SharedDatasetManager, SharedMemoryDataset
    from shell.io.snapshot import PipelineDatasets, snapshot_catalog
    from shell.io.text_dataset import TextDataset
    from shell.io.timestamp import generate_timestamp
    from shell.io.type_resolver import SHORT_NAMES, dataset_from_config
    from shell.io.yaml_dataset import YAMLDataset

__all__ = [
    "SHORT_NAMES",
    "AbstractDataset",
    "CachedDataset",
    "CatalogConfigResolver",
    "DataCatalog",
    "DatasetLike",
    "FileDataset",
    "JSONDataset",
    "MemoryDataset",
    "PickleDataset",
    "PipelineDatasets",
    "SharedDatasetManager",
    "SharedMemoryDataCatalog",
    "SharedMemoryDataset",
    "TextDataset",
    "Version",
    "YAMLDataset",
    "dataset_from_config",
    "describe_dataset",
    "generate_timestamp",
    "is_dataset",
    "is_ephemeral",
    "is_single_process",
    "snapshot_catalog",
]

#: Where each public name is defined. Each is imported on first access: the file datasets pull
#: in fsspec and PyYAML, and the shared-memory ones multiprocessing, which a session needs
#: only when its catalog uses them.
_DEFINED_IN = {
    "AbstractDataset": "shell.io.contract",
    "CachedDataset": "shell.io.cached",
    "CatalogConfigResolver": "shell.io.config_resolver",
    "DataCatalog": "shell.io.catalog",
    "DatasetLike": "shell.io.contract",
    "FileDataset": "shell.io.file_dataset",
    "JSONDataset": "shell.io.json_dataset",
    "MemoryDataset": "shell.io.memory",
    "PickleDataset": "shell.io.pickle_dataset",
    "PipelineDatasets": "shell.io.snapshot",
    "SHORT_NAMES": "shell.io.type_resolver",
    "SharedDatasetManager": "shell.io.shared_memory",
    "SharedMemoryDataCatalog": "shell.io.shared_catalog",
    "SharedMemoryDataset": "shell.io.shared_memory",
    "TextDataset": "shell.io.text_dataset",
    "Version": "core.catalog.versioning",
    "YAMLDataset": "shell.io.yaml_dataset",
    "dataset_from_config": "shell.io.type_resolver",
    "describe_dataset": "shell.io.contract",
    "generate_timestamp": "shell.io.timestamp",
    "is_dataset": "shell.io.contract",
    "is_ephemeral": "shell.io.contract",
    "is_single_process": "shell.io.contract",
    "snapshot_catalog": "shell.io.snapshot",
}

if not TYPE_CHECKING:  # at runtime only, so mypy still rejects names this package lacks
    __getattr__, __dir__ = lazy_exports(globals(), _DEFINED_IN, __all__)
