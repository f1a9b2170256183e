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

from core.catalog.versioning import Version
from shell.io.cached import CachedDataset
from shell.io.catalog import DataCatalog
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
