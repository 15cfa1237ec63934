"""Cursors (pure): any text is either a cursor of this API or BAD_INPUT, never a crash."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.graphql.cursors import decode_cursor, encode_cursor
from pith_graph.service.errors import BadInput


@given(st.text(max_size=80))
def test_any_text_decodes_or_is_bad_input(text: str) -> None:
    try:
        key = decode_cursor(text, (str, str))
    except BadInput:
        return
    assert len(key) == 2 and all(isinstance(v, str) for v in key)


@given(st.text(max_size=30), st.text(max_size=40))
def test_cursors_round_trip(s: str, t: str) -> None:
    assert decode_cursor(encode_cursor([s, t]), (str, str)) == (s, t)


def test_a_cursor_of_another_shape_is_bad_input() -> None:
    with pytest.raises(BadInput):
        decode_cursor(encode_cursor([1.5, "pith"]), (str, str))


_KEY_PARTS = st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.none())


@given(st.lists(_KEY_PARTS, max_size=3))
def test_one_cursor_format_whatever_the_key_holds(key: list[Any]) -> None:
    # Keys of strings are written without json.dumps; the bytes must be the same.
    text = json.dumps(key, separators=(",", ":"))
    assert encode_cursor(key) == base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
