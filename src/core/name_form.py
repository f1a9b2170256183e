"""``NameForm``: how a node's inputs or outputs were declared (its own module so that the
modules calling node functions need not import :mod:`core.node` at run time)."""

from __future__ import annotations

import enum

__all__ = ["NameForm"]


class NameForm(enum.Enum):
    """How a node's inputs or outputs were declared, which decides how the function is called."""

    #: ``None``: no datasets
    NONE = "none"
    #: ``"a"``: one dataset, passed (or returned) as a single value
    SINGLE = "single"
    #: ``["a", "b"]``: positional arguments / a returned list or tuple
    LIST = "list"
    #: ``{"param": "a"}``: keyword arguments / a returned dict
    DICT = "dict"
