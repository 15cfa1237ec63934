"""The one cursor format and page info of every connection.

A cursor is opaque: URL-safe base64 of the JSON sort key of the last row seen. Every connection
pages by keyset (``first`` rows after a cursor) and answers the same :class:`PageInfo`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _json_string
from typing import Any

import strawberry

from pith_graph.service.errors import BadInput

__all__ = ["PageInfo", "decode_cursor", "encode_cursor", "page_info"]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(after: str | None, has_next: bool, cursors: Sequence[str]) -> PageInfo:
    """The page info of a page whose edges have ``cursors``, read after cursor ``after``."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def encode_cursor(key: list[Any]) -> str:
    try:
        # What json.dumps writes for a key of strings (most keys), at a third of its cost:
        # a page encodes a cursor per edge.
        text = "[" + ",".join(map(_json_string, key)) + "]"
    except TypeError:  # not all strings
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
