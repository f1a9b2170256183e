"""A lookup over plain configuration files imports neither OmegaConf nor fsspec, and gives
what it gave when it imported both.

* plain files are read with OmegaConf's own YAML loader loaded on its own
  (``shell.config.parsing``): every accepted or refused document reads the same with
  OmegaConf imported and without;
* resolvers are installed on first use (``shell.config.resolvers``): a file with
  interpolations still resolves them, with the scope's globals;
* a plain local ``conf_source`` gets :class:`shell.config.source.LocalConfigSource`, which
  answers what the fsspec source answers (listing, names, contents, missing directories).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import fsspec
import pytest
from returns.result import Failure

from shell.config import OmegaConfigLoader
from shell.config.parsing import parse_plain_document
from shell.config.source import FsspecConfigSource, LocalConfigSource, open_config_source
from tests.unit.file_trees import write_tree

#: Documents that exercise the YAML loader: OmegaConf's float rule, no timestamps, YAML 1.1
#: booleans, anchors, duplicate keys, syntax errors, an alias bomb past OmegaConf's limit.
DOCUMENTS = {
    "floats": "a: 1e3\nb: 1.5e-3\nc: .inf\nd: 1_000\ne: 0x1F\nf: 010\n",
    "timestamps": "when: 2001-12-14\nat: 2001-12-14t21:59:43.10-05:00\n",
    "booleans": "a: yes\nb: off\nc: ~\nd: null\n",
    "anchors": "base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  y: 3\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "syntax": "a: [1, 2\nb: 3\n",
    "tab": "a:\n\tb: 1\n",
    "not a mapping": "- 1\n- 2\n",
    "interpolation": "a: ${b}\nb: 1\n",
    "bad interpolation": "a: ${b\n",
    "escaped": "a: \\???\n",
    "bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(4)),
    "empty": "",
}

_PARSE_ALL = """
import json, sys
if sys.argv[1:] == ["omegaconf first"]:
    import omegaconf
from shell.config.parsing import parse_plain_document
documents = json.loads(sys.stdin.read())
print(json.dumps({name: repr(parse_plain_document("f.yml", text)) for name, text in documents.items()}))
print(json.dumps(sorted(m for m in ("omegaconf", "fsspec") if m in sys.modules)))
"""

_LOAD = """
import json, sys
from shell.config import OmegaConfigLoader
loader = OmegaConfigLoader(sys.argv[1], base_env="base", default_run_env="local")
print(json.dumps({key: loader[key] for key in sys.argv[2:]}, default=repr))
print(json.dumps(sorted(m for m in ("omegaconf", "fsspec") if m in sys.modules)))
"""


def _fresh(script: str, *args: str, stdin: str = "") -> tuple[object, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], input=stdin, capture_output=True, text=True, check=True
    )
    result, modules = done.stdout.strip().splitlines()[-2:]
    return json.loads(result), json.loads(modules)


def test_plain_documents_read_the_same_without_omegaconf_imported() -> None:
    fresh, modules = _fresh(_PARSE_ALL, stdin=json.dumps(DOCUMENTS))
    # The reference: OmegaConf imported first, so its loader is taken from OmegaConf itself.
    reference, _ = _fresh(_PARSE_ALL, "omegaconf first", stdin=json.dumps(DOCUMENTS))
    assert fresh == reference
    assert isinstance(parse_plain_document("f.yml", DOCUMENTS["bomb"]), Failure)
    # Only the interpolation documents needed OmegaConf (to check their grammar).
    assert modules == ["omegaconf"]


def _conf(root: Path, files: dict[str, str]) -> Path:
    conf = write_tree(root / "conf", files)
    (conf / "local").mkdir(exist_ok=True)
    return conf


def test_a_plain_project_loads_without_omegaconf_or_fsspec(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        {
            "base/catalog.yml": "raw:\n  type: pandas.CSVDataset\n  filepath: data/raw.csv\n",
            "base/parameters.yml": "a: 1\nb: {c: [1, 2.5e3]}\n",
            "base/parameters/more.yml": "d: x\n",
        },
    )
    fresh, modules = _fresh(_LOAD, str(conf), "catalog", "parameters")
    loader = OmegaConfigLoader(str(conf), base_env="base", default_run_env="local")
    assert fresh == {"catalog": loader["catalog"], "parameters": loader["parameters"]}
    assert modules == []


def test_interpolations_still_resolve_when_omegaconf_comes_late(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        {
            "base/globals.yml": "bucket: s3://b\n",
            "base/catalog.yml": "raw:\n  type: pandas.CSVDataset\n  filepath: ${globals:bucket}/raw.csv\n",
            "base/parameters.yml": "a: 1\nb: ${a}\nc: ${runtime_params:missing, 7}\n",
        },
    )
    fresh, modules = _fresh(_LOAD, str(conf), "catalog", "parameters")
    assert fresh == {
        "catalog": {"raw": {"type": "pandas.CSVDataset", "filepath": "s3://b/raw.csv"}},
        "parameters": {"a": 1, "b": 1, "c": 7},
    }
    assert modules == ["omegaconf"]


def _tree(root: Path) -> None:
    write_tree(
        root,
        {
            "base/catalog.yml": "a: 1\n",
            "base/.hidden.yml": "h: 1\n",
            "base/nested/deep/parameters_x.yml": "p: 1\n",
            "base/nested/notes.txt": "n",
            "base/latin1.yml": "",
            "outside/shared.yml": "s: 1\n",
            "local/.gitkeep": "",
        },
    )
    (root / "base" / "latin1.yml").write_bytes(b"a: \xe9\n")
    (root / "base" / "linked_dir").symlink_to(root / "outside", target_is_directory=True)
    (root / "base" / "linked_file.yml").symlink_to(root / "outside" / "shared.yml")
    (root / "base" / "broken.yml").symlink_to(root / "nowhere.yml")
    (root / "empty").mkdir()


def _answers(source: object, envs: list[str]) -> list[object]:
    assert isinstance(source, LocalConfigSource | FsspecConfigSource)
    answers: list[object] = []
    for env in envs:
        listing = source.list_files(env)
        answers.append((source.env_path(env), repr(listing)))
        for relative in listing.value_or(()):
            answers.append((source.file_path(env, relative), repr(source.read_text(env, relative))))
    return answers


@pytest.mark.parametrize("form", ["absolute", "trailing slash", "relative", "dot relative"])
def test_the_local_source_answers_what_fsspec_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    conf = tmp_path / "conf"
    _tree(conf)
    monkeypatch.chdir(tmp_path)
    root = {
        "absolute": str(conf),
        "trailing slash": f"{conf}/",
        "relative": "conf",
        "dot relative": "./conf",
    }[form]
    envs = ["base", "local", "missing", "empty", "base/nested", "", "../conf/base"]
    local = open_config_source(root)
    assert isinstance(local, LocalConfigSource)
    reference = FsspecConfigSource(fsspec.filesystem("file"), root, root, remote=False)
    assert _answers(local, envs) == _answers(reference, envs)


def test_sources_with_a_protocol_or_an_archive_still_go_through_fsspec(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    _tree(conf)
    assert isinstance(open_config_source(f"file://{conf}"), FsspecConfigSource)
    assert isinstance(open_config_source(f"file:{conf}"), FsspecConfigSource)
    if os.sep == "/":
        assert isinstance(open_config_source(conf), LocalConfigSource)
