"""The resolvers of Kedro's loader, installed only while this loader resolves.

OmegaConf keeps resolvers in one process-wide registry. Kedro mutates it for good (it
unregisters ``oc.env``, registers ``globals``/``runtime_params`` bound to the most recently
built loader, and registers custom resolvers forever), so two loaders in one process see
each other's globals. Here :func:`resolver_scope` swaps in a private copy of the registry,
adjusted for this lookup, and puts the original back afterwards, under a lock; the resolvers
read the values they are given, not mutable loader state.

Inside a scope, as in Kedro:

* every resolver registered process-wide is available, except ``oc.env``;
* ``${globals:key}`` / ``${globals:key, default}`` look up the loaded globals (dotted keys);
* ``${runtime_params:key}`` / ``${runtime_params:key, default}`` look up the runtime
  parameters, except while globals are loaded;
* ``${oc.env:VAR}`` / ``${oc.env:VAR, default}`` read the given environment mapping, only when
  one is given (the loader gives one for ``credentials`` only);
* custom resolvers are added when no resolver of that name exists yet.

OmegaConf's registry is the private ``BaseContainer._resolvers`` (there is no public way to
save and restore it); the swap touches nothing else.

The swap happens on first use: code that hands a configuration to OmegaConf inside a scope
calls :func:`install_resolvers` first. A lookup whose files are plain data (no ``${...}``)
never imports OmegaConf at all.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

__all__ = ["Resolver", "install_resolvers", "resolver_scope"]

#: A resolver function, called with the interpolation's arguments.
Resolver = Callable[..., object]

_LOCK = threading.RLock()
_NO_VALUE = object()


@cache
def _modern_api() -> bool:
    # OmegaConf 2.4 renamed the (argument-parsing) registration to register_resolver and
    # deprecated register_new_resolver; in 2.3 register_resolver is the legacy string-only API.
    from omegaconf import OmegaConf

    return "annotation_validation" in inspect.signature(OmegaConf.register_resolver).parameters


def _register(name: str, resolver: Resolver) -> None:
    from omegaconf import OmegaConf

    if _modern_api():
        OmegaConf.register_resolver(name, resolver, replace=True, annotation_validation="off")
    else:  # pragma: no cover - OmegaConf 2.3
        OmegaConf.register_new_resolver(name, resolver, replace=True)


def _globals_resolver(globals_: Mapping[str, object]) -> Resolver:
    built: list[object] = []

    def globals_value(variable: str, default: object = _NO_VALUE) -> object:
        from omegaconf import OmegaConf
        from omegaconf.errors import InterpolationResolutionError

        if variable.startswith("_"):
            raise InterpolationResolutionError(
                "Keys starting with '_' are not supported for globals."
            )
        if not built:
            built.append(OmegaConf.create(dict(globals_)))
        value = OmegaConf.select(built[0], variable, default=default)  # type: ignore[arg-type]
        if value is _NO_VALUE:
            raise InterpolationResolutionError(
                f"Globals key '{variable}' not found and no default value provided."
            )
        return value

    return globals_value


def _runtime_params_resolver(runtime_params: Mapping[str, object], found: set[str]) -> Resolver:
    built: list[object] = []

    def runtime_value(variable: str, default: object = _NO_VALUE) -> object:
        from omegaconf import OmegaConf
        from omegaconf.errors import InterpolationResolutionError

        if not built:
            built.append(OmegaConf.create(dict(runtime_params)))
        value = OmegaConf.select(built[0], variable, default=_NO_VALUE)  # type: ignore[arg-type]
        if value is not _NO_VALUE:
            # Recorded so the catalog type guard can tell a found key from a default.
            found.add(variable)
            return value
        if default is not _NO_VALUE:
            return default
        raise InterpolationResolutionError(
            f"Runtime parameter '{variable}' not found and no default value provided."
        )

    return runtime_value


def _env_resolver(environ: Mapping[str, str]) -> Resolver:
    def env(key: str, default: object = _NO_VALUE) -> str | None:
        # OmegaConf's oc.env semantics, reading the given mapping instead of os.environ.
        if key in environ:
            return environ[key]
        if default is _NO_VALUE:
            raise KeyError(f"Environment variable '{key}' not found")
        return None if default is None else str(default)

    return env


@dataclass(slots=True)
class _Scope:
    """One :func:`resolver_scope`'s resolvers, and the registry it replaced once installed."""

    globals_: Mapping[str, object]
    runtime_params: Mapping[str, object] | None
    custom_resolvers: Mapping[str, Resolver]
    environ: Mapping[str, str] | None
    found_runtime_keys: set[str]
    saved: dict[str, object] | None = None


#: The open scopes, innermost last; only the thread holding ``_LOCK`` has any.
_SCOPES: list[_Scope] = []


@contextmanager
def resolver_scope(
    *,
    globals_: Mapping[str, object],
    runtime_params: Mapping[str, object] | None,
    custom_resolvers: Mapping[str, Resolver] | None = None,
    environ: Mapping[str, str] | None = None,
    found_runtime_keys: set[str] | None = None,
) -> Iterator[None]:
    """Make this lookup's resolvers the ones OmegaConf uses for the ``with`` block.

    They are installed by the first :func:`install_resolvers` inside the block (nothing is
    imported or changed before), and the previous registry is put back when it ends.

    Args:
        globals_: The loaded globals (plain data) behind ``${globals:...}``.
        runtime_params: The runtime parameters behind ``${runtime_params:...}``; ``None``
            leaves that resolver out (while globals are loaded).
        custom_resolvers: The loader's custom resolvers.
        environ: The environment behind ``${oc.env:...}``; ``None`` leaves it out.
        found_runtime_keys: Collects the runtime-parameter keys actually found.
    """
    scope = _Scope(
        globals_,
        runtime_params,
        custom_resolvers or {},
        environ,
        found_runtime_keys if found_runtime_keys is not None else set(),
    )
    with _LOCK:
        _SCOPES.append(scope)
        try:
            yield
        finally:
            _SCOPES.pop()
            if scope.saved is not None:
                from omegaconf.basecontainer import BaseContainer

                BaseContainer._resolvers = scope.saved


def install_resolvers() -> None:
    """Install the innermost open scope's resolvers in OmegaConf, if not done yet.

    Call before handing anything to OmegaConf inside a :func:`resolver_scope`; outside any
    scope it does nothing.
    """
    with _LOCK:
        if not _SCOPES or _SCOPES[-1].saved is not None:
            return
        from omegaconf import OmegaConf
        from omegaconf.basecontainer import BaseContainer

        scope = _SCOPES[-1]
        saved = BaseContainer._resolvers
        BaseContainer._resolvers = dict(saved)
        scope.saved = saved
        OmegaConf.clear_resolver("oc.env")
        OmegaConf.clear_resolver("runtime_params")
        for name, resolver in scope.custom_resolvers.items():
            if not OmegaConf.has_resolver(name):
                _register(name, resolver)
        _register("globals", _globals_resolver(scope.globals_))
        if scope.runtime_params is not None:
            _register("runtime_params", _runtime_params_resolver(scope.runtime_params, scope.found_runtime_keys))
        if scope.environ is not None:
            _register("oc.env", _env_resolver(scope.environ))
