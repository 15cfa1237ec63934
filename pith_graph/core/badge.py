"""The embeddable badge: an SVG showing a short pith number and its verification state.

Pure rendering, no I/O. The layout follows the common flat two-part badge (label on grey, value
on a colour): 20 px high, Verdana/DejaVu 11 px, text widths estimated from per-character advances
so that no font has to be read.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

__all__ = ["STATE_COLOURS", "render_badge", "render_error_badge"]

# attestation_state (core.verification) -> colour, weakest to strongest.
STATE_COLOURS: dict[str, str] = {
    "unverified": "#9f9f9f",
    "computed": "#007ec6",
    "anchored": "#44cc11",
    "author_attested": "#97ca00",
    "author_verified": "#4c1",
}
_LABEL_COLOUR = "#555"
_ERROR_COLOUR = "#e05d44"
_HEIGHT = 20
_PADDING = 6

# Approximate advances (px) of Verdana 11px; anything unlisted counts as a wide character.
_ADVANCES: dict[str, float] = {
    **dict.fromkeys("ijlI.:,;!'|() ", 3.9),
    **dict.fromkeys("frt", 4.6),
    **dict.fromkeys("abcdeghknopqsuvxyz0123456789-_", 6.9),
    **dict.fromkeys("ABCDEFGHJKLMNOPQRSTUVWXYZw", 7.8),
    "m": 10.7,
}
_DEFAULT_ADVANCE = 8.5


def _text_width(text: str) -> int:
    return math.ceil(sum(_ADVANCES.get(ch, _DEFAULT_ADVANCE) for ch in text))


def _two_part(label: str, value: str, colour: str, title: str) -> str:
    left = _text_width(label) + 2 * _PADDING
    right = _text_width(value) + 2 * _PADDING
    total = left + right
    lbl, val, ttl = escape(label), escape(value), escape(title, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{_HEIGHT}" '
        f'role="img" aria-label="{ttl}">'
        f"<title>{escape(title)}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="{_HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="{_HEIGHT}" fill="{_LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="{_HEIGHT}" fill="{colour}"/>'
        f'<rect width="{total}" height="{_HEIGHT}" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14">{lbl}</text>'
        f'<text x="{left + right / 2:g}" y="14">{val}</text></g></svg>'
    )


def render_badge(short_pith: str, attestation_state: str) -> str:
    """The badge of a registered paper: ``pith:XXXXXXXX`` | its attestation state."""
    value = attestation_state.replace("_", " ")
    colour = STATE_COLOURS.get(attestation_state, STATE_COLOURS["unverified"])
    return _two_part(short_pith, value, colour, f"{short_pith}: {value}")


def render_error_badge(message: str) -> str:
    """A badge that says why there is no pith number to show (e.g. ``not found``)."""
    return _two_part("pith", message, _ERROR_COLOUR, f"pith: {message}")
