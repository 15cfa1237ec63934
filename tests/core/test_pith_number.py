"""pith_number.py: REFERENCE.md "Pith number" (year + first 26 base32 chars; short = 8)."""

from __future__ import annotations

import base64

import pytest
from _strategies import base32_bodies
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidAlias
from pith_graph.core.pith_number import PithNumber, parse_pith_number, pith_number_for

SEED_DIGEST = Digest.from_hex("bcf14f1299b451e2069a7e0dba52cda386c3aa8cd71a9373336daaff223821a7")


def test_founding_pith_number() -> None:
    pith = pith_number_for(SEED_DIGEST, 2026)
    assert pith.full == str(pith) == "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
    assert pith.short == "pith:XTYU6EUZ"


@given(st.binary(min_size=32, max_size=32), st.integers(1900, 2100))
def test_body_is_base32_prefix(raw: bytes, year: int) -> None:
    pith = pith_number_for(Digest(raw), year)
    assert base64.b32encode(raw).decode().startswith(pith.body)
    assert parse_pith_number(pith.full) == pith


@given(st.integers(0, 9999), base32_bodies)
def test_parse_accepts_lower_case(year: int, body: str) -> None:
    assert parse_pith_number(f"pith:{year:04d}:{body.lower()}") == PithNumber(year, body)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "pith:XTYU6EUZ",
        "pith:26:XTYU6EUZWRI6EBU2PYG3UUWNUO",
        "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNU1",
    ],
)
def test_parse_rejects_quoting_input(bad: str) -> None:
    with pytest.raises(InvalidAlias, match=repr(bad).replace("\\", "\\\\")[1:-1] or "invalid"):
        parse_pith_number(bad)


def test_body_must_be_upper_base32() -> None:
    with pytest.raises(ValueError, match="base32"):
        PithNumber(2026, "xtyu6euzwri6ebu2pyg3uuwnuo")
