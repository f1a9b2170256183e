"""Config-file selection agrees with fsspec's glob semantics (what Kedro uses)."""

from __future__ import annotations

import re

from fsspec.utils import glob_translate
from hypothesis import given
from hypothesis import strategies as st

from core.config import (
    CONFIG_SUFFIXES,
    DEFAULT_CONFIG_PATTERNS,
    compile_pattern,
    select_config_files,
)

_segments = st.sampled_from(
    [
        "catalog",
        "catalog.yml",
        "catalog_x.yaml",
        "parameters.json",
        "sub",
        ".hidden",
        "a-b",
        "x[1]",
        "mycatalog.yml",
        "c.txt",
    ]
)
_paths = st.lists(_segments, min_size=1, max_size=4).map("/".join)
_pattern_segments = st.sampled_from(
    [
        "*",
        "**",
        "catalog*",
        "*.yml",
        "?atalog*",
        "[cp]*",
        "[!c]*",
        "sub",
        "[a-c]*",
        "x[[]1]",
        "catalog.yml",
    ]
)
_patterns = st.lists(_pattern_segments, min_size=1, max_size=3).map("/".join)


@given(_patterns, _paths)
def test_a_pattern_matches_what_fsspec_glob_matches(pattern: str, path: str) -> None:
    ours = compile_pattern(pattern).unwrap()
    theirs = re.compile(glob_translate(pattern))
    assert bool(ours.match(path)) == bool(theirs.match(path))


@given(st.lists(_paths, max_size=8), st.lists(_patterns, min_size=1, max_size=3), st.booleans())
def test_selection_is_sorted_unique_config_files_that_match(
    paths: list[str], patterns: list[str], ignore_hidden: bool
) -> None:
    selected = select_config_files(paths, patterns, ignore_hidden=ignore_hidden).unwrap()
    assert list(selected) == sorted(set(selected))
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        expected = (
            any(re.compile(glob_translate(p)).match(path) for p in patterns)
            and any(name.endswith(suffix) and name != suffix for suffix in CONFIG_SUFFIXES)
            and not (ignore_hidden and any(part.startswith(".") for part in path.split("/")))
        )
        assert (path in selected) == expected


@given(st.lists(_paths, max_size=8))
def test_a_hidden_environment_hides_everything(paths: list[str]) -> None:
    patterns = DEFAULT_CONFIG_PATTERNS["catalog"]
    assert select_config_files(paths, patterns, env=".secret").unwrap() == ()
    assert select_config_files(paths, patterns, env=".secret", ignore_hidden=False) == (
        select_config_files(paths, patterns, ignore_hidden=False)
    )


def test_double_star_inside_a_segment_is_refused() -> None:
    assert compile_pattern("a**").failure().message.startswith("Invalid config pattern 'a**'")
