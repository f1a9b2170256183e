"""Totality of the pure project rules: any input gives a ``Result``, never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from core.errors import ConfigError, ConfigErrorReason, SessionErrorReason
from core.project import (
    ProjectSettings,
    parse_project_table,
    registry_entries,
    settings_from_namespace,
    unknown_pipeline_error,
)

_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6
)
_keys = st.sampled_from(
    ["package_name", "project_name", "kedro_init_version", "source_dir", "tools", "example_pipeline", "other"]
)


@given(st.dictionaries(_keys, _values, max_size=6))
def test_parse_project_table_is_total(table: dict[str, object]) -> None:
    result = parse_project_table({"tool": {"kedro": table}})
    if isinstance(result, Failure):
        assert isinstance(result.failure(), ConfigError)
        assert result.failure().reason is ConfigErrorReason.INVALID
    else:
        parsed = result.unwrap()
        assert parsed.package_name == table["package_name"]
        assert parsed.project_name == table["project_name"]


_setting_names = st.sampled_from(
    [
        "CONF_SOURCE",
        "HOOKS",
        "CONTEXT_CLASS",
        "SESSION_STORE_CLASS",
        "SESSION_STORE_ARGS",
        "DISABLE_HOOKS_FOR_PLUGINS",
        "CONFIG_LOADER_CLASS",
        "CONFIG_LOADER_ARGS",
        "DATA_CATALOG_CLASS",
        "DATASET_VALIDATION",
        "MY_SETTING",
        "lower",
    ]
)


@given(st.dictionaries(_setting_names, _values | st.sampled_from([int, dict, object()]), max_size=5))
def test_settings_from_namespace_is_total(namespace: dict[str, object]) -> None:
    result = settings_from_namespace(namespace, source="settings.py")
    if isinstance(result, Failure):
        error = result.failure()
        assert error.reason is ConfigErrorReason.SETTINGS
        assert error.message.startswith("Invalid project settings in 'settings.py': setting '")
    else:
        settings = result.unwrap()
        assert isinstance(settings, ProjectSettings)
        assert "lower" not in settings.extras


@given(_values)
def test_registry_entries_is_total(value: object) -> None:
    result = registry_entries(value)
    if isinstance(result, Success):
        for entry in result.unwrap().values():
            # Nothing JSON-like is a pipeline: every entry is a reported failure.
            assert isinstance(entry, Failure)
            assert entry.failure().reason is SessionErrorReason.PROJECT
    else:
        assert result.failure().reason is SessionErrorReason.PROJECT


@given(st.text("abcde_", max_size=8), st.lists(st.text("abcde_", min_size=1, max_size=8), max_size=6))
def test_suggestions_are_registered_names(name: str, known: list[str]) -> None:
    message = unknown_pipeline_error(name, known).message
    _, _, suggested = message.partition("Did you mean one of these instead?\n")
    lines = [line.removeprefix("    ") for line in suggested.split("\n")] if suggested else []
    assert len(lines) <= 3
    assert all(line in known for line in lines)
