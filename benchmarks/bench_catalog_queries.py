"""Catalog queries and project inspection: kedro-pure vs Kedro 1.7.0.

Usage::

    .venv/bin/python benchmarks/bench_catalog_queries.py
    .venv/bin/python benchmarks/bench_catalog_queries.py --sizes 5000,10000,20000 --nodes 5000

Workloads (seeded, identical for both libraries):

* a catalog of N explicit entries (pickle and CSV datasets, one in ten with credentials) and
  20 factory patterns, built with ``DataCatalog.from_config`` (lazily, nothing materialised);
  ``get_type`` of every entry name and of N names matching the patterns; ``filter`` by name
  regex, by type regex and by type. Each repetition builds both catalogs afresh (untimed),
  so every figure is a first call on its catalog; the two sides alternate going first.
* a generated project of ``--nodes`` nodes, and one of half as many (namespaced chains over
  40 functions, 20 patterns), written twice (kedro-pure and Kedro flavours);
  ``get_project_snapshot`` of each in fresh interpreters, the sides alternating, median of
  ``max(5, --repeat)`` processes: the import of the entry point, the first call from the
  project path (bootstrap included on both sides), and later calls given the metadata.

Printed per case: medians of wall and CPU time for both sides, ratios (Kedro / kedro-pure,
higher is better for us), and a *floor* (CPU): the least any implementation must do with no
framework (a dict lookup per name; the regex loop; for the snapshot, reading the project's
three files with tomllib and PyYAML's C loader, importing the node functions, ordering
plain tuples with graphlib, reading line spans from code objects and matching the patterns).
Growth exponents over N (CPU, between the two largest sizes) check linearity (1.0 = linear).
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


def _fresh_alternating(
    build: Callable[[], tuple[object, object]],
    work: Callable[[object], object],
    floor: Callable[[], object] | None,
    repeat: int,
) -> tuple[tuple[float, float], tuple[float, float], float | None]:
    """Median (wall, CPU) of ``work`` on kedro-pure's and on Kedro's catalog, and the floor's
    median CPU time. Every repetition builds both catalogs afresh (untimed), so each figure
    is a first call on its catalog (no cache of either side warmed by an earlier
    repetition), and the two sides alternate which goes first."""
    samples: dict[str, list[tuple[float, float]]] = {"ours": [], "kedro": [], "floor": []}
    for repetition in range(repeat):
        catalogs = dict(zip(("ours", "kedro"), build(), strict=True))
        order = ("ours", "kedro") if repetition % 2 == 0 else ("kedro", "ours")
        for side in order:
            wall, cpu = time.perf_counter(), time.process_time()
            work(catalogs[side])
            samples[side].append((time.perf_counter() - wall, time.process_time() - cpu))
        if floor is not None:
            wall, cpu = time.perf_counter(), time.process_time()
            floor()
            samples["floor"].append((time.perf_counter() - wall, time.process_time() - cpu))

    def median(side: str) -> tuple[float, float]:
        return (
            statistics.median(w for w, _ in samples[side]),
            statistics.median(c for _, c in samples[side]),
        )

    return median("ours"), median("kedro"), median("floor")[1] if floor is not None else None


def bench_catalog(sizes: list[int], repeat: int) -> None:
    from kedro.io import DataCatalog as KedroCatalog
    from kedro_datasets.pickle import PickleDataset as KedroPickle

    from shell.io.pickle_dataset import PickleDataset

    _header(f"catalog queries, {PATTERNS} patterns (N entries, N more names through patterns; floor: CPU)")
    cases = (
        # One name in ten at every N (the growth exponent compares equal work per name).
        ("filter(name_regex)", {"name_regex": re.compile(r"_\d*7$")}),
        ("filter(type_regex)", {"type_regex": "CSV"}),
        ("filter(name_regex, by_type)", {"name_regex": "dataset_", "by_type": [PickleDataset, KedroPickle]}),
    )
    growth: dict[str, tuple[list[float], list[float]]] = {
        label: ([], []) for label in ("get_type", *(label for label, _ in cases))
    }
    for n in sizes:
        config = _config(n)

        def build(config: dict[str, dict[str, object]] = config) -> tuple[object, object]:
            return (
                DataCatalog.from_config(config, CREDENTIALS).unwrap(),
                KedroCatalog.from_config(config, CREDENTIALS),
            )

        entry_names = [f"dataset_{i}" for i in range(n)]
        pattern_names = [f"x{i}_out{i % PATTERNS}" for i in range(n)]
        names = entry_names + pattern_names

        def types(cat: object, names: list[str] = names) -> None:
            get_type = cat.get_type  # type: ignore[attr-defined]
            for name in names:
                get_type(name)

        def floor_types(names: list[str] = names, config: dict[str, dict[str, object]] = config) -> None:
            for name in names:
                config.get(name)

        ours, kedro, floor = _fresh_alternating(build, types, floor_types, repeat)
        growth["get_type"][0].append(ours[1])  # CPU time: wall time on a shared machine is noisy
        growth["get_type"][1].append(kedro[1])
        _row(f"get_type, {2 * n:,} names", ours, kedro, floor)
        search = re.compile(r"_\d*7$").search

        def floor_filter(names: list[str] = entry_names, search: Callable[[str], object] = search) -> None:
            list(filter(search, names))

        for label, kwargs in cases:
            ours, kedro, floor = _fresh_alternating(
                build,
                lambda cat, kw=kwargs: cat.filter(**kw),  # type: ignore[misc]
                floor_filter if label == "filter(name_regex)" else None,
                repeat,
            )
            growth[label][0].append(ours[1])
            growth[label][1].append(kedro[1])
            _row(f"{label}, {n:,} entries", ours, kedro, floor)
    if len(sizes) > 1:
        print()
        for label, (ours_times, kedro_times) in growth.items():
            print(
                f"{label} growth exponent over N (CPU): kedro-pure {growth_exponent(sizes, ours_times):.2f}, "
                f"Kedro {growth_exponent(sizes, kedro_times):.2f}"
            )


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


# Each side's snapshot runs in a fresh interpreter (a *first* call there imports the project
# and builds its pipelines, as a first call does in a user's process; Kedro's settings and
# pipeline registry are process globals anyway). Printed: the import of the entry point, the
# first call from the project path (bootstrap included on both sides), and the median of
# ``later`` further calls given the bootstrapped metadata (Kedro's advice for repeated calls).
SIDE = """
import json, statistics, sys, time
root, later, flavour = sys.argv[1], int(sys.argv[2]), sys.argv[3]
wall, cpu = time.perf_counter(), time.process_time()
if flavour == "kedro":
    from kedro.framework.startup import bootstrap_project
    from kedro.inspection import get_project_snapshot
    take = lambda **kw: get_project_snapshot(**kw)
else:
    from shell.project import bootstrap_project
    from shell.inspection import get_project_snapshot
    take = lambda **kw: get_project_snapshot(**kw).unwrap()
    _boot = bootstrap_project
    bootstrap_project = lambda path: _boot(path).unwrap()
imported = [time.perf_counter() - wall, time.process_time() - cpu]
wall, cpu = time.perf_counter(), time.process_time()
snapshot = take(project_path=root)
first = [time.perf_counter() - wall, time.process_time() - cpu]
metadata = bootstrap_project(root)
walls, cpus = [], []
for _ in range(later):
    wall, cpu = time.perf_counter(), time.process_time()
    take(metadata=metadata)
    walls.append(time.perf_counter() - wall)
    cpus.append(time.process_time() - cpu)
print(json.dumps({"nodes": sum(len(p.nodes) for p in snapshot.pipelines), "import": imported,
                  "first": first, "later": [statistics.median(walls), statistics.median(cpus)]}))
"""

# The floor: the same snapshot with no framework. Read pyproject.toml and the two YAML files
# (PyYAML's C loader), import the node functions, build the registry's node list as plain
# tuples, order it with graphlib, take each function's file and line span from its code
# object, resolve dataset names through the 20 patterns with one compiled regex each.
FLOOR_SIDE = """
import graphlib, importlib, json, re, sys, time, tomllib
from pathlib import Path
import yaml
root, count = Path(sys.argv[1]), int(sys.argv[2])
wall, cpu = time.perf_counter(), time.process_time()
meta = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["kedro"]
sys.path.insert(0, str(root / "src"))
conf = root / "conf" / "base"
catalog = yaml.load((conf / "catalog.yml").read_text(), Loader=yaml.CSafeLoader)
parameters = sorted(yaml.load((conf / "parameters.yml").read_text(), Loader=yaml.CSafeLoader))
fns = importlib.import_module(meta["package_name"] + ".nodes")
nodes = {}
for i in range(count):
    chain, step = divmod(i, 50)
    ns = f"ns{chain % 10}.c{chain}"
    src = "raw" if step == 0 else f"{ns}.d{step - 1}_out{step % 20}"
    nodes[f"{ns}.n{step}"] = (getattr(fns, f"f{i % 40}"), (src,), (f"{ns}.d{step}_out{(step + 1) % 20}",), ns)
producer = {out: name for name, (_, _, outs, _) in nodes.items() for out in outs}
order = graphlib.TopologicalSorter(
    {name: [producer[i] for i in ins if i in producer] for name, (_, ins, _, _) in nodes.items()}
).static_order()
rows = []
for name in order:
    func, ins, outs, ns = nodes[name]
    code = func.__code__
    last = max(line for _, _, line in code.co_lines() if line is not None)
    rows.append((name, func.__name__, ns, ("t",), ins, outs, (code.co_filename, code.co_firstlineno, last)))
patterns = [(re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                                 for i, part in enumerate(re.split("[{}]", k))), re.I | re.S), v)
            for k, v in catalog.items() if "{" in k]
datasets = {k: (v["type"], v["filepath"]) for k, v in catalog.items() if "{" not in k}
for row in rows:
    for name in (*row[4], *row[5]):
        if name in datasets:
            continue
        for regex, entry in patterns:
            found = regex.fullmatch(name)
            if found:
                datasets[name] = (entry["type"], entry["filepath"].format_map(found.groupdict()))
                break
print(json.dumps({"nodes": len(rows), "first": [time.perf_counter() - wall, time.process_time() - cpu]}))
"""


def _side(script: str, *args: str) -> dict[str, object]:
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True, text=True, check=True, env={"KEDRO_DISABLE_TELEMETRY": "true", "PATH": ""},
    )
    measured: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def _medians(samples: list[dict[str, object]], key: str) -> tuple[float, float]:
    pairs = [sample[key] for sample in samples]
    return (
        statistics.median(float(pair[0]) for pair in pairs),  # type: ignore[index]
        statistics.median(float(pair[1]) for pair in pairs),  # type: ignore[index]
    )


def bench_snapshot(sizes: list[int], rounds: int) -> None:
    _header(f"get_project_snapshot, fresh processes alternating, median of {rounds} (floor: CPU)")
    firsts: dict[str, list[float]] = {"ours": [], "kedro": []}
    laters: dict[str, list[float]] = {"ours": [], "kedro": []}
    later = 3
    for nodes in sizes:
        with tempfile.TemporaryDirectory() as work:
            pure_root, kedro_root = Path(work) / "pure", Path(work) / "kedro"
            _write_project(pure_root, "bench_pure_proj", nodes, "pure")
            _write_project(kedro_root, "bench_kedro_proj", nodes, "kedro")
            samples: dict[str, list[dict[str, object]]] = {"ours": [], "kedro": [], "floor": []}
            for round_ in range(rounds):
                # Alternate which side goes first, so load swings hit both alike.
                order = ("kedro", "ours") if round_ % 2 == 0 else ("ours", "kedro")
                for side in order:
                    root = kedro_root if side == "kedro" else pure_root
                    samples[side].append(_side(SIDE, str(root), str(later), side))
                samples["floor"].append(_side(FLOOR_SIDE, str(pure_root), str(nodes)))
            for side in ("ours", "kedro", "floor"):
                assert all(sample["nodes"] == nodes for sample in samples[side]), side
        ours, kedro = samples["ours"], samples["kedro"]
        floor_cpu = _medians(samples["floor"], "first")[1]
        first_ours, first_kedro = _medians(ours, "first"), _medians(kedro, "first")
        import_ours, import_kedro = _medians(ours, "import"), _medians(kedro, "import")
        _row(f"first snapshot, {nodes:,} nodes (fresh process)", first_ours, first_kedro, floor_cpu)
        _row(
            f"import of the entry point + first snapshot, {nodes:,} nodes",
            (import_ours[0] + first_ours[0], import_ours[1] + first_ours[1]),
            (import_kedro[0] + first_kedro[0], import_kedro[1] + first_kedro[1]),
            None,
        )
        _row("import of the entry point alone", import_ours, import_kedro, None)
        later_ours, later_kedro = _medians(ours, "later"), _medians(kedro, "later")
        _row(f"later snapshots, {nodes:,} nodes (pipelines kept)", later_ours, later_kedro, None)
        firsts["ours"].append(first_ours[1])
        firsts["kedro"].append(first_kedro[1])
        laters["ours"].append(later_ours[1])
        laters["kedro"].append(later_kedro[1])
    if len(sizes) > 1:
        for label, times in (("first", firsts), ("later", laters)):
            print(
                f"snapshot growth exponent over nodes, {label} call (CPU): kedro-pure "
                f"{growth_exponent(sizes, times['ours']):.2f}, Kedro {growth_exponent(sizes, times['kedro']):.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--nodes", type=int, default=5000, help="largest project (half of it too)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("catalog", "snapshot"), help="run one of the two parts")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sys.setrecursionlimit(10_000)
    if args.only != "snapshot":
        bench_catalog([int(s) for s in args.sizes.split(",")], args.repeat)
    if args.only != "catalog":
        bench_snapshot([args.nodes // 2, args.nodes], max(5, args.repeat))


if __name__ == "__main__":
    main()
