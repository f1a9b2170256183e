"""With any mix of faulty and valid entries, a catalog fails as Kedro 1.7.0's does.

Random catalog configurations mix valid entries and patterns with the faults a user makes
(no ``type``, an entry that is not a mapping, unknown credentials, a pattern using a
placeholder its name lacks, a pattern without ``type``), in random order. Kedro reports the
fault of its earliest pass (patterns, then entry shapes and credentials, then ``type``);
kedro-pure must report the same one, with the same text, and build the same catalogs.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kedro.io import DataCatalog as KedroCatalog
from returns.pipeline import is_successful

from shell.io import DataCatalog

pytestmark = pytest.mark.differential

CREDENTIALS = {"known": {"token": "t"}}

ENTRY_KINDS: dict[str, Any] = {
    "valid": {"type": "MemoryDataset"},
    "no_type": {"filepath": "data/x.csv"},
    "not_a_mapping": "just a string",
    "unknown_credentials": {"type": "MemoryDataset", "credentials": "missing"},
    "known_credentials": {"type": "MemoryDataset", "credentials": "known"},
}
PATTERN_KINDS: dict[str, Any] = {
    "valid": {"type": "MemoryDataset"},
    "no_type": {"filepath": "data/{name}.csv"},
    "bad_placeholder": {"type": "MemoryDataset", "filepath": "{other}.csv"},
    "unknown_credentials": {"type": "MemoryDataset", "credentials": "missing_too"},
}


@st.composite
def faulty_catalogs(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(1, 6))
    config: dict[str, Any] = {}
    for index in range(size):
        if draw(st.booleans()):
            kind = draw(st.sampled_from(sorted(PATTERN_KINDS)))
            config[f"{{name}}_p{index}"] = PATTERN_KINDS[kind]
        else:
            kind = draw(st.sampled_from(sorted(ENTRY_KINDS)))
            config[f"e{index}"] = ENTRY_KINDS[kind]
    order = draw(st.permutations(list(config)))
    return {name: config[name] for name in order}


def kedros(config: dict[str, Any]) -> str | None:
    try:
        KedroCatalog.from_config(cast(Any, config), cast(Any, CREDENTIALS))
    except Exception as exc:  # Kedro raises DatasetError or KeyError: the text is compared
        return str(exc).strip('"')
    return None


def ours(config: dict[str, Any]) -> str | None:
    built = DataCatalog.from_config(config, CREDENTIALS)
    if is_successful(built):
        return None
    error = built.failure()
    # Ours prefixes the dataset's name on a credentials error (Kedro's KeyError has none).
    return error.message.removeprefix(f"{error.dataset}: ")


@settings(max_examples=200, deadline=None)
@given(faulty_catalogs())
def test_a_faulty_catalog_fails_with_the_fault_kedro_reports(config: dict[str, Any]) -> None:
    assert ours(config) == kedros(config)
