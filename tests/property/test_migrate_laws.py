"""Laws of ``kedro-pure migrate`` on generated Kedro modules and projects.

* Idempotence: migrating a migrated module (or project) changes nothing.
* Nothing is lost: every comment survives, and the result is valid Python.
* Nothing Kedro-specific that has a counterpart is left: no ``kedro.pipeline`` import remains.
* Meaning is kept: the migrated module builds the same pipeline as the Kedro one (converted).
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

from hypothesis import example, given, settings
from hypothesis import strategies as st
from returns.result import Success

from shell.kedro_bridge.pipelines import from_kedro_pipeline
from shell.migrate import plan_migration, rewrite_module

_NAMES = st.sampled_from(["a", "b", "c", "d", "e", "params:p"])


@st.composite
def kedro_modules(draw: st.DrawFn) -> str:
    """A pipeline module written against Kedro 1.7's API, in one of its many spellings."""
    node_name = draw(st.sampled_from(["Node", "node", "make_node"]))
    pipe_name = draw(st.sampled_from(["Pipeline", "pipeline", "build"]))
    imports = {
        "Node": "Node", "node": "node", "make_node": "node as make_node",
        "Pipeline": "Pipeline", "pipeline": "pipeline", "build": "pipeline as build",
    }
    together = draw(st.booleans())
    lines = ["# generated module", "from functools import partial"]
    if together:
        lines.append(f"from kedro.pipeline import {imports[node_name]}, {imports[pipe_name]}  # both")
    else:
        lines += [f"from kedro.pipeline import {imports[node_name]}", f"from kedro.pipeline import {imports[pipe_name]}"]
    if draw(st.booleans()):
        lines.append("from kedro.io import AbstractDataset  # no counterpart")
    lines += ["", "", "def f(*args):", "    return args[0] if args else None", ""]
    annotation = " -> Pipeline" if pipe_name == "Pipeline" and draw(st.booleans()) else ""
    lines += ["", f"def create_pipeline(**kwargs){annotation}:", "    # the nodes"]
    lines.append(f"    return {pipe_name}(")
    lines.append("        [")
    outputs_used: set[str] = set()
    for index in range(draw(st.integers(1, 4))):
        inputs = draw(st.lists(_NAMES, max_size=2, unique=True))
        output = f"out{index}"
        outputs_used.add(output)
        keyword = draw(st.booleans())
        call = (
            f"{node_name}(func=f, inputs={inputs!r}, outputs={output!r}, name='n{index}')"
            if keyword
            else f"{node_name}(f, {inputs!r}, {output!r})"
        )
        comment = f"  # node {index}" if draw(st.booleans()) else ""
        lines.append(f"            {call},{comment}")
    lines.append("        ],")
    if draw(st.booleans()):
        lines.append("        namespace='space',")
    lines.append("    )")
    return "\n".join(lines) + "\n"


def comments(source: str) -> list[str]:
    return [line[line.index("#"):] for line in source.splitlines() if "#" in line]


@given(kedro_modules())
def test_migrating_twice_is_migrating_once_and_keeps_comments(source: str) -> None:
    migrated, kept = rewrite_module(source)

    ast.parse(migrated)
    assert rewrite_module(migrated) == (migrated, kept)
    assert comments(migrated) == comments(source)
    assert "from kedro.pipeline" not in migrated
    assert kept == (["kedro.io.AbstractDataset"] if "AbstractDataset" in source else [])


def load(source: str, name: str) -> ModuleType:
    """Run ``source`` as module ``name`` (generated node names hash the function's module)."""
    module = ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


@example(source="from kedro.pipeline import Node, Pipeline\ndef f(*a):\n    return 1\n\n\ndef create_pipeline():\n    return Pipeline([Node(f, [], 'out0')])\n")
@given(kedro_modules())
def test_the_migrated_module_builds_the_pipeline_kedros_builds(source: str) -> None:
    kedro_pipeline = load(source, "generated").create_pipeline()
    migrated = load(rewrite_module(source)[0], "generated").create_pipeline()

    expected = from_kedro_pipeline(kedro_pipeline)
    assert isinstance(expected, Success)
    assert [(n.name, n.inputs, n.outputs, n.namespace) for n in migrated.nodes] == [
        (n.name, n.inputs, n.outputs, n.namespace) for n in expected.unwrap().nodes
    ]


@settings(max_examples=15)
@given(st.lists(kedro_modules(), min_size=1, max_size=4))
def test_migrating_a_generated_project_twice_changes_nothing_the_second_time(
    modules: list[str],
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory)
        (project / "pyproject.toml").write_text(
            '[tool.kedro]\npackage_name = "gen_pkg"\nproject_name = "gen"\nkedro_init_version = "1.7.0"\n'
        )
        pipelines = project / "src" / "gen_pkg" / "pipelines"
        for index, source in enumerate(modules):
            (pipelines / f"p{index}").mkdir(parents=True)
            (pipelines / f"p{index}" / "pipeline.py").write_text(source)

        first = plan_migration(project).unwrap()
        for change in first.changes:
            change.path.write_text(change.after)
        second = plan_migration(project).unwrap()

        assert len(first.changes) == len(modules)
        assert second.changes == ()
