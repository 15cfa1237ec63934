"""Pith numbers: ``pith:YEAR:BODY`` and the short form ``pith:BODY[:8]``.

REFERENCE.md, "Identity" (V): pith number = ``pith:`` + year of ``submitted_at`` + ``:`` + the first
26 characters of the upper-case RFC 4648 base32 of the 32-byte digest (no padding); short form =
``pith:`` + the first 8 characters.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidAlias

__all__ = ["BODY_LENGTH", "SHORT_LENGTH", "PithNumber", "parse_pith_number", "pith_number_for"]

BODY_LENGTH = 26
SHORT_LENGTH = 8
_BODY = re.compile(r"[A-Z2-7]{26}")
_FULL = re.compile(r"pith:(\d{4}):([A-Za-z2-7]{26})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PithNumber:
    """A full pith number; ``str()`` gives ``pith:YEAR:BODY``."""

    year: int
    body: str

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not 0 <= self.year <= 9999:
            raise ValueError(f"pith number year must be 0..9999, got {self.year!r}")
        if not isinstance(self.body, str) or not _BODY.fullmatch(self.body):
            raise ValueError(
                f"pith number body must be 26 upper-case base32 chars, got {self.body!r}"
            )

    @property
    def full(self) -> str:
        return f"pith:{self.year:04d}:{self.body}"

    @property
    def short(self) -> str:
        return f"pith:{self.body[:SHORT_LENGTH]}"

    def prefix(self, length: int) -> str:
        """The first ``length`` characters of the body (``pith_short_<length>`` aliases)."""
        return self.body[:length]

    def __str__(self) -> str:
        return self.full


def pith_number_for(digest: Digest, submitted_at_year: int) -> PithNumber:
    """The pith number of a canonical digest (REFERENCE.md "Pith number", verified)."""
    body = base64.b32encode(digest.raw).decode("ascii")[:BODY_LENGTH]
    return PithNumber(submitted_at_year, body)


def parse_pith_number(text: str) -> PithNumber:
    """Parse the full form ``pith:YEAR:BODY`` (body in either case); raises :class:`InvalidAlias`."""
    match = _FULL.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise InvalidAlias(str(text), "not a full pith number", ("pith:YYYY:<26 base32 chars>",))
    return PithNumber(int(match.group(1)), match.group(2).upper())
