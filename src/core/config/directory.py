"""The merge rules for the files of one environment directory.

Per directory, Kedro merges every matching file (``OmegaConf.unsafe_merge``), resolves the
interpolations of the result, and then drops top-level ``_`` keys except in parameters. For
``parameters`` the runtime parameters are the last, highest-priority layer, so a runtime
value lands in *each* directory before base and run environment are combined: with a
destructive merge, a runtime value for a key the run environment redefines still shows up
(Kedro's worked example in the reference, §4.7). A directory without files contributes an
empty mapping and no runtime parameters at all.

Resolution needs the interpolation engine and happens in the shell, between
:func:`raw_directory_config` and :func:`finish_directory_config`.
"""

from __future__ import annotations

from collections.abc import Sequence

from returns.result import Result, Success

from core.config.documents import ConfigDocument
from core.config.environments import drop_private_keys
from core.config.merge import Dereference, deep_merge
from core.config.values import ConfigMapping, FrozenConfig, FrozenMapping
from core.errors import ConfigError

__all__ = ["finish_directory_config", "raw_directory_config"]


def raw_directory_config(
    config_key: str,
    documents: Sequence[ConfigDocument],
    runtime_params: ConfigMapping,
    *,
    dereference: Dereference | None = None,
) -> Result[FrozenConfig, ConfigError]:
    """The unresolved merge of one directory's documents.

    Args:
        config_key: The configuration type; only ``parameters`` takes runtime parameters.
        documents: The directory's documents, already checked for duplicate keys.
        runtime_params: The run's runtime parameters (deep-merged last for parameters).
        dereference: See :func:`core.config.merge.deep_merge`.

    Returns:
        ``Success(merged)`` (empty when there are no documents), or the merge's ``Failure``.
    """
    if not documents:
        return Success(FrozenMapping())
    layers: list[ConfigMapping] = [document.content for document in documents]
    if config_key == "parameters":
        layers.append(runtime_params)
    return deep_merge(*layers, dereference=dereference)


def finish_directory_config(config_key: str, resolved: ConfigMapping) -> FrozenConfig:
    """The directory's final configuration from its resolved merge (drops ``_`` keys)."""
    return drop_private_keys(config_key, resolved)
