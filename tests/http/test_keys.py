"""``/pith-signing-key.json`` and ``/pith-mirrors.json``: the published key and mirror manifest."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from _api_seed import FOUNDING_PITH, SeededGraph
from starlette.testclient import TestClient

from pith_graph.config import Settings
from pith_graph.core.canonical import Digest
from pith_graph.core.document import verify_record_document
from pith_graph.core.receipts import Receipt, verify_receipt
from pith_graph.core.signing import PublicKey, verify_digest_signature
from pith_graph.core.trust import KeyStatus, TrustedKey, TrustStore


def test_signing_key_document_is_the_key_our_receipts_use(
    seeded: SeededGraph, http: TestClient, settings: Settings
) -> None:
    response = http.get("/pith-signing-key.json")
    assert response.status_code == 200
    doc = response.json()
    assert (doc["algorithm"], doc["format"]) == ("ed25519", "raw")
    assert doc["url"] == settings.public_base_url + "/pith-signing-key.json"
    raw = base64.b64decode(doc["public_key_b64"])
    assert raw.hex() == doc["public_key_hex"]
    assert len(doc["fingerprint_sha256_b32_first128bits"]) == 26
    # A receipt signed here verifies with the published key alone.
    key = PublicKey(doc["key_id"], raw)
    registered = http.post(
        "/graphql",
        json={
            "query": "mutation($i: PaperInput!) { registerPaper(input: $i) { receipt { keyId canonicalSha256 signatureB64 publicKeyFingerprint } } }",
            "variables": {
                "i": {
                    "source": {"id": "2611.07777", "version": 1},
                    "title": "Published keys",
                    "abstract": "A.",
                    "submittedAt": "2026-11-02T10:00:00Z",
                    "primaryCat": "cs.CR",
                    "authors": ["Ada Lovelace"],
                }
            },
        },
    ).json()
    receipt = registered["data"]["registerPaper"]["receipt"]
    assert receipt["keyId"] == doc["key_id"]
    assert receipt["publicKeyFingerprint"] == doc["fingerprint_sha256_hex"]
    verify_digest_signature(key, Digest.from_hex(receipt["canonicalSha256"]), receipt["signatureB64"])


def test_mirror_manifest(seeded: SeededGraph, http: TestClient, settings: Settings) -> None:
    manifest = http.get("/pith-mirrors.json").json()
    base = settings.public_base_url
    assert manifest["manifest_type"] == "pith_mirror_manifest"
    assert manifest["merge_version"] == "pith-open-graph-merge-v1"
    assert manifest["mirrors"][0]["base_url"] == base and manifest["mirrors"][0]["status"] == "primary"
    assert manifest["signing_key"] == http.get("/pith-signing-key.json").json()
    body = FOUNDING_PITH.split(":")[2]
    for pattern in ("bundle_pattern", "state_pattern", "well_known_pattern"):
        url = manifest[pattern].replace("{suffix}", body)
        assert url.startswith(base)
        answer = http.get(urlsplit(url).path)
        assert answer.status_code == 200, (pattern, answer.text)


def test_keys_json_lists_every_trusted_key_with_its_status(
    seeded: SeededGraph, http: TestClient
) -> None:
    doc = http.get("/.well-known/pith/keys.json").json()
    assert http.get("/api/pith-number/keys").json() == doc
    statuses = {k["key_id"]: k["status"] for k in doc["keys"]}
    assert statuses["pith-v1-2026-05"] == "external"
    assert statuses[doc["key_id"]] == "current"
    external = next(k for k in doc["keys"] if k["key_id"] == "pith-v1-2026-05")
    assert external["public_key_hex"] == (
        "b2d552b68890857171a78b36a5dccf368a953413288c353f7c9d9d6f94b709b3"
    )
    assert external["fingerprint_sha256_hex"] == "8d4b5ee74e4693bcd1df2446408b0d54"


def test_the_founding_receipt_verifies_from_the_published_keys(
    seeded: SeededGraph, http: TestClient
) -> None:
    # Everything from HTTP: the record as served, the keys as published; nothing else trusted.
    record = http.get(f"/pith/{FOUNDING_PITH.split(':')[2]}.json").json()
    published = http.get("/.well-known/pith/keys.json").json()["keys"]
    trust = TrustStore(
        tuple(
            TrustedKey(PublicKey(k["key_id"], bytes.fromhex(k["public_key_hex"])), KeyStatus(k["status"]))
            for k in published
        )
    )
    receipt = Receipt.from_json(record["receipt"])
    assert receipt.key_id == "pith-v1-2026-05"
    key = verify_receipt(receipt, Digest.from_hex(record["canonical_sha256"]), trust)
    assert trust.status_of(key.key_id) is KeyStatus.EXTERNAL
    assert verify_record_document(record, trust).status_of("receipt") == "ok"
