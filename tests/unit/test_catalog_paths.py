"""Relative catalog paths become absolute under the project, as Kedro's context does."""

from __future__ import annotations

from pathlib import Path

import pytest
from kedro.framework.context.context import _convert_paths_to_absolute_posix

from core.catalog.paths import absolutise_paths

CONF = {
    "a": {"type": "pickle.PickleDataset", "filepath": "data/01_raw/a.pkl"},
    "b": {"type": "x", "filepath": "./data/b.csv", "load_args": {"path": "sub/c"}},
    "c": {"type": "x", "filepath": "s3://bucket/key.csv"},
    "d": {"type": "x", "filepath": "/abs/d.csv"},
    "e": {"type": "x", "filepath": "C:\\data\\e.csv"},
    "f": {"type": "x", "filepath": 3, "other": "rel/not/a/path/key"},
    "g": {"type": "x", "filename": "g.txt", "items": [{"path": "in/list"}]},
}


@pytest.mark.differential
def test_paths_match_kedro(tmp_path: Path) -> None:
    import copy

    theirs = _convert_paths_to_absolute_posix(tmp_path, copy.deepcopy(CONF))
    assert absolutise_paths(tmp_path.as_posix(), CONF) == theirs


def test_input_is_not_modified() -> None:
    before = repr(CONF)
    absolutise_paths("/project", CONF)
    assert repr(CONF) == before
