"""receipts.py + trust.py: issue and verify receipts with a trust store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from _pith_fixtures import load_seed

from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidReceipt, UnknownSigningKey
from pith_graph.core.receipts import Receipt, issue_receipt, verify_receipt
from pith_graph.core.signing import signing_key_from_seed
from pith_graph.core.trust import REFERENCE_REGISTRY_KEY, KeyStatus, TrustStore, default_trust_store

NOW = datetime(2026, 5, 21, 1, 5, 17, 690768, tzinfo=UTC)
KEY = signing_key_from_seed("ours-1", bytes(range(32)))
DIGEST = Digest(bytes(range(32, 64)))


def test_founding_receipt_round_trips_and_verifies() -> None:
    seed = load_seed()
    receipt = Receipt.from_json(seed["receipt"])
    assert receipt.to_json() == seed["receipt"]
    assert list(receipt.to_json()) == list(seed["receipt"])  # reference key order
    key = verify_receipt(receipt, Digest.from_hex(seed["canonical_sha256"]), default_trust_store())
    assert key == REFERENCE_REGISTRY_KEY


def test_issue_receipt_fields() -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    receipt = issue_receipt(KEY, DIGEST, NOW, first_computed_at=first)
    assert receipt.signed_at == receipt.last_reissued_at == "2026-05-21T01:05:17.690768Z"
    assert receipt.first_computed_at == "2026-01-01T00:00:00.000000Z"
    assert (receipt.kind, receipt.algorithm, receipt.signed_message) == (
        "pith_receipt",
        "ed25519",
        "canonical_sha256_bytes",
    )
    assert (receipt.receipt_version, receipt.signature_status) == ("0.3", "signed_v1")
    assert receipt.canonical_sha256 == DIGEST.hex
    assert receipt.public_key_fingerprint == KEY.public_key.fingerprint
    assert set(receipt.to_json()) == set(load_seed()["receipt"])


def test_issue_then_verify_with_own_key() -> None:
    receipt = issue_receipt(KEY, DIGEST, NOW)
    assert verify_receipt(receipt, DIGEST, default_trust_store([KEY.public_key])) == KEY.public_key


def test_unknown_key_raises_unknown_signing_key() -> None:
    receipt = issue_receipt(KEY, DIGEST, NOW)
    with pytest.raises(UnknownSigningKey, match="ours-1"):
        verify_receipt(receipt, DIGEST, default_trust_store())


def test_receipt_for_another_digest_fails() -> None:
    receipt = issue_receipt(KEY, DIGEST, NOW)
    with pytest.raises(InvalidReceipt, match="canonical_sha256"):
        verify_receipt(receipt, Digest(bytes(32)), default_trust_store([KEY.public_key]))


def test_tampered_fingerprint_and_signature_fail() -> None:
    receipt = issue_receipt(KEY, DIGEST, NOW)
    trust = default_trust_store([KEY.public_key])
    with pytest.raises(InvalidReceipt, match="fingerprint"):
        verify_receipt(dataclasses.replace(receipt, public_key_fingerprint="0" * 32), DIGEST, trust)
    other = issue_receipt(signing_key_from_seed("ours-1", bytes(32)), DIGEST, NOW)
    with pytest.raises(InvalidReceipt):
        verify_receipt(
            dataclasses.replace(other, public_key_fingerprint=receipt.public_key_fingerprint),
            DIGEST,
            trust,
        )


def test_retired_key_still_verifies_old_receipts() -> None:
    old = issue_receipt(KEY, DIGEST, NOW)
    new_key = signing_key_from_seed("ours-2", bytes(range(1, 33)))
    trust = (
        default_trust_store()
        .with_key(KEY.public_key, KeyStatus.RETIRED)
        .with_key(new_key.public_key)
    )
    assert verify_receipt(old, DIGEST, trust) == KEY.public_key
    assert trust.status_of("ours-1") is KeyStatus.RETIRED
    assert trust.status_of("pith-v1-2026-05") is KeyStatus.EXTERNAL
    assert trust.by_fingerprint(new_key.public_key.fingerprint) == new_key.public_key


def test_trust_store_refuses_two_keys_with_one_id() -> None:
    from pith_graph.core.trust import TrustedKey

    with pytest.raises(ValueError, match="ours-1"):
        TrustStore(
            (
                TrustedKey(KEY.public_key),
                TrustedKey(signing_key_from_seed("ours-1", bytes(32)).public_key),
            )
        )


def test_receipt_from_json_names_missing_field() -> None:
    raw = load_seed()["receipt"]
    del raw["signed_at"]
    with pytest.raises(InvalidReceipt, match="signed_at"):
        Receipt.from_json(raw)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        issue_receipt(KEY, DIGEST, datetime(2026, 1, 1))
