"""The SVG badge: well-formed for any text, the state's colour, the short pith number shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.badge import STATE_COLOURS, render_badge, render_error_badge

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str | None]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_badge_shows_short_pith_and_state() -> None:
    svg = render_badge("pith:XTYU6EUZ", "author_attested")
    assert _texts(svg) == ["pith:XTYU6EUZ", "author attested"]
    assert STATE_COLOURS["author_attested"] in svg
    assert ET.fromstring(svg).get("aria-label") == "pith:XTYU6EUZ: author attested"


def test_unknown_state_is_drawn_as_unverified() -> None:
    assert STATE_COLOURS["unverified"] in render_badge("pith:AAAAAAAA", "something new")


def test_longer_text_makes_a_wider_badge() -> None:
    narrow = ET.fromstring(render_badge("pith:AAAAAAAA", "computed"))
    wide = ET.fromstring(render_badge("pith:AAAAAAAA", "author_verified"))
    assert int(wide.get("width", "0")) > int(narrow.get("width", "0"))


@given(st.text(), st.text())
def test_any_text_gives_well_formed_svg(label: str, state: str) -> None:
    # XML 1.0 cannot carry most control characters; they never come from a pith number or state.
    printable = "".join(ch for ch in label if ch.isprintable())
    value = "".join(ch for ch in state if ch.isprintable())
    assert _texts(render_badge(printable, value))[0] == (printable or None)
    ET.fromstring(render_error_badge(value))
