"""The codemod for one module: Kedro's imports and calls rewritten to kedro-pure's, with libcst.

libcst keeps the concrete syntax tree, so comments, blank lines and formatting survive; only
the names and calls below change. A module that imports nothing :data:`RENAMES` knows is
returned unchanged, which makes the rewrite idempotent: its output imports nothing from Kedro
that it could rewrite again.

What changes (``local`` is the name the module bound by its import, aliases included):

* imports: each ``from kedro... import Name`` that kedro-pure has a counterpart for becomes an
  import of that counterpart (``core``, ``shell.project``, ``shell.session``, ...); names
  without one stay imported from Kedro;
* ``Node(...)``/``node(...)`` become ``node(...)`` (same arguments);
* ``Pipeline(...)``/``pipeline(...)`` become ``pipeline(...).unwrap()`` (kedro-pure's returns a
  ``Result``); ``Pipeline`` in annotations stays, imported from ``core``;
* Kedro's ``find_pipelines(...)`` becomes ``find_pipelines(__package__, names=names, ...)
  .unwrap()``, and the ``register_pipelines()`` around it takes ``names`` (selective loading);
* ``KedroSession.create(...)`` and a ``bootstrap_project(...)`` whose value is used get
  ``.unwrap()``;
* in a module that imported from Kedro, the pipeline filter methods (``p.from_nodes(...)``,
  ``p.to_nodes(...)``, ``p.only_nodes_with_tags(...)``, ``p.filter(...)``, ...) become
  ``from_nodes(p, ...).unwrap()`` and so on, from :mod:`core.filters`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import libcst as cst

__all__ = ["FILTER_METHODS", "RENAMES", "rewrite_module"]

Role = Literal["node", "pipeline_class", "pipeline", "find_pipelines", "session", "bootstrap", "plain"]


@dataclass(frozen=True)
class _Target:
    module: str
    name: str
    role: Role = "plain"


#: ``(kedro module, name)`` -> kedro-pure's counterpart.
RENAMES: Final[Mapping[tuple[str, str], _Target]] = {
    **{
        (module, name): target
        for module in ("kedro.pipeline", "kedro.pipeline.node", "kedro.pipeline.pipeline")
        for name, target in (
            ("Node", _Target("core", "node", "node")),
            ("node", _Target("core", "node", "node")),
            ("Pipeline", _Target("core", "Pipeline", "pipeline_class")),
            ("pipeline", _Target("core", "pipeline", "pipeline")),
        )
    },
    ("kedro.framework.project", "find_pipelines"): _Target("shell.project", "find_pipelines", "find_pipelines"),
    ("kedro.framework.session", "KedroSession"): _Target("shell.session", "KedroSession", "session"),
    ("kedro.framework.session.session", "KedroSession"): _Target("shell.session", "KedroSession", "session"),
    ("kedro.framework.startup", "bootstrap_project"): _Target("shell.project", "bootstrap_project", "bootstrap"),
    ("kedro.io", "DataCatalog"): _Target("shell.io", "DataCatalog"),
    ("kedro.io", "MemoryDataset"): _Target("shell.io", "MemoryDataset"),
    ("kedro.io", "SharedMemoryDataCatalog"): _Target("shell.io", "SharedMemoryDataCatalog"),
    ("kedro.runner", "SequentialRunner"): _Target("shell.runners", "SequentialRunner"),
    ("kedro.runner", "ThreadRunner"): _Target("shell.runners", "ThreadRunner"),
    ("kedro.runner", "ParallelRunner"): _Target("shell.runners", "ParallelRunner"),
    ("kedro.config", "OmegaConfigLoader"): _Target("shell.config", "OmegaConfigLoader"),
    ("kedro.framework.context", "KedroContext"): _Target("shell.context", "KedroContext"),
    ("kedro.framework.session.store", "BaseSessionStore"): _Target("shell.store.base", "BaseSessionStore"),
    ("kedro.framework.hooks", "hook_impl"): _Target("shell.hooks", "hook_impl"),
    # The template's __main__.py: `python -m <package>` runs `kedro-pure run`.
    ("kedro.framework.project", "configure_project"): _Target("shell.cli.project_entry", "configure_project"),
    ("kedro.framework.cli.utils", "find_run_command"): _Target("shell.cli.project_entry", "find_run_command"),
}

#: Kedro's ``Pipeline`` filter methods and the :mod:`core.filters` functions that replace them.
FILTER_METHODS: Final[Mapping[str, str]] = {
    "only_nodes": "only_nodes",
    "only_nodes_with_tags": "only_nodes_with_tags",
    "only_nodes_with_namespaces": "only_nodes_with_namespaces",
    "only_nodes_with_inputs": "only_nodes_with_inputs",
    "only_nodes_with_outputs": "only_nodes_with_outputs",
    "from_nodes": "from_nodes",
    "to_nodes": "to_nodes",
    "from_inputs": "from_inputs",
    "to_outputs": "to_outputs",
    "filter": "filter_pipeline",
}

_REGISTRY_FUNCTION: Final = "register_pipelines"
_NO_SPACES: Final = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def rewrite_module(source: str) -> tuple[str, list[str]]:
    """Rewrite one module's source.

    Returns:
        The new source (``source`` itself when nothing applies) and the Kedro names the module
        still imports because kedro-pure has no counterpart for them.
    """
    if "kedro" not in source:
        return source, []
    module = cst.parse_module(source)
    usage = _NameUsage()
    module.visit(usage)
    transformer = _KedroToPure(usage)
    new = module.visit(transformer)
    return new.code, sorted(set(transformer.kept))


def _unwrapped(call: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=call, attr=cst.Name("unwrap")))


def _dotted(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr.value}"
    return ""


def _import_line(module: str, names: Sequence[tuple[str, str | None]]) -> cst.SimpleStatementLine:
    aliases = [
        cst.ImportAlias(
            name=cst.Name(name), asname=cst.AsName(name=cst.Name(alias)) if alias else None
        )
        for name, alias in names
    ]
    return cst.SimpleStatementLine(
        body=[cst.ImportFrom(module=cst.parse_expression(module), names=aliases)]  # type: ignore[arg-type]
    )


class _NameUsage(cst.CSTVisitor):
    """How often each name is read, and how often it is called (imports not counted)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[str, int] = {}
        self.calls: dict[str, int] = {}

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.reads[node.value] = self.reads.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.calls[node.func.value] = self.calls.get(node.func.value, 0) + 1

    def called(self, name: str) -> bool:
        return self.calls.get(name, 0) > 0

    def read_otherwise(self, name: str) -> bool:
        return self.reads.get(name, 0) > self.calls.get(name, 0)


class _KedroToPure(cst.CSTTransformer):
    def __init__(self, usage: _NameUsage) -> None:
        super().__init__()
        self.usage = usage
        #: local name -> role, for names bound by a rewritten import
        self.roles: dict[str, Role] = {}
        self.kept: list[str] = []
        self.imported_kedro = False
        self.filters_used: set[str] = set()
        self.registry_calls_find = False
        self._statement_calls: set[int] = set()

    # -- imports ---------------------------------------------------------------------------

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(updated_node.body) != 1 or not isinstance(updated_node.body[0], cst.ImportFrom):
            return updated_node
        statement = updated_node.body[0]
        module = _dotted(statement.module) if statement.module is not None else ""
        if statement.relative or not (module == "kedro" or module.startswith("kedro.")):
            return updated_node
        self.imported_kedro = True
        if isinstance(statement.names, cst.ImportStar):
            self.kept.append(f"{module}.*")
            return updated_node
        moved: dict[str, list[tuple[str, str | None]]] = {}
        kept: list[cst.ImportAlias] = []
        for alias in statement.names:
            name = _dotted(alias.name)
            local = alias.evaluated_alias or name
            target = RENAMES.get((module, name))
            if target is None:
                kept.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                self.kept.append(f"{module}.{name}")
                continue
            self.roles[local] = target.role
            wanted: list[tuple[str, str | None]] = []
            if target.role == "node":
                wanted.append(("node", None))  # calls are renamed to ``node``
            elif target.role == "pipeline_class":
                # Calls become ``pipeline(...)``; other uses (annotations) keep the class.
                if self.usage.called(local):
                    wanted.append(("pipeline", None))
                if self.usage.read_otherwise(local) or not self.usage.called(local):
                    wanted.append(("Pipeline", None if local == "Pipeline" else local))
            else:
                wanted.append((target.name, None if local == name else local))
            entries = moved.setdefault(target.module, [])
            entries.extend(w for w in wanted if w not in entries)
        lines: list[cst.BaseStatement] = []
        if kept:
            lines.append(updated_node.with_changes(body=[statement.with_changes(names=kept)]))
        for target_module, names in moved.items():
            lines.append(_import_line(target_module, names))
        if not lines:
            return cst.FlattenSentinel([])
        first = lines[0]
        assert isinstance(first, cst.SimpleStatementLine)
        lines[0] = first.with_changes(
            leading_lines=updated_node.leading_lines, trailing_whitespace=updated_node.trailing_whitespace
        )
        return cst.FlattenSentinel(lines)

    # -- the registry function -------------------------------------------------------------

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if updated_node.name.value != _REGISTRY_FUNCTION or not self.registry_calls_find:
            return updated_node
        params = updated_node.params
        if (
            params.params
            or params.kwonly_params
            or params.posonly_params
            or isinstance(params.star_arg, cst.Param | cst.ParamStar)
            or params.star_kwarg is not None
        ):
            return updated_node
        names = cst.Param(
            name=cst.Name("names"),
            annotation=cst.Annotation(annotation=cst.parse_expression("list[str] | None")),
            default=cst.Name("None"),
        )
        return updated_node.with_changes(params=params.with_changes(params=[names]))

    # -- calls -----------------------------------------------------------------------------

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Call):
            self._statement_calls.add(id(node.value))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if isinstance(func, cst.Name):
            role = self.roles.get(func.value)
            if role == "node":
                return updated_node.with_changes(func=cst.Name("node"))
            if role == "pipeline_class":
                return _unwrapped(updated_node.with_changes(func=cst.Name("pipeline")))
            if role == "pipeline":
                return _unwrapped(updated_node)
            if role == "find_pipelines":
                self.registry_calls_find = True
                args = [
                    cst.Arg(value=cst.Name("__package__")),
                    cst.Arg(keyword=cst.Name("names"), value=cst.Name("names"), equal=_NO_SPACES),
                    *updated_node.args,
                ]
                return _unwrapped(updated_node.with_changes(args=_commas(args)))
            if role == "bootstrap" and id(original_node) not in self._statement_calls:
                return _unwrapped(updated_node)
            return updated_node
        if isinstance(func, cst.Attribute):
            owner = func.value
            if (
                isinstance(owner, cst.Name)
                and self.roles.get(owner.value) == "session"
                and func.attr.value == "create"
            ):
                return _unwrapped(updated_node)
            replacement = FILTER_METHODS.get(func.attr.value)
            if replacement is not None and self.imported_kedro and self._looks_like_pipeline(owner):
                self.filters_used.add(replacement)
                args = [cst.Arg(value=owner), *updated_node.args]
                return _unwrapped(
                    updated_node.with_changes(func=cst.Name(replacement), args=_commas(args))
                )
        return updated_node

    @staticmethod
    def _looks_like_pipeline(owner: cst.BaseExpression) -> bool:
        # ``x.filter(...)`` on a string or a list is not a pipeline's; a call or a name may be.
        return isinstance(owner, cst.Call | cst.Name | cst.Attribute)

    # -- the module ------------------------------------------------------------------------

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        extra: list[cst.BaseStatement] = []
        if self.filters_used:
            extra.append(_import_line("core.filters", [(f, None) for f in sorted(self.filters_used)]))
        if not extra:
            return updated_node
        body = list(updated_node.body)
        position = _after_imports(body)
        return updated_node.with_changes(body=[*body[:position], *extra, *body[position:]])


def _commas(args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """``args`` with a comma after every argument but the last (which keeps its own)."""
    out = []
    for i, arg in enumerate(args):
        if i < len(args) - 1 and arg.comma is cst.MaybeSentinel.DEFAULT:
            arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        out.append(arg)
    return out


def _after_imports(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the module's last top-level import among its leading statements."""
    last = 0
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(s, cst.Import | cst.ImportFrom) for s in statement.body
        ):
            last = index + 1
    return last
