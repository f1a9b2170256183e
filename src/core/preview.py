"""Node previews (Kedro 1.2+): what a node's ``preview_fn`` may return.

A preview is a small, JSON-friendly picture of what a node does, for tools such as Kedro-Viz:
text, a Mermaid diagram, an image (a URL or data URI) or a custom payload for a named
renderer. Each payload is a frozen value with an optional JSON ``meta`` mapping and a fixed
``kind``; building one with a wrong field type raises ``TypeError`` (Kedro's messages), like
any authoring mistake. ``Node.preview()`` calls the node's ``preview_fn`` and returns a
``Failure(RunError(INVALID_PREVIEW))`` when it returns anything else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

__all__ = [
    "PREVIEW_TYPES",
    "BasePreview",
    "CustomPreview",
    "ImagePreview",
    "MermaidPreview",
    "PreviewPayload",
    "TextPreview",
    "assert_json_value",
]


def assert_json_value(data: object, path: str = "$") -> None:
    """Raise ``TypeError`` (naming ``path``) unless ``data`` is JSON with string keys."""
    if isinstance(data, dict):
        for key in data:
            if not isinstance(key, str):
                raise TypeError(f"{path}: object keys must be str, got {type(key).__name__}")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{path}: value is not JSON-serializable, got {type(data).__name__}") from exc


def _expect(value: object, expected: type, name: str) -> None:
    if not isinstance(value, expected):
        raise TypeError(f"{name} must be {expected.__name__}, got {type(value).__name__}")


@dataclass(frozen=True)
class BasePreview:
    """Common to every payload: an optional JSON ``meta`` mapping."""

    meta: dict[str, object] | None = field(default=None, kw_only=True)

    def to_dict(self) -> dict[str, object]:
        """The payload as JSON-friendly data (``meta`` checked)."""
        if self.meta is not None:
            assert_json_value(self.meta, "$.meta")
        return asdict(self)


@dataclass(frozen=True)
class TextPreview(BasePreview):
    """Plain text."""

    content: str
    kind: Literal["text"] = field(default="text", init=False)

    def __post_init__(self) -> None:
        _expect(self.content, str, "TextPreview.content")


@dataclass(frozen=True)
class MermaidPreview(BasePreview):
    """A Mermaid diagram's source."""

    content: str
    kind: Literal["mermaid"] = field(default="mermaid", init=False)

    def __post_init__(self) -> None:
        _expect(self.content, str, "MermaidPreview.content")


@dataclass(frozen=True)
class ImagePreview(BasePreview):
    """An image, as a URL or a data URI."""

    content: str
    kind: Literal["image"] = field(default="image", init=False)

    def __post_init__(self) -> None:
        _expect(self.content, str, "ImagePreview.content")


@dataclass(frozen=True)
class CustomPreview(BasePreview):
    """A JSON object for the renderer registered under ``renderer_key``."""

    renderer_key: str
    content: dict[str, object]
    kind: Literal["custom"] = field(default="custom", init=False)

    def __post_init__(self) -> None:
        key: object = self.renderer_key  # annotations do not bind callers: check the value
        if not isinstance(key, str) or not key:
            raise TypeError("CustomPreview.renderer_key must be a non-empty str")
        _expect(self.content, dict, "CustomPreview.content")
        assert_json_value(self.content, "$.content")


PreviewPayload = TextPreview | MermaidPreview | ImagePreview | CustomPreview
PREVIEW_TYPES = (TextPreview, MermaidPreview, ImagePreview, CustomPreview)
