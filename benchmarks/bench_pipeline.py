"""Pipeline construction, filtering and grouping: kedro-pure vs Kedro 1.7.0, side by side.

Usage::

    .venv/bin/python benchmarks/bench_pipeline.py            # N = 1k, 5k, 20k
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 1000 5000

Workloads are seeded: a chain, a layered graph (layers of 100, two parents each) and a
random DAG (up to three earlier parents), each plain and namespaced (nested namespaces in
blocks of 50 nodes). Every node is tagged ``t{i % 10}``. The same specs build nodes in both
libraries; timings exclude node creation. Kedro's namespaced 20k runs go through a forked
child with a memory cap and a time limit because Kedro can go quadratic there.
"""

from __future__ import annotations

import argparse
import graphlib
import random
from dataclasses import dataclass
from typing import Any

from _harness import Row, Seconds, cpu_of, growth_exponent, guarded, median_seconds, print_table

import core
from core.filters import filter_pipeline


def step(*values: object) -> object:
    """A trivial node function accepting any number of inputs."""
    return values[0] if values else None


@dataclass(frozen=True)
class Spec:
    name: str
    inputs: tuple[str, ...]
    output: str
    tag: str
    namespace: str | None


def make_specs(shape: str, n: int, *, namespaced: bool, seed: int = 7) -> list[Spec]:
    rng = random.Random(seed)
    specs: list[Spec] = []
    for i in range(n):
        if shape == "chain":
            inputs: tuple[str, ...] = (f"d{i - 1}",) if i else ("source",)
        elif shape == "layered":
            width = 100
            layer = i // width
            if layer == 0:
                inputs = (f"source{i}",)
            else:
                lo = (layer - 1) * width
                inputs = tuple(sorted({f"d{rng.randrange(lo, lo + width)}" for _ in range(2)}))
        else:
            k = rng.randint(0, 3)
            inputs = tuple(sorted({f"d{rng.randrange(i)}" for _ in range(k)})) if i else ()
            if not inputs:
                inputs = (f"source{i}",)
        namespace = f"g{i // 50}.s{(i // 10) % 5}" if namespaced else None
        specs.append(Spec(f"n{i}", inputs, f"d{i}", f"t{i % 10}", namespace))
    return specs


def ours_nodes(specs: list[Spec]) -> list[core.Node]:
    return [
        core.node(step, list(s.inputs), s.output, name=s.name, tags=s.tag, namespace=s.namespace)
        for s in specs
    ]


def kedro_nodes(specs: list[Spec]) -> list[Any]:
    from kedro.pipeline import node as knode

    return [
        knode(step, list(s.inputs), s.output, name=s.name, tags=s.tag, namespace=s.namespace)
        for s in specs
    ]


def full_name(s: Spec) -> str:
    return f"{s.namespace}.{s.name}" if s.namespace else s.name


# -- the floor: the same work with no framework ------------------------------------------------


def floor_nodes(specs: list[Spec]) -> list[tuple[object, ...]]:
    """What node() must at least do: one record per node."""
    return [(step, s.inputs, s.output, full_name(s), s.tag, s.namespace) for s in specs]


def floor_build(specs: list[Spec]) -> tuple[dict[str, set[str]], list[list[str]]]:
    """A dict-of-sets graph and its topological layers (graphlib), names sorted per layer."""
    producer = {s.output: full_name(s) for s in specs}
    graph = {full_name(s): {producer[i] for i in s.inputs if i in producer} for s in specs}
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    layers: list[list[str]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        layers.append(ready)
        sorter.done(*ready)
    return graph, layers


def _reach(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def floor_filter(specs: list[Spec], parents: dict[str, set[str]], kw: dict[str, list[str]]) -> list[Spec]:
    """The selection ``filter`` makes, on plain dicts and sets, and the kept specs."""
    children: dict[str, set[str]] = {name: set() for name in parents}
    for name, ps in parents.items():
        for parent in ps:
            children[parent].add(name)
    kept: set[str] | None = None
    for key, values in kw.items():
        wanted = set(values)
        if key == "tags":
            chosen = {full_name(s) for s in specs if s.tag in wanted}
        elif key == "from_nodes":
            chosen = _reach(wanted, children)
        elif key == "to_nodes":
            chosen = _reach(wanted, parents)
        elif key == "node_names":
            chosen = wanted
        elif key == "from_inputs":
            chosen = _reach({full_name(s) for s in specs if wanted & set(s.inputs)}, children)
        elif key == "to_outputs":
            chosen = _reach({full_name(s) for s in specs if s.output in wanted}, parents)
        else:
            chosen = {
                full_name(s) for s in specs
                if s.namespace and any(s.namespace == w or s.namespace.startswith(w + ".") for w in wanted)
            }
        kept = chosen if kept is None else kept & chosen
    return [s for s in specs if kept is None or full_name(s) in kept]


def filter_cases(specs: list[Spec], namespaced: bool) -> dict[str, dict[str, list[str]]]:
    n = len(specs)
    rng = random.Random(11)
    cases = {
        "tags": {"tags": ["t1"]},
        "from_nodes": {"from_nodes": [full_name(specs[n // 2])]},
        "to_nodes": {"to_nodes": [full_name(specs[n // 2])]},
        "node_names": {"node_names": [full_name(s) for s in rng.sample(specs, 10)]},
        "from_inputs": {"from_inputs": [specs[n // 4].output]},
        "to_outputs": {"to_outputs": [specs[3 * n // 4].output]},
        "combined": {
            "from_nodes": [full_name(specs[n // 4])],
            "to_nodes": [full_name(specs[3 * n // 4])],
            "tags": [f"t{k}" for k in range(6)],
        },
    }
    if namespaced:
        cases["node_namespaces"] = {"node_namespaces": ["g3"]}
    return cases


def _kedro_filter(kp: Any, kw: dict[str, list[str]]) -> object:
    # Kedro raises for an empty selection where kedro-pure returns a Failure: both are timed.
    try:
        return kp.filter(**kw)
    except ValueError as exc:
        return exc


def bench_workload(shape: str, n: int, namespaced: bool) -> list[Row]:
    specs = make_specs(shape, n, namespaced=namespaced)
    mine = ours_nodes(specs)
    label = f"{shape}{' ns' if namespaced else ''} N={n}"
    rows: list[Row] = []
    built = core.pipeline(mine).unwrap()
    ours_build = median_seconds(lambda: core.pipeline(mine).unwrap())
    ours_create = median_seconds(lambda: core.pipeline(ours_nodes(specs)).unwrap(), repeat=3)
    cases = filter_cases(specs, namespaced)
    ours_filters = {
        case: median_seconds(lambda kw=kw: filter_pipeline(built, **kw))  # type: ignore[misc]
        for case, kw in cases.items()
    }

    graph, _ = floor_build(specs)
    floor_build_time = median_seconds(lambda: floor_build(specs))
    floor_create = median_seconds(lambda: (floor_nodes(specs), floor_build(specs)), repeat=3)
    floor_filters = {
        case: median_seconds(lambda kw=kw: floor_filter(specs, graph, kw))  # type: ignore[misc]
        for case, kw in cases.items()
    }

    def kedro_all() -> dict[str, Seconds]:
        from kedro.pipeline import Pipeline as KPipeline

        theirs = kedro_nodes(specs)
        out = {"build": median_seconds(lambda: KPipeline(theirs), repeat=3)}
        out["create+build+grouped"] = median_seconds(
            lambda: KPipeline(kedro_nodes(specs)).grouped_nodes, repeat=3
        )
        out["build+grouped"] = median_seconds(lambda: KPipeline(theirs).grouped_nodes, repeat=3)
        kp = KPipeline(theirs)
        for case, kw in cases.items():
            out[case] = median_seconds(lambda kw=kw: _kedro_filter(kp, kw), repeat=3)  # type: ignore[misc]
        return out

    heavy = n >= 20_000 and namespaced
    if heavy:
        outcome = guarded(kedro_all, timeout=240.0)
        kedro: dict[str, Seconds | str] = (
            {k: outcome for k in ["build", "build+grouped", "create+build+grouped", *cases]}
            if isinstance(outcome, str)
            else dict(outcome)
        )
    else:
        kedro = dict(kedro_all())
    rows.append(
        Row(f"{label}: node() calls + build + grouped_nodes", ours_create, kedro["create+build+grouped"], floor_create)
    )
    rows.append(Row(f"{label}: build (incl. grouped_nodes)", ours_build, kedro["build+grouped"], floor_build_time))
    rows.append(Row(f"{label}: build only", ours_build, kedro["build"], floor_build_time))
    for case in cases:
        rows.append(Row(f"{label}: filter {case}", ours_filters[case], kedro[case], floor_filters[case]))
    return rows


def bench_sum() -> Row:
    from kedro.pipeline import Pipeline as KPipeline

    pieces = [make_specs("chain", 20, namespaced=False, seed=i) for i in range(200)]
    renamed = [
        [Spec(f"p{j}_{s.name}", tuple(f"p{j}_{x}" for x in s.inputs), f"p{j}_{s.output}", s.tag, None) for s in piece]
        for j, piece in enumerate(pieces)
    ]
    ours = [core.pipeline(ours_nodes(p)).unwrap() for p in renamed]
    theirs = [KPipeline(kedro_nodes(p)) for p in renamed]
    return Row(
        "sum of 200 pipelines of 20 nodes",
        median_seconds(lambda: sum(ours[1:], ours[0])),
        median_seconds(lambda: sum(theirs[1:], theirs[0]), repeat=3),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    parser.add_argument("--shapes", nargs="+", default=["chain", "layered", "random"])
    args = parser.parse_args(argv)
    growth: dict[str, list[tuple[int, float]]] = {}
    for shape in args.shapes:
        for namespaced in (False, True):
            rows: list[Row] = []
            for n in args.sizes:
                workload = bench_workload(shape, n, namespaced)
                rows.extend(workload)
                for row in workload:
                    key = row.case.split(": ", 1)[1] + f" [{shape}{' ns' if namespaced else ''}]"
                    cpu = cpu_of(row.ours)
                    growth.setdefault(key, []).append((n, cpu if isinstance(cpu, float) else row.ours))
            print_table(f"{shape}{' namespaced' if namespaced else ''}", rows)
    print_table("composition", [bench_sum()])
    if len(args.sizes) > 1:
        print("\n### Growth exponent of kedro-pure's CPU time between the two largest N (1.0 = linear)\n")
        print("| operation | exponent |")
        print("|---|---:|")
        for key, points in growth.items():
            sizes, secs = zip(*points, strict=True)
            print(f"| {key} | {growth_exponent(sizes, secs):.2f} |")


if __name__ == "__main__":
    main()


