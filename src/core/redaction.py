"""Keeping credential values out of everything a user or a log can see.

Three rules, the first two as Kedro 1.7 applies them (``kedro.io.core`` for URLs,
``CatalogConfigResolver._unresolve_credentials`` for catalog entries):

* **URLs** (:func:`redact_urls`): in a URL, the ``user:password@`` part, the query string
  and the fragment are each replaced by ``<redacted>``; scheme, host and path are kept.
  Scheme-less paths (Kedro strips ``s3://`` etc.) are treated the same way when a ``@``
  comes before the first ``/``, ``?`` or ``#``, or when they carry a query or a fragment;
  text with spaces is scanned only for ``scheme://`` URLs, so a file called
  ``report@2024.csv`` stays as it is. The whole query goes, not just the parameters that
  look like tokens: providers name their signatures differently (``sig``, ``X-Amz-...``).
* **Credentials blocks** (:func:`redact_dataset_config`): the first ``credentials`` key met,
  depth first through nested mappings, is replaced by the reference ``<dataset>_credentials``
  (what ``kedro catalog resolve-patterns`` prints), and every string in the entry goes
  through the URL rule.
* **Known values** (:func:`scrub_text`): kedro-pure goes further than Kedro: every string
  value found in the credentials configuration (:func:`secret_values`) is replaced by
  ``<redacted>`` wherever it appears in text about to be shown or stored (an error message,
  a traceback, a record), so a secret that leaked into, say, a driver's exception message is
  caught as well. Values shorter than :data:`MIN_SECRET_LENGTH` characters are left alone,
  because blanking every ``"db"`` or ``"1"`` would mangle the output without protecting
  anything.

Everything here is pure: values in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "CREDENTIALS_KEY",
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "SECRET_PARAMETER_WORDS",
    "credentials_reference",
    "redact_dataset_config",
    "redact_shown",
    "redact_url",
    "redact_url_secrets",
    "redact_urls",
    "redact_value",
    "scrub_text",
    "scrub_with",
    "secret_values",
    "secrets_pattern",
    "url_secrets",
]

REDACTED = "<redacted>"
CREDENTIALS_KEY = "credentials"
MIN_SECRET_LENGTH = 4

# A ``scheme://...`` URL inside a longer text (an exception message, a log line): it ends
# at whitespace, a quote or a closing bracket.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>)\]]+")

#: Words that make a query parameter's value a secret when its name contains one: tokens,
#: keys, signatures, passwords (``sig``/``se`` of Azure SAS, ``X-Amz-Signature`` and
#: ``X-Amz-Credential``, ``sslkey``, ``access_token``, OAuth's ``code`` ...).
SECRET_PARAMETER_WORDS = (
    "token", "sig", "secret", "password", "passwd", "pwd", "key", "credential", "auth",
    "access", "session", "sas", "code",
)
_SECRET_QUERY_VALUE = re.compile(
    r"(?i)((?:^|(?<=[&;]))[^&;=]*(?:" + "|".join(SECRET_PARAMETER_WORDS) + r")[^&;=]*)=([^&;]*)"
)


def redact_url(url: str) -> str:
    """``url`` with its userinfo, query and fragment each replaced by ``<redacted>``."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host: not a URL we can take apart
        return url
    has_userinfo = "@" in parts.netloc
    if not (has_userinfo or parts.query or parts.fragment):
        return url
    netloc = parts.netloc
    if has_userinfo:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    return urlunsplit(
        parts._replace(
            netloc=netloc,
            query=REDACTED if parts.query else "",
            fragment=REDACTED if parts.fragment else "",
        )
    )


def redact_urls(text: str) -> str:
    """``text`` with credentials, queries and fragments of the URLs in it redacted.

    ``text`` may be a URL or path itself (a dataset's ``filepath``) or a longer text with
    URLs in it; text holding no URL comes back unchanged.
    """
    if "://" in text:
        return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    if " " in text:
        return text
    # A scheme-less "user:pass@bucket/key": parsed as an authority only when the "@" comes
    # before the path starts, so a plain file name with an "@" in it is left alone.
    first_delimiter = min((i for i in (text.find(c) for c in "/?#") if i != -1), default=-1)
    if first_delimiter != -1 and "@" in text[:first_delimiter]:
        return redact_url("//" + text).removeprefix("//")
    if "?" in text or "#" in text:
        return redact_url(text)
    return text


def redact_value(value: object) -> object:
    """``value`` with :func:`redact_urls` applied to every string in it, at any depth of
    mappings, lists and tuples (other values come back as they are)."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def redact_shown(value: object) -> object:
    """``value`` as a dataset's ``repr`` may show it (Kedro 1.7 does the same): every string
    with :func:`redact_urls` applied, at any depth of dicts and plain lists and tuples. A
    value needing no redaction comes back as it is, so unrelated ``repr`` output is
    unchanged."""
    if isinstance(value, str):
        return redact_urls(value)
    if isinstance(value, dict):
        return {key: redact_shown(item) for key, item in value.items()}
    if type(value) in (list, tuple):
        assert isinstance(value, list | tuple)
        return type(value)(redact_shown(item) for item in value)
    return value


def url_secrets(value: object) -> frozenset[str]:
    """The parts :func:`redact_urls` hides in the strings of ``value`` (at any depth of
    mappings, lists and tuples): each URL's userinfo, query and fragment. A file system's
    error may quote the URL in another form (without its scheme), which the URL rule does
    not recognise; these parts let :func:`scrub_text` hide them there too."""
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, str):
            text = item
            if redact_urls(text) == text:
                continue
            try:
                parts = urlsplit(text if "://" in text else "//" + text)
            except ValueError:
                continue
            if "@" in parts.netloc:
                found.add(parts.netloc.rsplit("@", 1)[0])
            found.update(piece for piece in (parts.query, parts.fragment) if piece)
    return frozenset(found)


def credentials_reference(dataset: str) -> str:
    """What a dataset's credentials block is shown as: ``<dataset>_credentials``."""
    return f"{dataset}_{CREDENTIALS_KEY}"


def redact_dataset_config(dataset: str, config: Mapping[str, object]) -> dict[str, object]:
    """A plain copy of ``config`` (one catalog entry) that is safe to print.

    The first non-empty ``credentials`` key found depth first through nested mappings (not
    lists, as in Kedro) becomes :func:`credentials_reference`, and every string goes
    through :func:`redact_urls`.
    """
    redacted = redact_value(config)
    assert isinstance(redacted, dict)  # a Mapping comes back as a dict
    _replace_first_credentials(redacted, credentials_reference(dataset))
    return redacted


def _replace_first_credentials(root: dict[str, object], reference: str) -> None:
    # Iterative depth-first walk in key order (as Kedro's recursion visits them), so deep
    # configurations cannot exhaust the stack.
    stack: list[dict[str, object]] = [root]
    while stack:
        mapping = stack.pop()
        children: list[dict[str, object]] = []
        for key, value in mapping.items():
            if key == CREDENTIALS_KEY and value:
                mapping[key] = reference
                return
            if isinstance(value, dict):
                children.append(value)
        stack.extend(reversed(children))


def secret_values(credentials: Mapping[str, object]) -> frozenset[str]:
    """Every string (and number, as text) at any depth of ``credentials`` that is long
    enough to be worth hiding (see :data:`MIN_SECRET_LENGTH`)."""
    found: set[str] = set()
    stack: list[object] = [credentials]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(value)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value)
            if len(text) >= MIN_SECRET_LENGTH:
                found.add(text)
    return frozenset(found)


def secrets_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of ``secrets`` (long enough ones, longest
    first, so a secret containing another is never left half visible); ``None`` when
    there is nothing to match."""
    ordered = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=lambda s: (-len(s), s))
    if not ordered:
        return None
    return re.compile("|".join(re.escape(s) for s in ordered))


def redact_url_secrets(url: str) -> str:
    """The narrower rule used on free text (:func:`scrub_with`): the userinfo and the values
    of query parameters whose names look like secrets (:data:`SECRET_PARAMETER_WORDS`) are
    replaced; the rest of the URL, fragments included, is kept, so that links in messages
    (``https://docs.kedro.org/...#section``) stay usable."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = _SECRET_QUERY_VALUE.sub(lambda m: f"{m.group(1)}={REDACTED}", parts.query)
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def scrub_with(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with every match of ``pattern`` (see :func:`secrets_pattern`) replaced by
    ``<redacted>``, then its URLs' secrets redacted (:func:`redact_url_secrets`)."""
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    if "://" in text:
        text = _URL_IN_TEXT.sub(lambda match: redact_url_secrets(match.group(0)), text)
    return text


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each of ``secrets`` replaced by ``<redacted>``,
    and the URLs in it redacted."""
    return scrub_with(text, secrets_pattern(secrets))
