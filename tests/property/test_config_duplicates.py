"""Laws of duplicate-key detection within one environment directory."""

from __future__ import annotations

from random import Random

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from core.config import (
    ConfigDocument,
    check_duplicate_keys,
    compared_keys,
    find_duplicate_keys,
    freeze_mapping,
)
from core.errors import ConfigErrorReason

_keys = st.sampled_from(["a", "b", "c", "_p"])
_trees = st.recursive(
    st.one_of(st.integers(0, 2), st.none()),
    lambda inner: st.dictionaries(_keys, inner, max_size=3),
    max_leaves=6,
)
_contents = st.dictionaries(_keys, _trees, max_size=3)
_config_keys = st.sampled_from(["parameters", "catalog", "credentials"])


@st.composite
def _documents(draw: st.DrawFn) -> list[ConfigDocument]:
    contents = draw(st.lists(_contents, max_size=5))
    return [
        ConfigDocument(f"/conf/base/file_{index}.yml", freeze_mapping(content).unwrap())
        for index, content in enumerate(contents)
    ]


def _found(
    config_key: str, documents: list[ConfigDocument]
) -> set[tuple[frozenset[str], tuple[str, ...]]]:
    return {
        (frozenset({duplicate.first, duplicate.second}), duplicate.keys)
        for duplicate in find_duplicate_keys(config_key, documents)
    }


@given(_config_keys, _documents(), st.randoms(use_true_random=False))
def test_duplicates_are_found_whatever_the_file_order(
    config_key: str, documents: list[ConfigDocument], random: Random
) -> None:
    shuffled = list(documents)
    random.shuffle(shuffled)
    assert _found(config_key, shuffled) == _found(config_key, documents)


@given(_config_keys, _documents())
def test_a_pair_is_reported_exactly_when_it_shares_compared_keys(
    config_key: str, documents: list[ConfigDocument]
) -> None:
    reported = {
        frozenset({d.first, d.second}): set(d.keys)
        for d in find_duplicate_keys(config_key, documents)
    }
    for i, first in enumerate(documents):
        for second in documents[i + 1 :]:
            shared = compared_keys(config_key, first.content) & compared_keys(
                config_key, second.content
            )
            assert reported.get(frozenset({first.path, second.path}), set()) == shared


@given(_config_keys, _documents())
def test_underscore_keys_are_never_reported(
    config_key: str, documents: list[ConfigDocument]
) -> None:
    for duplicate in find_duplicate_keys(config_key, documents):
        assert duplicate.keys == tuple(sorted(duplicate.keys))
        assert not any(key.startswith("_") for key in duplicate.keys)


@given(_config_keys, _documents())
def test_check_fails_iff_some_duplicate_exists_and_names_both_files(
    config_key: str, documents: list[ConfigDocument]
) -> None:
    duplicates = find_duplicate_keys(config_key, documents)
    result = check_duplicate_keys(config_key, documents)
    if not duplicates:
        assert result == Success(tuple(documents))
        return
    error = result.failure()
    assert error.reason is ConfigErrorReason.DUPLICATE_KEY
    for duplicate in duplicates:
        assert (
            f"Duplicate keys found in {duplicate.first} and {duplicate.second}: " in error.message
        )


@given(_documents())
def test_parameters_compare_leaves_so_disjoint_subkeys_do_not_clash(
    documents: list[ConfigDocument],
) -> None:
    # Top-level clashes in parameters are only reported when some leaf path is shared.
    for duplicate in find_duplicate_keys("parameters", documents):
        for key in duplicate.keys:
            first = next(d for d in documents if d.path == duplicate.first)
            second = next(d for d in documents if d.path == duplicate.second)
            assert key in compared_keys("parameters", first.content)
            assert key in compared_keys("parameters", second.content)
