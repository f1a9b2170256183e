"""Laws of credential redaction (``core.redaction``), and differential tests against the
redaction Kedro 1.7.0 applies to URLs and to catalog entries."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.redaction import (
    MIN_SECRET_LENGTH,
    REDACTED,
    credentials_reference,
    redact_dataset_config,
    redact_shown,
    redact_url,
    redact_url_secrets,
    redact_urls,
    scrub_text,
    scrub_with,
    secret_values,
    url_secrets,
)

_SAFE = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
_SECRETS = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=MIN_SECRET_LENGTH, max_size=16)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str | None]:
    """A URL, and the secret planted in its userinfo, query or fragment (or ``None``)."""
    scheme = draw(st.sampled_from(["s3", "gcs", "https", "abfs", "postgresql"]))
    host = draw(_SAFE)
    path = "/".join(draw(st.lists(_SAFE, max_size=3)))
    secret = draw(st.none() | _SECRETS)
    where = draw(st.sampled_from(["userinfo", "password", "query", "fragment"]))
    userinfo = query = fragment = ""
    if secret is not None:
        if where == "userinfo":
            userinfo = f"{secret}@"
        elif where == "password":
            userinfo = f"{draw(_SAFE)}:{secret}@"
        elif where == "query":
            query = f"?{draw(_SAFE)}={secret}"
        else:
            fragment = f"#{secret}"
    return f"{scheme}://{userinfo}{host}/{path}{query}{fragment}", secret


@given(urls())
@example(("s3://user:PASSWORD1@bucket/key.csv", "PASSWORD1"))
@example(("https://host/file?sig=TOKEN123&x=1", "TOKEN123"))
def test_a_secret_in_a_url_never_survives(case: tuple[str, str | None]) -> None:
    url, secret = case
    redacted = redact_urls(url)
    if secret is not None:
        assert secret not in redacted
        assert REDACTED in redacted
    else:
        assert redacted == url


@given(urls(), _SAFE, _SAFE)
def test_urls_inside_text_are_redacted_and_the_text_around_them_kept(
    case: tuple[str, str | None], before: str, after: str
) -> None:
    url, secret = case
    text = f"{before} could not open '{url}' {after}"
    redacted = redact_urls(text)
    assert redacted.startswith(f"{before} could not open '")
    assert redacted.endswith(f"' {after}")
    if secret is not None:
        assert secret not in redacted


@given(urls())
def test_redaction_is_idempotent(case: tuple[str, str | None]) -> None:
    once = redact_urls(case[0])
    assert redact_urls(once) == once


@given(st.text(max_size=30))
@example("report@2024.csv")
@example("data/01_raw/companies.csv")
def test_text_without_url_syntax_is_unchanged(text: str) -> None:
    if "://" in text or "?" in text or "#" in text or "@" in text:
        return
    assert redact_urls(text) == text


def test_scheme_less_paths_with_userinfo_are_redacted_and_file_names_with_at_are_not() -> None:
    assert redact_urls("user:pw12@bucket/key") == f"{REDACTED}@bucket/key"
    assert redact_urls("data/report@2024.csv") == "data/report@2024.csv"
    assert redact_urls("bucket/key?token=abcd") == f"bucket/key?{REDACTED}"


def test_an_unparseable_url_is_returned_as_it_is() -> None:
    assert redact_url("http://[::1/x") == "http://[::1/x"


_CONFIG_LEAVES = st.recursive(
    st.one_of(_SAFE, st.integers(), st.booleans()),
    lambda children: st.dictionaries(_SAFE, children, max_size=3),
    max_leaves=8,
)


@given(_SAFE, st.dictionaries(_SAFE, _CONFIG_LEAVES, max_size=4), _SECRETS, st.booleans())
def test_a_credentials_block_becomes_its_reference(
    name: str, config: dict[str, Any], secret: str, nested: bool
) -> None:
    block = {"key": secret, "secret": secret}
    entry: dict[str, Any] = {"type": "pandas.CSVDataset", **config}
    if nested:
        entry["fs_args"] = {"credentials": block}
    else:
        entry["credentials"] = block
    original = copy.deepcopy(entry)
    redacted = redact_dataset_config(name, entry)
    assert secret not in repr(redacted)
    assert credentials_reference(name) in repr(redacted)
    assert entry == original  # the caller's mapping is never changed


@given(st.dictionaries(_SAFE, _CONFIG_LEAVES, max_size=4), _SECRETS)
def test_scrub_text_hides_every_registered_value(creds: dict[str, Any], secret: str) -> None:
    credentials = {"db": {**creds, "password": secret}}
    secrets = secret_values(credentials)
    assert secret in secrets
    text = f"connection failed for password={secret}; retrying {secret}"
    scrubbed = scrub_text(text, secrets)
    assert secret not in scrubbed
    assert scrubbed.count(REDACTED) >= 2


@given(_SECRETS, _SECRETS)
def test_a_secret_containing_another_is_hidden_whole(short: str, extra: str) -> None:
    long = short + extra
    scrubbed = scrub_text(f"<{long}>", [short, long])
    assert scrubbed == f"<{REDACTED}>"


def test_short_values_are_not_secrets() -> None:
    assert secret_values({"a": {"port": 1, "flag": True, "db": "xy", "pw": "long-one"}}) == {"long-one"}


# -- differential: Kedro 1.7.0 -------------------------------------------------------------

kedro_core = pytest.importorskip("kedro.io.core")
kedro_resolver = pytest.importorskip("kedro.io.catalog_config_resolver")


@pytest.mark.differential
@given(urls(), _SAFE)
@example(("s3://a:b@bucket/k?x=1#f", "b"), "x")
def test_url_redaction_matches_kedro(case: tuple[str, str | None], before: str) -> None:
    url = case[0]
    assert redact_urls(url) == kedro_core._redact_url_credentials(url)
    text = f"{before} {url} failed"
    assert redact_urls(text) == kedro_core._redact_url_credentials(text)
    bare = url.split("://", 1)[1]
    assert redact_urls(bare) == kedro_core._redact_url_credentials(bare)


@pytest.mark.differential
@given(_SAFE, st.dictionaries(_SAFE, _CONFIG_LEAVES, max_size=4), _SECRETS, st.booleans())
def test_credentials_blocks_match_kedros_unresolve(
    name: str, config: dict[str, Any], secret: str, nested: bool
) -> None:
    entry: dict[str, Any] = {"type": "pandas.CSVDataset", **config}
    target = entry.setdefault("fs_args", {}) if nested and isinstance(entry.get("fs_args", {}), dict) else entry
    target["credentials"] = {"token": secret}
    ours = redact_dataset_config(name, entry)
    theirs, _ = kedro_resolver.CatalogConfigResolver._unresolve_credentials(name, entry)
    assert ours == theirs


# -- free text: the narrower URL rule ------------------------------------------------------


@given(urls(), _SAFE)
@example(("https://host/file?sig=TOKENXYZ", "TOKENXYZ"), "a")
def test_scrubbed_text_hides_userinfo_and_secret_parameters(case: tuple[str, str | None], word: str) -> None:
    url, secret = case
    if secret is not None and "#" in url:
        return  # fragments are kept in free text (links to documentation sections)
    if secret is not None and "?" in url:
        # only parameters named like secrets are hidden in free text
        url = url.split("?", 1)[0] + f"?access_token={secret}&page={word}"
    scrubbed = scrub_with(f"failed: {url}", None)
    if secret is not None:
        assert secret not in scrubbed
        if "?" in url:
            assert f"page={word}" in scrubbed
    else:
        assert scrubbed == f"failed: {url}"


def test_scrubbed_text_keeps_documentation_links_whole() -> None:
    link = "https://docs.kedro.org/en/stable/build/run_a_pipeline/#load-and-save-asynchronously"
    assert scrub_with(f"See {link}.", None) == f"See {link}."
    assert redact_url_secrets("https://h/x?X-Amz-Signature=abc&a=1") == f"https://h/x?X-Amz-Signature={REDACTED}&a=1"


@pytest.mark.differential
@given(urls(), st.sampled_from(["str", "list", "tuple", "dict"]))
@example(("s3://a:b@bucket/k?x=1#f", "b"), "tuple")
def test_repr_redaction_matches_kedro(case: tuple[str, str | None], shape: str) -> None:
    url = case[0]
    value: object = {"str": url, "list": [url, 1], "tuple": (url, None), "dict": {"fp": url}}[shape]
    assert redact_shown(value) == kedro_core._redact_repr_value(value)
    assert type(redact_shown(value)) is type(value)


@given(urls())
@example(("memory://u:PASSWORD@bucket/k.pkl?token=TOKENVALUE", "PASSWORD"))
def test_url_secrets_hide_the_url_quoted_without_its_scheme(case: tuple[str, str | None]) -> None:
    url, secret = case
    bare = url.split("://", 1)[1]
    message = f"No such file: '/{bare}'"
    scrubbed = scrub_text(message, url_secrets({"filepath": url}))
    if secret is not None:
        assert secret not in scrubbed
    assert url_secrets("data/report@2024.csv") == frozenset()  # a file name, not a URL
