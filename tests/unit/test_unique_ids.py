"""Session and run ids are unique across processes (Kedro's millisecond timestamps were
not: 8 processes x 50 sessions gave 396 ids for 400 sessions) and still sort by time."""

from __future__ import annotations

import multiprocessing
from threading import Barrier

import pytest

from core.ids import ID_PATTERN, unique_id
from shell.io.timestamp import generate_id

PROCESSES = 8
IDS_EACH = 400

_spawn = multiprocessing.get_context("spawn")


def _ids(barrier: Barrier) -> list[str]:  # a manager proxy of one
    barrier.wait()  # all start in the same few milliseconds: the collision case
    return [generate_id() for _ in range(IDS_EACH)]


@pytest.mark.timeout(120)
def test_ids_from_concurrent_processes_are_distinct_and_well_formed() -> None:
    with _spawn.Manager() as manager:
        barrier = manager.Barrier(PROCESSES)
        with _spawn.Pool(PROCESSES) as pool:
            batches = pool.map(_ids, [barrier] * PROCESSES)
    everything = [i for batch in batches for i in batch]
    assert len(set(everything)) == PROCESSES * IDS_EACH
    # Many of them share a millisecond (what made Kedro's collide).
    assert len({i.rsplit("-", 1)[0] for i in everything}) < len(everything)
    assert all(ID_PATTERN.fullmatch(i) for i in everything)
    for batch in batches:
        prefixes = [i.rsplit("-", 1)[0] for i in batch]
        assert prefixes == sorted(prefixes)  # sorting ids sorts them by time


def test_unique_id_keeps_kedros_timestamp_first() -> None:
    assert unique_id("2026-11-23T18.52.50.168Z", b"\x01\x02\xab\xff") == "2026-11-23T18.52.50.168Z-0102abff"
    with pytest.raises(ValueError, match="4 bytes"):
        unique_id("2026-11-23T18.52.50.168Z", b"\x01")
