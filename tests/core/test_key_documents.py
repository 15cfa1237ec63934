"""The signing-key document and the mirror manifest in the reference system's shapes."""

from __future__ import annotations

import base64
import hashlib

from pith_graph.core.key_documents import (
    MANIFEST_TYPE,
    fingerprint_b32,
    mirror_manifest,
    signing_key_document,
)
from pith_graph.core.merge import MERGE_VERSION
from pith_graph.core.trust import REFERENCE_REGISTRY_KEY

REFERENCE_KEY_KEYS = {
    "key_id",
    "algorithm",
    "format",
    "public_key_b64",
    "public_key_hex",
    "fingerprint_sha256_b32_first128bits",
    "fingerprint_sha256_hex",
    "rotates_at",
    "url",
}


def test_signing_key_document_of_the_reference_key() -> None:
    doc = signing_key_document(REFERENCE_REGISTRY_KEY, url="https://pith.science/pith-signing-key.json")
    assert set(doc) >= REFERENCE_KEY_KEYS
    assert doc["key_id"] == "pith-v1-2026-05"
    assert (doc["algorithm"], doc["format"], doc["rotates_at"]) == ("ed25519", "raw", None)
    assert doc["public_key_hex"] == "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"
    assert base64.b64decode(doc["public_key_b64"]).hex() == doc["public_key_hex"]
    # REFERENCE.md: the fingerprint every fixture receipt names.
    assert doc["fingerprint_sha256_hex"] == "8d4b5ee74e4693bcd1df2446408b0d54"
    b32 = doc["fingerprint_sha256_b32_first128bits"]
    assert len(b32) == 26 and b32 == b32.upper()
    assert base64.b32decode(b32 + "=" * 6) == bytes.fromhex(doc["fingerprint_sha256_hex"])


def test_fingerprint_b32_is_the_first_128_bits_of_sha256() -> None:
    raw = bytes(range(32))
    padded = fingerprint_b32(raw) + "======"
    assert base64.b32decode(padded) == hashlib.sha256(raw).digest()[:16]


def test_mirror_manifest_names_this_registry_primary_and_its_patterns() -> None:
    key = signing_key_document(REFERENCE_REGISTRY_KEY)
    manifest = mirror_manifest("https://registry.example.org/", key)
    assert manifest["manifest_type"] == MANIFEST_TYPE == "pith_mirror_manifest"
    assert manifest["merge_version"] == MERGE_VERSION == "pith-open-graph-merge-v1"
    (primary,) = manifest["mirrors"]
    assert primary["status"] == "primary" and primary["mirror_type"] == "https"
    assert primary["base_url"] == "https://registry.example.org"
    assert primary["name"] == "registry.example.org"
    assert manifest["signing_key"] == key
    base = "https://registry.example.org"
    assert manifest["bundle_pattern"] == base + "/pith/{suffix}/bundle.json"
    assert manifest["state_pattern"] == base + "/pith/{suffix}/state.json"
    assert manifest["well_known_pattern"] == base + "/.well-known/pith/{suffix}/bundle.json"


def test_mirror_manifest_lists_further_mirrors_after_the_primary() -> None:
    other = {"name": "m2", "mirror_type": "https", "base_url": "https://m2.example", "status": "mirror"}
    manifest = mirror_manifest("https://a.example", signing_key_document(REFERENCE_REGISTRY_KEY), mirrors=[other])
    assert [m["name"] for m in manifest["mirrors"]] == ["a.example", "m2"]
