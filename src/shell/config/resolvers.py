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
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from omegaconf import OmegaConf
from omegaconf.basecontainer import BaseContainer
from omegaconf.errors import InterpolationResolutionError

__all__ = ["Resolver", "resolver_scope"]

#: A resolver function, called with the interpolation's arguments.
Resolver = Callable[..., object]

_LOCK = threading.RLock()
_NO_VALUE = object()
# OmegaConf 2.4 renamed the (argument-parsing) registration to register_resolver and
# deprecated register_new_resolver; in 2.3 register_resolver is the legacy string-only API.
_MODERN_API = "annotation_validation" in inspect.signature(OmegaConf.register_resolver).parameters


def _register(name: str, resolver: Resolver) -> None:
    if _MODERN_API:
        OmegaConf.register_resolver(name, resolver, replace=True, annotation_validation="off")
    else:  # pragma: no cover - OmegaConf 2.3
        OmegaConf.register_new_resolver(name, resolver, replace=True)


def _globals_resolver(globals_: Mapping[str, object]) -> Resolver:
    built: list[object] = []

    def globals_value(variable: str, default: object = _NO_VALUE) -> object:
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


@contextmanager
def resolver_scope(
    *,
    globals_: Mapping[str, object],
    runtime_params: Mapping[str, object] | None,
    custom_resolvers: Mapping[str, Resolver] | None = None,
    environ: Mapping[str, str] | None = None,
    found_runtime_keys: set[str] | None = None,
) -> Iterator[None]:
    """Install this lookup's resolvers for the duration of the ``with`` block.

    Args:
        globals_: The loaded globals (plain data) behind ``${globals:...}``.
        runtime_params: The runtime parameters behind ``${runtime_params:...}``; ``None``
            leaves that resolver out (while globals are loaded).
        custom_resolvers: The loader's custom resolvers.
        environ: The environment behind ``${oc.env:...}``; ``None`` leaves it out.
        found_runtime_keys: Collects the runtime-parameter keys actually found.
    """
    with _LOCK:
        saved = BaseContainer._resolvers
        BaseContainer._resolvers = dict(saved)
        try:
            OmegaConf.clear_resolver("oc.env")
            OmegaConf.clear_resolver("runtime_params")
            for name, resolver in (custom_resolvers or {}).items():
                if not OmegaConf.has_resolver(name):
                    _register(name, resolver)
            _register("globals", _globals_resolver(globals_))
            if runtime_params is not None:
                hits = found_runtime_keys if found_runtime_keys is not None else set()
                _register("runtime_params", _runtime_params_resolver(runtime_params, hits))
            if environ is not None:
                _register("oc.env", _env_resolver(environ))
            yield
        finally:
            BaseContainer._resolvers = saved
