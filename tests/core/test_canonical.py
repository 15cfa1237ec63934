"""canonical.py: canonical bytes (REFERENCE.md "Canonical bytes") and digests."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from _strategies import json_values
from hypothesis import given, settings
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


_DEFINITION = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _encoded(encode: Any, value: Any) -> Any:
    try:
        return encode(value)
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        return type(exc)


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=12)
_ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.sampled_from([1e-7, 1.5e-5, 2e-10, 1e16, 1e22, -0.0, 5e-324, float("inf")]),
    _ANY_TEXT,
)
_ANY_JSON = st.recursive(
    _ANY_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_ANY_TEXT, inner, max_size=4),
    ),
    max_leaves=16,
)


@settings(max_examples=200)
@given(_ANY_JSON)
def test_canonical_bytes_are_the_standard_encoders_bytes(value: Any) -> None:
    # The definition is the standard library's encoder with these options: whatever encodes
    # canonical bytes writes its bytes for every value and refuses what it refuses. (orjson,
    # for one, does not: 9.6e-05 is 0.000096… there, 1e-07 is 1e-7 and NaN is null.)
    assert _encoded(canonical_bytes, value) == _encoded(
        lambda v: _DEFINITION.encode(v).encode("utf-8"), value
    )

