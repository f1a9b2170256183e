"""Catalog construction and dataset-factory resolution: kedro-pure vs Kedro 1.7.0.

Usage::

    .venv/bin/python benchmarks/bench_catalog.py
    .venv/bin/python benchmarks/bench_catalog.py --entries 5000 --patterns 20 --names 20000

Workloads (seeded, identical for both libraries):

* a ``catalog.yml`` structure with ``--entries`` explicit entries (pickle and CSV datasets;
  half with ``save_args``, one in five versioned, one in ten with credentials) and
  ``--patterns`` factory patterns of varied specificity;
* ``--names`` dataset names: most match one of the patterns (some in upper case), one in
  five matches none and falls through to the runtime default, the worst case.

Measured: ``DataCatalog.from_config`` (both libraries build lazily: no dataset is created),
resolving every name to its filled-in configuration (ours: ``core.catalog.resolve_entry``;
Kedro: ``CatalogConfigResolver.resolve_pattern``), and ``name in catalog``. The growth
exponent of resolution time over the number of names checks linearity (1.0 = linear).
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from collections.abc import Callable
from functools import partial

from _harness import Row, Seconds, growth_exponent, median_seconds, print_table

from core.catalog import parse_catalog_config, resolve_entry
from shell.io import DataCatalog

CREDENTIALS = {"dev_s3": {"key": "AKIA", "secret": "s3cr3t"}}


def interleaved_medians(
    ours: Callable[[], object], kedro: Callable[[], object], *, repeat: int
) -> tuple[float, float]:
    """Medians (wall and CPU) of alternating runs, so that load on the machine hits both alike."""
    samples: tuple[list[tuple[float, float]], list[tuple[float, float]]] = ([], [])
    for _ in range(repeat):
        for work, into in ((ours, samples[0]), (kedro, samples[1])):
            start, cpu = time.perf_counter(), time.process_time()
            work()
            into.append((time.perf_counter() - start, time.process_time() - cpu))
    ours_m, kedro_m = (
        Seconds(statistics.median(w for w, _ in side), statistics.median(c for _, c in side))
        for side in samples
    )
    return ours_m, kedro_m


def make_catalog(entries: int, patterns: int) -> dict[str, dict[str, object]]:
    """The catalog structure: explicit entries then patterns."""
    config: dict[str, dict[str, object]] = {}
    for i in range(entries):
        entry: dict[str, object] = {
            "type": "pandas.CSVDataset" if i % 2 else "pickle.PickleDataset",
            "filepath": f"data/01_raw/dataset_{i}.{'csv' if i % 2 else 'pkl'}",
        }
        if i % 2:
            entry["save_args"] = {"index": False}
        if i % 5 == 0:
            entry["versioned"] = True
        if i % 10 == 0:
            entry["credentials"] = "dev_s3"
        config[f"dataset_{i}"] = entry
    shapes = (
        "{{namespace}}.{{name}}_layer{j}",
        "{{name}}_output{j}",
        "model_{j}_{{name}}",
        "{{namespace}}.int_{{name}}_{j}",
    )
    for j in range(patterns):
        pattern = shapes[j % len(shapes)].format(j=j)
        config[pattern] = {
            "type": "pickle.PickleDataset",
            "filepath": "data/{" + pattern.split("{")[1].split("}")[0] + "}/" + f"p{j}.pkl",
        }
    return config


def make_names(count: int, patterns: int, seed: int = 11) -> list[str]:
    """Dataset names: four in five match a pattern, one in five matches nothing."""
    rng = random.Random(seed)
    names = []
    for i in range(count):
        j = rng.randrange(patterns)
        which = j % 4
        if i % 5 == 4:
            names.append(f"unmatched_dataset_{i}")
        elif which == 0:
            names.append(f"ns{i % 7}.table_{i}_layer{j}")
        elif which == 1:
            names.append(f"TABLE_{i}_OUTPUT{j}")
        elif which == 2:
            names.append(f"model_{j}_table_{i}")
        else:
            names.append(f"ns{i % 3}.int_table_{i}_{j}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--patterns", type=int, default=20)
    parser.add_argument("--names", type=int, default=20000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # Kedro warns about catch-alls and runtime patterns

    from kedro.io import DataCatalog as KedroCatalog

    config = make_catalog(args.entries, args.patterns)
    names = make_names(args.names, args.patterns)

    ours_build, kedro_build = interleaved_medians(
        lambda: DataCatalog.from_config(config, CREDENTIALS).unwrap(),
        lambda: KedroCatalog.from_config(config, CREDENTIALS),
        repeat=31,
    )

    parsed = parse_catalog_config(config, CREDENTIALS).unwrap()
    default = DataCatalog.default_runtime_patterns["{default}"]
    ours_catalog = DataCatalog.from_config(config, CREDENTIALS).unwrap()
    kedro_catalog = KedroCatalog.from_config(config, CREDENTIALS)
    resolver = kedro_catalog.config_resolver

    # Same answers before timing anything: both resolve every name to the same pattern.
    for name in names[:2000]:
        ours = resolve_entry(parsed, name, default)
        assert ours is not None
        kedro_pattern = resolver.match_dataset_pattern(
            name
        ) or resolver.match_user_catch_all_pattern(name)
        assert ours.pattern == kedro_pattern, (name, ours.pattern, kedro_pattern)
        assert (name in ours_catalog) == (name in kedro_catalog)

    literal = {name: dict(entry) for name, entry in config.items() if "{" not in name}

    def floor_resolve(subset: list[str]) -> None:
        # The floor: a dict lookup per name (no pattern matching at all).
        for name in subset:
            literal.get(name)

    def ours_resolve(subset: list[str]) -> None:
        for name in subset:
            resolve_entry(parsed, name, default)

    def kedro_resolve(subset: list[str]) -> None:
        for name in subset:
            resolver.resolve_pattern(name)

    ours_resolution, kedro_resolution = interleaved_medians(
        lambda: ours_resolve(names), lambda: kedro_resolve(names), repeat=5
    )
    ours_contains, kedro_contains = interleaved_medians(
        lambda: [n in ours_catalog for n in names],
        lambda: [n in kedro_catalog for n in names],
        repeat=5,
    )

    print_table(
        f"Catalog: {args.entries} entries, {args.patterns} patterns, {args.names} names",
        [
            Row(
                f"from_config ({args.entries} entries + {args.patterns} patterns)",
                ours_build,
                kedro_build,
            ),
            Row(
                f"resolve {args.names} names against the patterns",
                ours_resolution,
                kedro_resolution,
                median_seconds(lambda: floor_resolve(names), repeat=5),
            ),
            Row(
                f"`name in catalog` for {args.names} names",
                ours_contains,
                kedro_contains,
                median_seconds(lambda: [n in literal for n in names], repeat=5),
            ),
        ],
    )

    sizes = [args.names // 4, args.names // 2, args.names, args.names * 2]
    ours_times: list[float] = []
    kedro_times: list[float] = []
    rows = []
    for size in sizes:
        subset = make_names(size, args.patterns, seed=size)
        ours_time = median_seconds(partial(ours_resolve, subset), repeat=5)
        kedro_time = median_seconds(partial(kedro_resolve, subset), repeat=3)
        ours_times.append(ours_time)
        kedro_times.append(kedro_time)
        rows.append(
            Row(f"resolve {size} names", ours_time, kedro_time, median_seconds(partial(floor_resolve, subset)))
        )
    print_table("Resolution time by number of names", rows)
    print(
        f"\ngrowth exponent (1.0 = linear): kedro-pure {growth_exponent(sizes, ours_times):.2f}, "
        f"Kedro {growth_exponent(sizes, kedro_times):.2f}"
    )


if __name__ == "__main__":
    main()
