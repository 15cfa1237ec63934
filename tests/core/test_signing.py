"""signing.py: Ed25519 over the raw 32 digest bytes (REFERENCE.md "Receipts and keys")."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidReceipt
from pith_graph.core.signing import (
    PublicKey,
    generate_signing_key,
    sign_digest,
    signing_key_from_seed,
    verify_digest_signature,
)
from pith_graph.core.trust import REFERENCE_REGISTRY_KEY

SEED = bytes(range(32))
KEY = signing_key_from_seed("test-key", SEED)


def test_reference_key_fingerprint() -> None:
    assert REFERENCE_REGISTRY_KEY.fingerprint == "8d4b5ee74e4693bcd1df2446408b0d54"
    assert base64.b64decode(REFERENCE_REGISTRY_KEY.b64) == REFERENCE_REGISTRY_KEY.raw
    assert (
        REFERENCE_REGISTRY_KEY.hex
        == "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"
    )


def test_founding_signature_verifies_over_raw_digest() -> None:
    digest = Digest.from_hex("bcf14f1299b451e2069a7e0dba52cda386c3aa8cd71a9373336daaff223821a7")
    sig = "Sk2zBuDTP3kXucgMTzHXD66IQ9C97FJ2GtYP230k82OTJdsOvSX7q5NyRscHAi391MbgphPVsc0pWgGjCIsyAA=="
    verify_digest_signature(REFERENCE_REGISTRY_KEY, digest, sig)


def test_repr_never_shows_private_bytes() -> None:
    text = repr(KEY) + str(KEY)
    for encoded in (SEED.hex(), base64.b64encode(SEED).decode(), repr(SEED)):
        assert encoded not in text
    assert "test-key" in text


def test_seed_is_deterministic() -> None:
    assert generate_signing_key("a", SEED).public_key.raw == KEY.public_key.raw
    assert generate_signing_key("a").public_key.raw != KEY.public_key.raw


@given(st.binary(min_size=32, max_size=32))
def test_sign_verify_round_trip(raw: bytes) -> None:
    digest = Digest(raw)
    verify_digest_signature(KEY.public_key, digest, sign_digest(KEY, digest))


@given(st.binary(min_size=32, max_size=32), st.integers(0, 64 * 8 - 1))
def test_flipped_signature_bit_fails(raw: bytes, bit: int) -> None:
    digest = Digest(raw)
    sig = bytearray(base64.b64decode(sign_digest(KEY, digest)))
    sig[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(InvalidReceipt):
        verify_digest_signature(KEY.public_key, digest, base64.b64encode(bytes(sig)).decode())


@given(st.binary(min_size=32, max_size=32), st.integers(0, 255))
def test_flipped_digest_bit_fails(raw: bytes, bit: int) -> None:
    sig = sign_digest(KEY, Digest(raw))
    flipped = bytearray(raw)
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(InvalidReceipt, match="does not verify"):
        verify_digest_signature(KEY.public_key, Digest(bytes(flipped)), sig)


@pytest.mark.parametrize("bad", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_malformed_signature_is_invalid_receipt(bad: str) -> None:
    with pytest.raises(InvalidReceipt):
        verify_digest_signature(KEY.public_key, Digest(bytes(32)), bad)


def test_public_key_validates_length() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        PublicKey("k", b"\x00" * 31)
