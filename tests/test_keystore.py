"""keystore.py: key files (0600), env secret, rotation, published key document."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pith_graph import keystore
from pith_graph.core import Digest, issue_receipt, verify_receipt
from pith_graph.core.key_documents import published_keys_document
from pith_graph.core.trust import KeyStatus

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SEED = bytes(range(32))


def test_generate_writes_owner_only_key_and_index(tmp_path: Path) -> None:
    info = keystore.generate_key(tmp_path, "k1", NOW)
    key_file = tmp_path / "keys" / "k1.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert info.status is KeyStatus.CURRENT and info.created_at == "2026-06-01T12:00:00Z"
    assert keystore.list_keys(tmp_path) == (info,)
    key = keystore.load_signing_key(tmp_path, env={})
    assert key.public_key == info.public_key


def test_default_key_id_and_second_generate_refused(tmp_path: Path) -> None:
    info = keystore.generate_key(tmp_path, now=NOW)
    assert info.key_id.startswith("pith-graph-2026-06-")
    with pytest.raises(keystore.KeyStoreError, match="rotate"):
        keystore.generate_key(tmp_path, now=NOW)


def test_group_readable_key_file_is_refused(tmp_path: Path) -> None:
    keystore.generate_key(tmp_path, "k1", NOW)
    key_file = tmp_path / "keys" / "k1.key"
    os.chmod(key_file, 0o640)
    with pytest.raises(keystore.KeyStoreError, match="chmod 600"):
        keystore.load_signing_key(tmp_path, env={})


def test_rotate_keeps_old_receipts_verifying(tmp_path: Path) -> None:
    keystore.generate_key(tmp_path, "k1", NOW)
    old_key = keystore.load_signing_key(tmp_path, env={})
    digest = Digest(bytes(32))
    old_receipt = issue_receipt(old_key, digest, NOW)
    keystore.rotate_key(tmp_path, "k2", NOW)
    new_key = keystore.load_signing_key(tmp_path, env={})
    assert new_key.key_id == "k2"
    statuses = {k.key_id: (k.status, k.retired_at) for k in keystore.list_keys(tmp_path)}
    assert statuses == {
        "k1": (KeyStatus.RETIRED, "2026-06-01T12:00:00Z"),
        "k2": (KeyStatus.CURRENT, None),
    }
    trust = keystore.trust_store_for(tmp_path, env={})
    assert verify_receipt(old_receipt, digest, trust).key_id == "k1"
    assert verify_receipt(issue_receipt(new_key, digest, NOW), digest, trust).key_id == "k2"
    assert "pith-v1-2026-05" in trust


def test_env_key_hex_and_base64(tmp_path: Path) -> None:
    for secret in (SEED.hex(), base64.b64encode(SEED).decode()):
        key = keystore.load_signing_key(
            tmp_path, env={"PITH_SIGNING_KEY": secret, "PITH_SIGNING_KEY_ID": "env-1"}
        )
        assert key.key_id == "env-1" and key.export_seed() == SEED


def test_env_key_errors_never_echo_the_secret(tmp_path: Path) -> None:
    secret = "ab" * 31
    with pytest.raises(keystore.KeyStoreError) as info:
        keystore.load_signing_key(
            tmp_path, env={"PITH_SIGNING_KEY": secret, "PITH_SIGNING_KEY_ID": "e"}
        )
    assert secret not in str(info.value)
    with pytest.raises(keystore.KeyStoreError, match="PITH_SIGNING_KEY_ID"):
        keystore.load_signing_key(tmp_path, env={"PITH_SIGNING_KEY": SEED.hex()})


def test_missing_key_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(keystore.KeyStoreError, match="keys generate"):
        keystore.load_signing_key(tmp_path, env={})


def test_bad_key_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(keystore.KeyStoreError, match="invalid key id"):
        keystore.generate_key(tmp_path, "../escape", NOW)


def test_published_keys_document(tmp_path: Path) -> None:
    keystore.generate_key(tmp_path, "k1", NOW, seed=SEED)
    keystore.rotate_key(tmp_path, "k2", NOW)
    doc = published_keys_document(
        keystore.trust_store_for(tmp_path, env={}), rotates_at="2026-12-01T00:00:00Z"
    )
    assert doc["key_id"] == "k2" and doc["algorithm"] == "ed25519" and doc["format"] == "raw"
    assert base64.b64decode(doc["public_key_b64"]).hex() == doc["public_key_hex"]
    assert doc["rotates_at"] == "2026-12-01T00:00:00Z"
    assert [(k["key_id"], k["status"]) for k in doc["keys"]] == [
        ("k1", "retired"),
        ("k2", "current"),
        ("pith-v1-2026-05", "external"),
    ]
    assert doc["keys"][0]["retired_at"] == doc["keys"][1]["created_at"]
    assert SEED.hex() not in str(doc)
