"""Opaque keyset cursors: URL-safe base64 of the JSON sort key of the last row seen."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from pith_graph.service.errors import BadInput

__all__ = ["decode_cursor", "encode_cursor"]


def encode_cursor(key: list[Any]) -> str:
    text = json.dumps(key, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, types: tuple[type, ...]) -> tuple[Any, ...]:
    """The sort key in ``cursor``, checked against ``types``; :class:`BadInput` otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"after: {cursor!r} is not a cursor from this API") from exc
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(isinstance(v, t) for v, t in zip(key, types, strict=True))
    ):
        raise BadInput(f"after: {cursor!r} is not a cursor from this API")
    return tuple(key)
