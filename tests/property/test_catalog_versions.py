"""Version laws: timestamps sort by time, and the latest saved version is what loads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalog import Version, format_timestamp, latest_version, versions_in_listing

moments = st.datetimes(
    min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)


@given(moments, moments)
def test_timestamps_order_like_the_moments_they_format(a: datetime, b: datetime) -> None:
    # Kedro keeps milliseconds, so compare at that resolution.
    a_ms = a.replace(microsecond=a.microsecond // 1000 * 1000)
    b_ms = b.replace(microsecond=b.microsecond // 1000 * 1000)
    assert (format_timestamp(a) < format_timestamp(b)) == (a_ms < b_ms)
    assert (format_timestamp(a) == format_timestamp(b)) == (a_ms == b_ms)


@given(moments)
def test_timestamps_are_one_safe_path_component_of_fixed_width(moment: datetime) -> None:
    text = format_timestamp(moment)
    assert len(text) == 24
    assert "/" not in text and ":" not in text and text.endswith("Z")


@given(st.lists(moments, min_size=1, max_size=6, unique_by=lambda m: format_timestamp(m)))
def test_listing_and_latest_do_not_depend_on_listing_order(saved: list[datetime]) -> None:
    versions = [format_timestamp(m) for m in saved]
    listing = [f"data/d.json/{v}/d.json" for v in versions]
    found = versions_in_listing("data/d.json", reversed(listing))
    assert found == tuple(sorted(versions, reverse=True))
    assert latest_version(found) == format_timestamp(max(saved))


@settings(max_examples=30)
@given(st.lists(moments, min_size=1, max_size=5, unique_by=lambda m: format_timestamp(m)))
def test_the_latest_version_is_loaded_whatever_the_save_order(saved: list[datetime]) -> None:
    from shell.io import JSONDataset

    path = f"memory://versions-{uuid.uuid4().hex}/d.json"
    for moment in saved:  # saved in the drawn order, not in time order
        stamp = format_timestamp(moment)
        JSONDataset(filepath=path, version=Version(None, stamp)).save(stamp)
    reader = JSONDataset(filepath=path, version=Version(None, None))
    newest = format_timestamp(max(saved))
    assert reader.load() == newest
    assert reader.list_versions() == tuple(
        sorted((format_timestamp(m) for m in saved), reverse=True)
    )
    oldest = format_timestamp(min(saved))
    assert reader.with_version(Version(oldest, None)).load() == oldest


@given(moments, st.integers(1, 10**6))
def test_later_moments_never_sort_earlier(moment: datetime, step_ms: int) -> None:
    later = moment + timedelta(milliseconds=step_ms)
    if later.year <= 9999:
        assert format_timestamp(later) > format_timestamp(moment)
