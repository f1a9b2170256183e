"""Laws of dataset factory patterns, and differential tests against Kedro 1.7.0."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from returns.pipeline import is_successful

from core.catalog import (
    EntrySource,
    first_match,
    parse_catalog_config,
    parse_pattern,
    resolve_entry,
    thaw,
)
from core.errors import DatasetErrorReason

# A small alphabet makes matches (and ambiguous splits) frequent.
_LITERAL_CHARS = "ab_.xA"
_FIELD_NAMES = ("name", "ns", "layer", "x")


@st.composite
def pattern_texts(draw: st.DrawFn) -> str:
    """Well-formed patterns: literals and ``{field}`` placeholders, at least one field."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            parts.append(draw(st.text(_LITERAL_CHARS, min_size=1, max_size=3)))
        parts.append("{" + draw(st.sampled_from(_FIELD_NAMES)) + "}")
    if draw(st.booleans()):
        parts.append(draw(st.text(_LITERAL_CHARS, min_size=1, max_size=3)))
    return "".join(parts)


@st.composite
def names_for(draw: st.DrawFn, patterns: list[str]) -> str:
    """Dataset names, often built by filling one of ``patterns`` so that they match."""
    if len(patterns) > 0 and draw(st.booleans()):
        chosen = draw(st.sampled_from(patterns))
        values = {f: draw(st.text(_LITERAL_CHARS, min_size=1, max_size=3)) for f in _FIELD_NAMES}
        name = chosen.format_map(values)
        return name.upper() if draw(st.booleans()) else name
    return draw(st.text(_LITERAL_CHARS + "B", min_size=0, max_size=8))


def _catalog(patterns: list[str]) -> dict[str, dict[str, object]]:
    return {
        text: {
            "type": "pickle.PickleDataset",
            "filepath": "data/"
            + "-".join("{" + f + "}" for f in parse_pattern(text).unwrap().fields),
            "save_args": {"tag": text},
        }
        for text in patterns
    }


@st.composite
def pattern_sets(draw: st.DrawFn) -> list[str]:
    """Distinct patterns with at most one catch-all."""
    texts = draw(st.lists(pattern_texts(), min_size=1, max_size=6, unique=True))
    catch_alls = [t for t in texts if parse_pattern(t).unwrap().is_catch_all]
    return [t for t in texts if t not in catch_alls[1:]]


@given(st.data())
def test_resolution_does_not_depend_on_declaration_order(data: st.DataObject) -> None:
    patterns = data.draw(pattern_sets())
    shuffled = data.draw(st.permutations(patterns))
    first = parse_catalog_config(_catalog(patterns)).unwrap()
    second = parse_catalog_config(_catalog(shuffled)).unwrap()
    assert first.patterns == second.patterns
    for _ in range(5):
        name = data.draw(names_for(patterns))
        assert resolve_entry(first, name) == resolve_entry(second, name)


@given(st.data())
def test_a_match_captures_non_empty_text_that_rebuilds_the_name(data: st.DataObject) -> None:
    text = data.draw(pattern_texts())
    name = data.draw(names_for([text]))
    pattern = parse_pattern(text).unwrap()
    captures = pattern.match(name)
    assume(captures is not None)
    assert captures is not None
    assert all(captures.values())
    assert text.format_map(captures).lower() == name.lower()


@given(st.data())
def test_the_chosen_pattern_is_the_most_specific_match(data: st.DataObject) -> None:
    patterns = data.draw(pattern_sets())
    config = parse_catalog_config(_catalog(patterns)).unwrap()
    name = data.draw(names_for(patterns))
    resolution = resolve_entry(config, name)
    matching = [p for p in config.patterns.in_order() if p.match(name) is not None]
    if resolution is None:
        assert matching == []
        return
    assert resolution.pattern == matching[0].text
    # No matching pattern sorts strictly before the chosen one in Kedro's order.
    chosen = matching[0]
    assert all(chosen.sort_key <= p.sort_key or p.is_catch_all for p in matching)


# -- differential tests against Kedro 1.7.0 -------------------------------------------------


def _kedro_resolver(catalog: dict[str, dict[str, object]]) -> Any:
    from kedro.io.catalog_config_resolver import CatalogConfigResolver

    return CatalogConfigResolver(
        catalog, default_runtime_patterns={"{default}": {"type": "kedro.io.MemoryDataset"}}
    )


@pytest.mark.differential
@given(st.data())
def test_resolution_matches_kedro(data: st.DataObject) -> None:
    patterns = data.draw(pattern_sets())
    catalog = _catalog(patterns)
    ours = parse_catalog_config(catalog).unwrap()
    kedro = _kedro_resolver(catalog)
    assert [p.text for p in ours.patterns.in_order()] == kedro.list_patterns()[: len(patterns)]
    for _ in range(8):
        name = data.draw(names_for(patterns))
        assume(name)
        resolution = resolve_entry(ours, name)
        expected = kedro.match_dataset_pattern(name) or kedro.match_user_catch_all_pattern(name)
        if expected is None:
            assert resolution is None
            continue
        assert resolution is not None
        assert resolution.pattern == expected
        assert thaw(resolution.config) == kedro.resolve_pattern(name)


@pytest.mark.differential
@given(st.lists(pattern_texts(), min_size=2, max_size=6, unique=True))
def test_catch_all_limit_matches_kedro(patterns: list[str]) -> None:
    from kedro.io.core import DatasetError as KedroDatasetError

    catalog = _catalog(patterns)
    ours = parse_catalog_config(catalog)
    try:
        _kedro_resolver(catalog)
    except KedroDatasetError as exc:
        assert not is_successful(ours)
        assert ours.failure().reason is DatasetErrorReason.PATTERN
        assert ours.failure().message == str(exc)
    else:
        assert is_successful(ours)


@pytest.mark.differential
@example(["{a}_{b}", "{a}{b}", "abc_{a}", "pre_{a}", "{a}_{b}_x", "{a}_xy"])
@given(pattern_sets())
def test_pattern_order_matches_kedro(patterns: list[str]) -> None:
    from kedro.io.catalog_config_resolver import CatalogConfigResolver

    shuffled = list(patterns)
    random.Random(0).shuffle(shuffled)
    sort = CatalogConfigResolver._sort_patterns
    expected = list(sort({key: {} for key in shuffled}))
    ordered = sorted((parse_pattern(p).unwrap() for p in patterns), key=lambda p: p.sort_key)
    assert [p.text for p in ordered] == expected


def test_resolution_of_an_explicit_entry_wins_over_patterns() -> None:
    config = parse_catalog_config(
        {
            "{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{name}.csv"},
            "cars_csv": {"type": "pickle.PickleDataset", "filepath": "cars.pkl"},
        }
    ).unwrap()
    resolution = resolve_entry(config, "cars_csv")
    assert resolution is not None
    assert resolution.source is EntrySource.EXPLICIT
    assert resolution.config["filepath"] == "cars.pkl"


@pytest.fixture(autouse=True, scope="module")
def quiet_kedro_records() -> Iterator[None]:
    """Pattern matches log a warning per dataset: silence Kedro's loggers for this module's
    examples only (set at import time, the level outlived the module and hid the records
    that later ``caplog`` tests look for)."""
    kedro = logging.getLogger("kedro")
    saved = kedro.level
    kedro.setLevel(logging.ERROR)
    try:
        yield
    finally:
        kedro.setLevel(saved)


# Letters whose case folding is not ASCII's: the Kelvin sign folds to "k", the long s to "s",
# the dotted capital I to "i̇" (two characters).
_UNICODE_CASE = "kKsS\u212a\u017f\u0130\u0131iIé"


@given(
    st.lists(st.one_of(pattern_texts(), st.text(_UNICODE_CASE, min_size=1, max_size=2).map(lambda t: t + "{x}" + t)),
             min_size=1, max_size=6, unique=True),
    st.data(),
)
@example(["\u212a{x}"], None)
@example(["k{x}s"], None)
def test_first_match_is_the_first_regex_that_matches(texts: list[str], data: st.DataObject | None) -> None:
    """The literal start/end pre-check never rules out a pattern whose regex matches."""
    patterns = [parse_pattern(text).unwrap() for text in texts]
    if data is None:
        names = ["K-s", "\u212a-s", "k-\u017f", "KK", "x"]
    else:
        names = [
            data.draw(st.one_of(names_for(texts), st.text(_LITERAL_CHARS + _UNICODE_CASE + "-", max_size=6)))
            for _ in range(5)
        ]
    for name in names:
        expected = next(
            ((p, found.groupdict()) for p in patterns if (found := p.regex.fullmatch(name)) is not None), None
        )
        assert first_match(patterns, name) == expected
