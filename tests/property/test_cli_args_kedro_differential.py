"""Kedro's command-line value syntax, against Kedro 1.7.0's own parsing functions.

``core.cli_args`` (and ``shell.cli.common.parse_params`` for ``--params``) must split
exactly as ``kedro run`` does, quirks included, and fail on exactly the same inputs with the
same messages. Inputs are drawn from the characters the rules care about.
"""

from __future__ import annotations

import click
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from kedro.framework.cli.utils import (
    KedroCliError,
    _split_load_versions,
    _split_params,
    split_node_names,
    split_string,
)
from omegaconf.errors import OmegaConfBaseException
from returns.result import Failure, Success

from core.cli_args import split_csv, split_load_versions
from core.cli_args import split_node_names as pure_split_node_names
from shell.cli.common import parse_params

pytestmark = pytest.mark.differential

#: Separators, brackets, the key/value and name/version marks, spaces, and a few letters.
option_text = st.text(alphabet=" ,[]=:.ab1/", max_size=24)


@given(option_text)
@example("a, ,b,,c")
def test_comma_lists_split_as_kedro_splits_them(value: str) -> None:
    assert split_csv(value) == split_string(None, None, value)  # type: ignore[arg-type]


@given(option_text)
@example("a,b , f([x,y]) -> [z],c")
@example("a, ,b,,c")
@example("]a,[b,c")
def test_node_names_split_as_kedro_splits_them(value: str) -> None:
    assert pure_split_node_names(value) == split_node_names(None, None, value)  # type: ignore[arg-type]


@given(option_text)
@example("a:1,")
@example("a : v")
@example(":v")
@example("a:")
@example(" ")
@example("ds2:v:2")
@example("a:../x")
def test_load_versions_split_and_fail_as_kedro(value: str) -> None:
    try:
        expected: object = _split_load_versions(None, None, value)  # type: ignore[arg-type]
    except KedroCliError as exc:
        expected = str(exc)

    ours = split_load_versions(value)

    if isinstance(ours, Success):
        assert ours.unwrap() == expected
    else:
        assert ours.failure().message == expected


#: ``--params`` items: keys that nest, clash or are empty; values of every YAML type, and
#: some OmegaConf or YAML cannot read.
params_text = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "a.b", "a.c", " x ", "", "k.l.m", "a.0", "a..b"]),
        st.sampled_from(["=", ""]),
        st.sampled_from(["1", "2.5", "yes", "null", "", "'q'", "[1]", "x=y", "0x10", " hi ", "[", "{k: 1}", "*x"]),
    ),
    max_size=5,
).map(lambda items: ",".join(f"{k}{sep}{v}" for k, sep, v in items))


@given(params_text)
@example("x.y.z=3,x.y.w=hi")
@example("k=v=w")
@example("a")
@example(" =1")
@example("a=[1],a.b=1")
def test_params_parse_and_fail_as_kedro(value: str) -> None:
    option = click.Option(["--params"])
    context = click.Context(click.Command("run"))
    try:
        expected: object = _split_params(context, option, value)
    except click.UsageError as exc:
        expected = exc.message
    except (OmegaConfBaseException, yaml.YAMLError, ValueError, TypeError):
        # Kedro lets OmegaConf's (and YAML's) errors escape, a traceback; ours is a value.
        expected = OmegaConfBaseException

    ours = parse_params("params", value)

    if expected is OmegaConfBaseException:
        assert isinstance(ours, Failure)
        assert ours.failure().message.startswith("Invalid value in `params`: ")
    elif isinstance(ours, Failure):
        assert ours.failure().message == expected
    else:
        assert ours.unwrap() == expected


def test_a_mapping_from_a_config_file_is_used_as_it_is_as_kedro_does() -> None:
    given_mapping = {"model": {"layers": [1, 2]}, "a.b": 1}
    option = click.Option(["--params"])

    assert parse_params("params", given_mapping) == Success(
        _split_params(click.Context(click.Command("run")), option, given_mapping)
    )
