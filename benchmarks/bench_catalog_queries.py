"""Catalog queries and project inspection: kedro-pure vs Kedro 1.7.0.

Usage::

    .venv/bin/python benchmarks/bench_catalog_queries.py
    .venv/bin/python benchmarks/bench_catalog_queries.py --sizes 5000,10000,20000 --nodes 5000

Workloads (seeded, identical for both libraries):

* a catalog of N explicit entries (pickle and CSV datasets, one in ten with credentials) and
  20 factory patterns, built with ``DataCatalog.from_config`` (lazily, nothing materialised);
  ``get_type`` of every entry name and of N names matching the patterns; ``filter`` by name
  regex, by type regex and by type;
* a generated project of ``--nodes`` nodes (namespaced chains over 40 functions, 20 patterns)
  written twice (kedro-pure and Kedro flavours); ``get_project_snapshot`` of each.

Printed per case: wall-time medians (ratio = Kedro / kedro-pure, higher is better for us), CPU
time beside wall time for kedro-pure, and a *floor*: the cost of the least any implementation
must do (iterating the names and applying the regex once; importing no class), to show how
close to it we are. The growth exponent over N checks linearity (1.0 = linear).
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from _harness import growth_exponent

from shell.io import DataCatalog

CREDENTIALS = {"dev_s3": {"key": "AKIA", "secret": "s3cr3t"}}
PATTERNS = 20


def _config(entries: int) -> dict[str, dict[str, object]]:
    config: dict[str, dict[str, object]] = {}
    for i in range(entries):
        entry: dict[str, object] = {
            "type": "pandas.CSVDataset" if i % 2 else "pickle.PickleDataset",
            "filepath": f"data/dataset_{i}.{'csv' if i % 2 else 'pkl'}",
        }
        if i % 10 == 0:
            entry["credentials"] = "dev_s3"
        config[f"dataset_{i}"] = entry
    for j in range(PATTERNS):
        config[f"{{name}}_out{j}"] = {"type": "pickle.PickleDataset", "filepath": f"data/{{name}}_{j}.pkl"}
    return config


def _timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``work()``."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _row(case: str, ours: tuple[float, float], kedro: tuple[float, float], floor: float | None) -> None:
    wall_ratio = f"{kedro[0] / ours[0]:,.1f}x" if ours[0] > 0 else "inf"
    cpu_ratio = f"{kedro[1] / ours[1]:,.1f}x" if ours[1] > 0 else "inf"
    floor_text = _fmt(floor) if floor is not None else "-"
    print(
        f"| {case} | {_fmt(ours[0])} | {_fmt(ours[1])} | {_fmt(kedro[0])} | {_fmt(kedro[1])} "
        f"| {wall_ratio} | {cpu_ratio} | {floor_text} |"
    )


def _header(title: str) -> None:
    print(f"\n### {title}\n")
    print("| case | kedro-pure wall | kedro-pure CPU | Kedro wall | Kedro CPU | ratio (wall) | ratio (CPU) | floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")


def bench_catalog(sizes: list[int], repeat: int) -> None:
    from kedro.io import DataCatalog as KedroCatalog
    from kedro_datasets.pickle import PickleDataset as KedroPickle

    from shell.io.pickle_dataset import PickleDataset

    _header(f"catalog queries, {PATTERNS} patterns (N entries, N more names through patterns)")
    type_times: list[float] = []
    for n in sizes:
        config = _config(n)
        ours = DataCatalog.from_config(config, CREDENTIALS).unwrap()
        kedros = KedroCatalog.from_config(config, CREDENTIALS)
        entry_names = [f"dataset_{i}" for i in range(n)]
        pattern_names = [f"x{i}_out{i % PATTERNS}" for i in range(n)]
        names = entry_names + pattern_names

        def ours_types(cat: DataCatalog = ours, names: list[str] = names) -> None:
            for name in names:
                cat.get_type(name)

        def kedro_types(cat: object = kedros, names: list[str] = names) -> None:
            for name in names:
                cat.get_type(name)  # type: ignore[attr-defined]

        def floor_types(names: list[str] = names, config: dict[str, dict[str, object]] = config) -> None:
            for name in names:
                config.get(name)

        t_ours = _timed(ours_types, repeat)
        type_times.append(t_ours[1])  # CPU time: wall time on a shared machine is noisy
        _row(f"get_type, {2 * n:,} names", t_ours, _timed(kedro_types, repeat), _timed(floor_types, repeat)[0])
        for label, kwargs in (
            ("filter(name_regex)", {"name_regex": re.compile(r"_1\d*$")}),
            ("filter(type_regex)", {"type_regex": "CSV"}),
            ("filter(name_regex, by_type)", {"name_regex": "dataset_", "by_type": [PickleDataset, KedroPickle]}),
        ):
            search = re.compile(r"_1\d*$").search

            def floor_filter(names: list[str] = entry_names, search: Callable[[str], object] = search) -> None:
                [name for name in names if search(name)]

            _row(
                f"{label}, {n:,} entries",
                _timed(lambda cat=ours, kw=kwargs: cat.filter(**kw), repeat),  # type: ignore[misc]
                _timed(lambda cat=kedros, kw=kwargs: cat.filter(**kw), repeat),  # type: ignore[misc]
                _timed(floor_filter, repeat)[0] if label == "filter(name_regex)" else None,
            )
    if len(sizes) > 1:
        print(f"\nget_type growth exponent over N (kedro-pure CPU time): {growth_exponent(sizes, type_times):.2f}")


# -- project inspection ---------------------------------------------------------------------

FUNCTIONS = "\n".join(f"def f{i}(x):\n    return x\n" for i in range(40))


def _write_project(root: Path, package: str, nodes: int, flavour: str) -> None:
    source = root / "src" / package
    source.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.kedro]\npackage_name = "{package}"\nproject_name = "{package}"\n'
        'kedro_init_version = "1.7.0"\nsource_dir = "src"\n'
    )
    (source / "__init__.py").write_text("")
    (source / "nodes.py").write_text(FUNCTIONS)
    (source / "settings.py").write_text('DISABLE_HOOKS_FOR_PLUGINS = ("kedro-telemetry",)\n')
    imports = (
        "from kedro.pipeline import node, pipeline\n"
        if flavour == "kedro"
        else "from core.node import node\nfrom core.pipeline import pipeline\n"
    )
    (source / "pipeline_registry.py").write_text(
        imports
        + textwrap.dedent(
            f"""
            from {package} import nodes as fns

            def register_pipelines():
                built = []
                for i in range({nodes}):
                    chain, step = divmod(i, 50)
                    ns = f"ns{{chain % 10}}.c{{chain}}"
                    src = "raw" if step == 0 else f"{{ns}}.d{{step - 1}}_out{{step % {PATTERNS}}}"
                    built.append(node(getattr(fns, f"f{{i % 40}}"), src, f"{{ns}}.d{{step}}_out{{(step + 1) % {PATTERNS}}}",
                                      name=f"n{{step}}", namespace=ns, tags=["t"]))
                p = pipeline(built)
                return {{"__default__": p}}
            """
        )
    )
    conf = root / "conf" / "base"
    conf.mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    catalog = "".join(
        f'"{{name}}_out{j}":\n  type: pickle.PickleDataset\n  filepath: data/{{name}}_{j}.pkl\n' for j in range(PATTERNS)
    )
    (conf / "catalog.yml").write_text("raw:\n  type: pickle.PickleDataset\n  filepath: s3://k:s@b/raw.pkl\n" + catalog)
    (conf / "parameters.yml").write_text("a: 1\nb:\n  c: 2\n")


KEDRO_SIDE = """
import json, statistics, sys, time
from pathlib import Path
from kedro.framework.startup import bootstrap_project
from kedro.inspection import get_project_snapshot
root, repeat = Path(sys.argv[1]), int(sys.argv[2])
metadata = bootstrap_project(root)
first, first_cpu = time.perf_counter(), time.process_time()
snapshot = get_project_snapshot(metadata=metadata)
first, first_cpu = time.perf_counter() - first, time.process_time() - first_cpu
walls, cpus = [], []
for _ in range(repeat):
    start, cpu = time.perf_counter(), time.process_time()
    get_project_snapshot(metadata=metadata)
    walls.append(time.perf_counter() - start)
    cpus.append(time.process_time() - cpu)
print(json.dumps({"nodes": sum(len(p.nodes) for p in snapshot.pipelines), "first": [first, first_cpu],
                  "median": [statistics.median(walls), statistics.median(cpus)]}))
"""


def bench_snapshot(nodes: int, repeat: int) -> None:
    import json
    import subprocess

    from shell.inspection import get_project_snapshot

    _header(f"get_project_snapshot, {nodes:,}-node project")
    with tempfile.TemporaryDirectory() as work:
        pure_root, kedro_root = Path(work) / "pure", Path(work) / "kedro"
        _write_project(pure_root, "bench_pure_proj", nodes, "pure")
        _write_project(kedro_root, "bench_kedro_proj", nodes, "kedro")
        # Kedro's settings and pipeline registry are process globals: its side runs alone.
        done = subprocess.run(
            [sys.executable, "-c", KEDRO_SIDE, str(kedro_root), str(repeat)],
            capture_output=True, text=True, check=True, env={"KEDRO_DISABLE_TELEMETRY": "true", "PATH": ""},
        )
        kedro = json.loads(done.stdout.strip().splitlines()[-1])
        assert kedro["nodes"] == nodes
        wall, cpu = time.perf_counter(), time.process_time()
        first = get_project_snapshot(pure_root).unwrap()
        first_times = (time.perf_counter() - wall, time.process_time() - cpu)
        assert sum(len(p.nodes) for p in first.pipelines) == nodes
        _row("first snapshot (registry built)", first_times, tuple(kedro["first"]), None)
        ours = _timed(lambda: get_project_snapshot(pure_root).unwrap(), repeat)
        # Both keep a project's registered pipelines after the first call in a process.
        _row("later snapshots (registries cached)", ours, tuple(kedro["median"]), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sys.setrecursionlimit(10_000)
    bench_catalog([int(s) for s in args.sizes.split(",")], args.repeat)
    bench_snapshot(args.nodes, max(3, args.repeat // 2))


if __name__ == "__main__":
    main()
