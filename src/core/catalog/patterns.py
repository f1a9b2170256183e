"""Dataset factory patterns: parsing, Kedro's specificity order, and matching names.

A catalog key containing ``{`` is a *pattern*, e.g. ``"{namespace}.{name}_csv"``. A dataset
name matches a pattern when the whole name can be produced by replacing every placeholder
with **one or more** characters; matching ignores case (``"FOO_CSV"`` matches
``"{name}_csv"``) and the captured values keep the name's own case. When several
placeholders could split the name differently, earlier placeholders take the shortest
text (``"{a}_{b}"`` on ``"x_y_z"`` gives ``a="x"``, ``b="y_z"``). A placeholder used twice
must capture the same text both times. These are the semantics Kedro gets from the
``parse`` library; here each pattern compiles once to a regular expression instead.

Patterns are tried most specific first: by decreasing *specificity* (the number of
characters outside placeholders), then by decreasing number of placeholders, then
alphabetically. A pattern of specificity 0 (only placeholders) is a *catch-all*; a catalog
may have at most one and it is tried after every other pattern.

Deliberate divergence: Kedro accepts anything ``parse`` accepts as a field (``{}``,
``{x:d}``, ``{{``); here a placeholder must be a plain identifier between single braces,
and anything else is reported as a malformed pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from returns.result import Failure, Result, Success

from core.errors import DatasetError, DatasetErrorReason

__all__ = [
    "OrderedPatterns",
    "Pattern",
    "first_match",
    "is_pattern",
    "order_patterns",
    "parse_pattern",
]

_FLAGS = re.IGNORECASE | re.DOTALL
_PLACEHOLDER_HINT = (
    "a placeholder is a name made of letters, digits and underscores between single "
    "braces, e.g. '{name}_csv'"
)


def is_pattern(key: str) -> bool:
    """Whether a catalog key is a factory pattern (Kedro: any key containing ``{``)."""
    return "{" in key


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed dataset factory pattern.

    Attributes:
        text: the pattern as written in the catalog.
        fields: the placeholder names, in order of first appearance, without repeats.
        specificity: the number of characters outside placeholders.
        placeholder_count: the number of placeholders, repeats included.
        source: the regular expression the pattern compiles to (matched against the whole
            name, ignoring case).
    """

    text: str
    fields: tuple[str, ...]
    specificity: int
    placeholder_count: int
    source: str
    # The literal text before the first and after the last placeholder, lower-cased, when
    # ASCII ("" otherwise): a cheap test that rules most names out before the regex runs.
    head: str = field(default="", compare=False, repr=False)
    tail: str = field(default="", compare=False, repr=False)
    # Compiled on first use: building a catalog should not pay for patterns it never
    # matches. A memo only, invisible to equality, hashing and repr.
    _compiled: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled matcher."""
        compiled = self._compiled
        if compiled is None:
            compiled = re.compile(self.source, _FLAGS)
            object.__setattr__(self, "_compiled", compiled)
        return compiled

    @property
    def is_catch_all(self) -> bool:
        """A pattern with no literal characters matches (almost) every name."""
        return self.specificity == 0

    @property
    def sort_key(self) -> tuple[int, int, str]:
        """Kedro's order: most specific first, then most placeholders, then alphabetical."""
        return (-self.specificity, -self.placeholder_count, self.text)

    @property
    def placeholders(self) -> frozenset[str]:
        """The placeholders as written, braces included (``{"{name}"}``)."""
        return frozenset("{" + f + "}" for f in self.fields)

    def match(self, name: str) -> Mapping[str, str] | None:
        """The captured placeholder values if ``name`` matches, else ``None``."""
        found = self.regex.fullmatch(name)
        return None if found is None else found.groupdict()


def _malformed(text: str, why: str) -> Failure[DatasetError]:
    return Failure(
        DatasetError(
            DatasetErrorReason.PATTERN,
            f"Dataset factory pattern '{text}' is malformed: {why}. Fix the catalog key: "
            f"{_PLACEHOLDER_HINT}.",
            dataset=text,
        )
    )


def parse_pattern(text: str) -> Result[Pattern, DatasetError]:
    """Parse one catalog key written as a pattern.

    Returns:
        ``Success(Pattern)``; ``Failure(DatasetError(PATTERN))`` when a brace is unbalanced,
        a placeholder is empty or is not an identifier, or the key has no placeholder.
    """
    parts: list[str] = []
    fields: list[str] = []
    literal_length = 0
    count = 0
    position = 0
    while position < len(text):
        opening = text.find("{", position)
        closing = text.find("}", position)
        if opening == -1:
            if closing != -1:
                return _malformed(text, f"'}}' at position {closing} closes no placeholder")
            literal_length += len(text) - position
            parts.append(re.escape(text[position:]))
            break
        if closing != -1 and closing < opening:
            return _malformed(text, f"'}}' at position {closing} closes no placeholder")
        literal_length += opening - position
        parts.append(re.escape(text[position:opening]))
        end = text.find("}", opening)
        if end == -1:
            return _malformed(text, f"the '{{' at position {opening} is never closed")
        name = text[opening + 1 : end]
        if "{" in name:
            return _malformed(text, f"the '{{' at position {opening} is never closed")
        if not name.isidentifier():
            shown = "{" + name + "}"
            return _malformed(text, f"placeholder '{shown}' is not a plain name")
        count += 1
        if name in fields:
            parts.append(f"(?P={name})")
        else:
            fields.append(name)
            parts.append(f"(?P<{name}>.+?)")
        position = end + 1
    if count == 0:
        return _malformed(text, "it has no placeholder")
    head, tail = text[: text.find("{")], text[text.rfind("}") + 1 :]
    return Success(
        Pattern(
            text,
            tuple(fields),
            literal_length,
            count,
            "".join(parts),
            head.lower() if head.isascii() else "",
            tail.lower() if tail.isascii() else "",
        )
    )


@dataclass(frozen=True, slots=True)
class OrderedPatterns:
    """A catalog's patterns in the order they are tried.

    Attributes:
        specific: every pattern except the catch-all, most specific first.
        catch_all: the single catch-all pattern, if the catalog has one.
    """

    specific: tuple[Pattern, ...] = ()
    catch_all: Pattern | None = None

    def in_order(self) -> tuple[Pattern, ...]:
        """All patterns in the order they are tried (Kedro's ``list_patterns`` order)."""
        return self.specific if self.catch_all is None else (*self.specific, self.catch_all)


def order_patterns(patterns: Iterable[Pattern]) -> Result[OrderedPatterns, DatasetError]:
    """Sort patterns into Kedro's resolution order and set the catch-all apart.

    The result does not depend on the order the patterns are given in.

    Returns:
        ``Success(OrderedPatterns)``; ``Failure(DatasetError(PATTERN))`` when more than one
        pattern is a catch-all (Kedro's message).
    """
    ordered = sorted(patterns, key=lambda p: p.sort_key)
    catch_alls = [p.text for p in ordered if p.is_catch_all]
    if len(catch_alls) > 1:
        return Failure(
            DatasetError(
                DatasetErrorReason.PATTERN,
                f"Multiple catch-all patterns found in the catalog: {', '.join(catch_alls)}. "
                "Only one catch-all pattern is allowed, remove the extras.",
                dataset=", ".join(catch_alls),
            )
        )
    if catch_alls:
        return Success(OrderedPatterns(tuple(ordered[:-1]), ordered[-1]))
    return Success(OrderedPatterns(tuple(ordered), None))


def first_match(patterns: Iterable[Pattern], name: str) -> tuple[Pattern, Mapping[str, str]] | None:
    """The first pattern (in the given order) that matches ``name``, with its captures."""
    # For an ASCII name, ignoring case is comparing lower-cased text: a pattern whose literal
    # start or end the name lacks cannot match, and its regex is not run.
    folded = name.lower() if name.isascii() else None
    for pattern in patterns:
        if folded is not None and not (folded.endswith(pattern.tail) and folded.startswith(pattern.head)):
            continue
        found = pattern.regex.fullmatch(name)
        if found is not None:
            return pattern, found.groupdict()
    return None
