"""``NodeView``: the read-only shape of a node that the helpers around ``Node`` work on.

A structural type, so that the modules ``Node`` itself calls (running, shape checks) need
not import :mod:`core.node`, which imports them: the core's modules stay acyclic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from core.name_form import NameForm
from core.node_declaration import DatasetNames

__all__ = ["NodeView"]


class NodeView(Protocol):
    """What :class:`core.node.Node` offers to code that only reads it."""

    @property
    def func(self) -> Callable[..., Any]: ...
    @property
    def name(self) -> str: ...
    @property
    def explicit_name(self) -> str | None: ...
    @property
    def namespace(self) -> str | None: ...
    @property
    def inputs(self) -> tuple[str, ...]: ...
    @property
    def outputs(self) -> tuple[str, ...]: ...
    @property
    def input_bases(self) -> tuple[str, ...]: ...
    @property
    def output_bases(self) -> tuple[str, ...]: ...
    @property
    def input_form(self) -> NameForm: ...
    @property
    def output_form(self) -> NameForm: ...
    @property
    def input_keywords(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def output_keys(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def declared_inputs(self) -> DatasetNames: ...
    @property
    def func_name(self) -> str: ...
