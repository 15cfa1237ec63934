"""``/pith-signing-key.json`` and ``/pith-mirrors.json``: the published key and mirror manifest."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from _api_seed import FOUNDING_PITH, SeededGraph
from starlette.testclient import TestClient

from pith_graph.config import Settings
from pith_graph.core.canonical import Digest
from pith_graph.core.signing import PublicKey, verify_digest_signature


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
