"""The configuration fast paths give exactly what the OmegaConf paths give.

The session benchmark showed most of a run's time in building OmegaConf nodes, so plain files
are parsed without OmegaConf (``parse_plain_document``), configurations without
interpolations are not resolved at all, and configurations whose interpolations only call
``globals:``/``runtime_params:`` are resolved branch by branch (``resolve_config(prune=True)``).
These properties pin each fast path to the full OmegaConf path: same documents, same resolved
values, same errors (class, reason and message, ``full_key`` included).
"""

from __future__ import annotations

import json

import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException
from returns.result import Failure, Result, Success

from core.config import FrozenConfig, freeze_mapping, thaw_mapping
from core.errors import ConfigError, ConfigErrorReason
from shell.config.parsing import document_from_config, parse_config_text, parse_plain_document
from shell.config.resolution import resolve_config
from shell.config.resolvers import install_resolvers, resolver_scope

PATH = "/conf/base/parameters.yml"

keys = st.one_of(st.text("abcxyz_", min_size=1, max_size=4), st.integers(0, 3))
interpolations = st.sampled_from(
    [
        "${globals:g.k}",
        "${globals:missing}",
        "${globals:missing, 5}",
        "x/${globals:g.k}/y",
        "${runtime_params:r}",
        "${runtime_params:nope}",
        "${runtime_params:nope, [1, 2]}",
        "${globals:${runtime_params:name}}",
        "${a}",
        "${oc.select:q, 0}",  # never a key here: oc.select of an enclosing key recurses forever
        "${bad",
        "\\${globals:g.k}",
    ]
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=5),
    st.sampled_from(["???", "\\???", "1e3", "2020-01-01", "yes", "0x1f"]),
    interpolations,
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(keys, trees, max_size=5)


def _slow_document(text: str) -> object:
    parsed = parse_config_text(PATH, text)
    if isinstance(parsed, Failure):
        return parsed
    return document_from_config(PATH, parsed.unwrap())


@given(documents, st.sampled_from(["yaml", "json"]))
@example({"a": "\\???"}, "yaml")
@example({"a": {"<<": 1}}, "yaml")
def test_plain_parse_equals_omegaconf_parse(document: dict[object, object], form: str) -> None:
    text = yaml.safe_dump(document, sort_keys=False) if form == "yaml" else json.dumps(document)
    fast = parse_plain_document(PATH, text)
    slow = _slow_document(text)
    if isinstance(fast, Failure):
        assert fast == slow
    elif fast.unwrap() is not None:
        assert Success(fast.unwrap()) == slow
    else:
        # Taken only for what OmegaConf changes or must check: escapes, bad interpolations.
        assert "\\???" in text or "${bad" in text or isinstance(slow, Failure)


@given(st.sampled_from(["a: [1,\n", "a: 1\na: 2\n", "- 1\n- 2\n", "", "{}", "a: !!binary aGk=\n", "a: ${b\n"]))
def test_plain_parse_of_odd_files_equals_omegaconf(text: str) -> None:
    fast = parse_plain_document(PATH, text)
    if isinstance(fast, Failure) or fast.unwrap() is not None:
        assert (fast if isinstance(fast, Failure) else Success(fast.unwrap())) == _slow_document(text)


GLOBALS = {"g": {"k": "gv", "sub": {"x": 1}}, "top": [1, 2]}
RUNTIME = {"r": {"deep": 3}, "name": "top"}


def _whole_by_omegaconf(raw: FrozenConfig) -> Result[FrozenConfig, ConfigError]:
    """The reference: the whole configuration through OmegaConf, as before the fast paths."""
    install_resolvers()  # a scope installs its resolvers on first use
    try:
        container = OmegaConf.to_container(OmegaConf.create(thaw_mapping(raw)), resolve=True)
    except OmegaConfBaseException as exc:
        return Failure(ConfigError(ConfigErrorReason.INTERPOLATION, str(exc), path="/conf/base"))
    return freeze_mapping(container, opaque=True)


@given(documents, st.booleans())
@example({"a": "\\???"}, True)
@example({"a": {"b": "${globals:g.sub}", "c": [1, "${runtime_params:r.deep}"]}, "d": 1}, True)
@example({"a": 1, "b": "${oc.select:a, 0}"}, True)
@example({"a": {"x": 2}, "b": {"c": "${globals:g.k}", "d": "${a.x}"}}, True)
def test_fast_resolution_equals_whole_resolution(document: dict[object, object], prune: bool) -> None:
    raw = freeze_mapping(document)
    if isinstance(raw, Failure):
        return
    found_fast: set[str] = set()
    found_whole: set[str] = set()
    with resolver_scope(globals_=GLOBALS, runtime_params=RUNTIME, found_runtime_keys=found_fast):
        fast = resolve_config(raw.unwrap(), path="/conf/base", prune=prune)
    with resolver_scope(globals_=GLOBALS, runtime_params=RUNTIME, found_runtime_keys=found_whole):
        whole = _whole_by_omegaconf(raw.unwrap())
    assert fast == whole
    if isinstance(whole, Success):
        assert list(fast.unwrap()) == list(whole.unwrap())  # key order kept
        assert found_fast == found_whole
