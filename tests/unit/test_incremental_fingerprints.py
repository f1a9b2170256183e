"""What a node's code digest sees and ignores; dataset states; the digest cache; the journal."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from returns.pipeline import is_successful

import core
from core.catalog.versioning import Version
from core.incremental import ChangePlan, DatasetState, StateKind, make_fingerprint
from core.incremental.journal import JournalEntry, NodeEvent, last_completed, node_outcomes
from core.incremental.keep_going import keep_nodes
from core.pipeline import Pipeline
from shell.incremental.code import code_digest, stable_repr
from shell.incremental.datasets import DigestCache, Fingerprintable, dataset_state
from shell.incremental.planning import plan_changes
from shell.incremental.recorder import JournalRecorder
from shell.io.catalog import DataCatalog
from shell.io.json_dataset import JSONDataset
from shell.io.memory import MemoryDataset
from shell.runners import SequentialRunner
from shell.store.journal import SQLiteJournal
from shell.store.sqlite import SQLiteStore


def _compile(source: str, name: str = "f") -> object:
    namespace: dict[str, object] = {}
    exec(compile(source, "<test>", "exec"), namespace)
    return namespace[name]


def _digest(source: str, name: str = "f") -> str:
    func = _compile(source, name)
    assert callable(func)
    return code_digest(func)


def test_same_code_same_digest_even_on_other_lines() -> None:
    assert _digest("def f(x):\n    return x + 1\n") == _digest("\n\n\ndef f(x):\n    return x + 1\n")


def test_body_constants_defaults_and_nested_functions_count() -> None:
    base = _digest("def f(x):\n    return x + 1\n")
    assert _digest("def f(x):\n    return x + 2\n") != base
    assert _digest("def f(x, k=1):\n    return x\n") != _digest("def f(x, k=2):\n    return x\n")
    inner_a = "def f(x):\n    def g(y):\n        return y * 2\n    return g(x)\n"
    inner_b = "def f(x):\n    def g(y):\n        return y * 3\n    return g(x)\n"
    assert _digest(inner_a) != _digest(inner_b)


def test_partials_and_closures_see_their_bound_values() -> None:
    def add(x: int, y: int) -> int:
        return x + y

    assert code_digest(functools.partial(add, y=1)) != code_digest(functools.partial(add, y=2))

    def make(k: int) -> object:
        def inner(x: int) -> int:
            return x + k

        return inner

    one, two = make(1), make(2)
    assert callable(one) and callable(two)
    assert code_digest(one) != code_digest(two)


def test_memory_addresses_are_not_part_of_a_digest() -> None:
    class Thing:
        pass

    assert stable_repr(Thing()) == stable_repr(Thing())
    assert stable_repr(frozenset({"b", "a"})) == "frozenset({'a', 'b'})"


def test_digest_cache_reads_a_file_once_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    cache = DigestCache()
    first = cache.digest(str(path))
    assert cache.take_changed()
    assert cache.digest(str(path)) == first
    assert not cache.changed  # served from the cache
    path.write_bytes(b"abcd")
    os.utime(path, ns=(1, 1))
    assert cache.digest(str(path)) != first


def test_dataset_states(tmp_path: Path) -> None:
    cache = DigestCache()
    stored = JSONDataset(filepath=str(tmp_path / "x.json"))
    assert dataset_state(stored, cache) == DatasetState(StateKind.MISSING)
    stored.save({"a": 1})
    state = dataset_state(stored, cache)
    assert state.kind is StateKind.CONTENT and state.is_checkable
    assert dataset_state(MemoryDataset(), cache).kind is StateKind.MEMORY

    class Custom:
        def fingerprint(self) -> str:
            return "v7"

    assert isinstance(Custom(), Fingerprintable)
    assert dataset_state(Custom(), cache) == DatasetState(StateKind.CUSTOM, "v7")

    class Opaque:
        def exists(self) -> bool:
            return True

    assert dataset_state(Opaque(), cache).kind is StateKind.UNKNOWN


def test_journal_round_trip_and_outcomes(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "sessions"), "s1")
    journal = store.journal()
    fp = make_fingerprint("c", "d", {"params:a": "1"}, {"raw": "digest:x"})
    events = [
        JournalEntry("r1", "a", NodeEvent.STARTED, "t0", reason="never run"),
        JournalEntry("r1", "a", NodeEvent.COMPLETED, "t1", duration=0.5, fingerprint=fp, outputs={"o": "digest:y"}),
        JournalEntry("r1", "b", NodeEvent.STARTED, "t2", reason="upstream 'a' runs"),
    ]
    for event in events:
        assert is_successful(journal.append([event]))
    journal.close()
    completed = journal.last_completed().unwrap()
    assert last_completed(completed)["a"].fingerprint == fp
    outcomes = {o.node: o for o in node_outcomes(journal.run_entries("r1").unwrap())}
    assert outcomes["a"].event is NodeEvent.COMPLETED and outcomes["a"].reason == "never run"
    # b started and never ended: its process died.
    assert outcomes["b"].event is NodeEvent.INTERRUPTED
    assert journal.run_entries("nope").unwrap() == ()


def test_module_scope_sees_an_edited_helper_that_function_scope_does_not(tmp_path: Path) -> None:
    import importlib
    import sys

    source = "def helper(x):\n    return x + {k}\n\n\ndef node_func(x):\n    return helper(x)\n"
    module_file = tmp_path / "kp_scope_probe.py"
    module_file.write_text(source.format(k=1))
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("kp_scope_probe")
        before = (code_digest(module.node_func), code_digest(module.node_func, scope="module"))
        module_file.write_text(source.format(k=2))
        module = importlib.reload(module)
        after = (code_digest(module.node_func), code_digest(module.node_func, scope="module"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("kp_scope_probe", None)
    assert before[0] == after[0]  # the node's own function did not change
    assert before[1] != after[1]  # its module did


def _double(values: list[int]) -> list[int]:
    return [2 * v for v in values]


def _versioned_world(tmp_path: Path) -> tuple[DataCatalog, JSONDataset]:
    """A fresh catalog (as each session builds one): a versioned input and plain files."""
    raw = JSONDataset(filepath=str(tmp_path / "raw.json"), version=Version(None, None))
    catalog = DataCatalog({
        "raw": raw,
        "doubled": JSONDataset(filepath=str(tmp_path / "doubled.json")),
        "side": JSONDataset(filepath=str(tmp_path / "side.json")),
        "side_doubled": JSONDataset(filepath=str(tmp_path / "side_doubled.json")),
    })
    return catalog, raw


def _plan_and_run(pipeline: Pipeline, catalog: DataCatalog, journal: SQLiteJournal, run_id: str) -> ChangePlan:
    """Plan ``--only-changed``, then run what it selects with the journal recording."""
    plan, observer = plan_changes(pipeline, catalog, journal).unwrap()
    selected = keep_nodes(pipeline, plan.to_run) if plan.to_run else None
    if selected is not None:
        recorder = JournalRecorder(journal, selected, observer, run_id, {}, lambda: "t")
        assert is_successful(SequentialRunner().run(selected, catalog, observer=recorder))
        recorder.finish()
    return plan


def test_a_versioned_input_is_seen_by_its_loaded_version_and_a_new_one_reruns_its_readers(tmp_path: Path) -> None:
    first, second = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"
    raw = _versioned_world(tmp_path)[1]
    raw.with_version(Version(None, first)).save([1, 2])
    JSONDataset(filepath=str(tmp_path / "side.json")).save([5])
    # The state is the version a load reads (the latest), not a digest of the file.
    assert dataset_state(raw, DigestCache()) == DatasetState(StateKind.VERSION, first)
    pinned = raw.with_version(Version(first, None))
    raw.with_version(Version(None, second)).save([1, 2, 3])
    assert dataset_state(pinned, DigestCache()) == DatasetState(StateKind.VERSION, first)
    assert dataset_state(_versioned_world(tmp_path)[1], DigestCache()) == DatasetState(StateKind.VERSION, second)

    pipeline = core.pipeline([
        core.node(_double, "raw", "doubled", name="reader"),
        core.node(_double, "side", "side_doubled", name="bystander"),
    ]).unwrap()
    store = SQLiteStore(str(tmp_path / "sessions"), "s1")
    journal = store.journal()
    # Each plan gets a fresh catalog, as each session does (a dataset object keeps the load
    # version it resolved first, so one run reads one version throughout).
    assert set(_plan_and_run(pipeline, _versioned_world(tmp_path)[0], journal, "r1").to_run) == {"reader", "bystander"}
    assert _plan_and_run(pipeline, _versioned_world(tmp_path)[0], journal, "r2").to_run == ()

    third = "2026-01-03T00.00.00.000Z"
    _versioned_world(tmp_path)[1].with_version(Version(None, third)).save([4])
    catalog, _ = _versioned_world(tmp_path)
    plan = _plan_and_run(pipeline, catalog, journal, "r3")
    assert plan.to_run == ("reader",)
    why = {d.node: d.explanation for d in plan.decisions}
    assert why["reader"] == f"input 'raw' changed (version {second} -> {third})"
    assert why["bystander"] == "unchanged since its last completed run"
    assert JSONDataset(filepath=str(tmp_path / "doubled.json")).load() == [8]
    journal.close()
