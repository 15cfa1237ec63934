"""canonical.py: canonical bytes (REFERENCE.md "Canonical bytes") and digests."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from _strategies import json_values
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.canonical import Digest, canonical_bytes, sha256_digest


def test_canonical_bytes_sorts_keys_compact_and_keeps_non_ascii() -> None:
    # Each byte matters: sorted keys, no spaces, UTF-8 'é' (not \u00e9).
    assert canonical_bytes({"b": [1, 2], "a": "é"}) == '{"a":"é","b":[1,2]}'.encode()


def test_canonical_bytes_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})


WITH_RECORD = [r for r in [load_seed(), *load_reference_records()] if "canonical_record" in r]


@pytest.mark.parametrize("record", WITH_RECORD, ids=lambda r: r["pith_number"])
def test_canonical_sha256_of_every_fixture(record: dict[str, Any]) -> None:
    assert (
        sha256_digest(canonical_bytes(record["canonical_record"])).hex == record["canonical_sha256"]
    )


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_bytes_independent_of_key_order(obj: dict[str, Any]) -> None:
    reversed_obj = dict(reversed(list(obj.items())))
    assert canonical_bytes(obj) == canonical_bytes(reversed_obj)


@given(json_values)
def test_canonical_bytes_round_trip(value: Any) -> None:
    assert json.loads(canonical_bytes(value)) == value


@given(st.text())
def test_canonical_bytes_are_utf8_without_escapes(text: str) -> None:
    encoded = canonical_bytes({"t": text})
    assert encoded == b'{"t":' + json.dumps(text, ensure_ascii=False).encode("utf-8") + b"}"
    # The normal forms stay distinct: canonicalisation of text is text.py's job, not the encoder's.
    nfd = unicodedata.normalize("NFD", text)
    assert (canonical_bytes({"t": nfd}) == encoded) == (nfd == text)


@given(st.binary(min_size=32, max_size=32))
def test_digest_hex_round_trip(raw: bytes) -> None:
    digest = Digest(raw)
    assert Digest.from_hex(digest.hex) == digest
    assert Digest.from_hex(digest.hex.upper()) == digest


def test_sha256_digest_matches_hashlib() -> None:
    data = canonical_bytes({"a": 1})
    assert sha256_digest(data).raw == hashlib.sha256(data).digest()


@pytest.mark.parametrize("bad", ["", "ab", "zz" * 32, "0" * 63])
def test_digest_from_hex_rejects_and_names_input(bad: str) -> None:
    with pytest.raises(ValueError, match="64 hex"):
        Digest.from_hex(bad)
