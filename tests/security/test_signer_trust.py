"""Nobody signs as the registry: trusted key ids and the registry's role need the trusted key.

The attack: an ``attest`` token holder submits an event whose signer says ``signer_type:
"registry"``, the registry's own ``key_id`` and ``signer_id``, but carries the submitter's public
key and signature (which verifies, over the submitter's key). It must be refused with a code and
write nothing: no event, no log leaf, nothing in ``events.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph import keystore
from pith_graph.config import Settings
from pith_graph.core.events import build_event
from pith_graph.core.signing import generate_signing_key
from pith_graph.core.trust import REFERENCE_REGISTRY_KEY

from .conftest import gql

REGISTER = "mutation($i: PaperInput!) { registerPaper(input: $i) { pithNumber } }"
ATTEST = """mutation($e: JSON!) { attestStorage(event: $e) {
  __typename ... on EventRefusal { code message } ... on EventAccepted { logIndex } } }"""
ATTACKER_SEED = b"\x42" * 32
STORAGE = {
    "archive": "internet_archive",
    "url": "https://web.archive.org/web/2026/x",
    "captured_at": "2026-05-01T11:00:00Z",
    "content_sha256": "ab" * 32,
}


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _paper(client: TestClient, token: str) -> str:
    answer = gql(
        client,
        REGISTER,
        {"i": {"source": {"id": "2611.05555", "version": 1}, "title": "Signers",
               "abstract": "A.", "submittedAt": "2026-11-01T10:00:00Z", "primaryCat": "cs.CR",
               "authors": ["Ada Lovelace"]}},
        **_bearer(token),
    ).json()  # fmt: skip
    return str(answer["data"]["registerPaper"]["pithNumber"])


def _forged(subject: str, key_id: str, signer_id: str, signer_type: str, nonce: str) -> dict:  # type: ignore[type-arg]
    # The attacker's own key, under whatever names they choose: the signature verifies.
    key = generate_signing_key(key_id, seed=ATTACKER_SEED)
    return build_event(
        "storage_attestation", subject, STORAGE, key=key, signer_id=signer_id,
        signer_type=signer_type, nonce=nonce, created_at=datetime.now(UTC),
    ).to_json()  # fmt: skip


def _submit_refused(
    client: TestClient, bolt: Driver, token: str, pith: str, envelope: dict  # type: ignore[type-arg]
) -> str:
    # The registry may write its own events meanwhile (integrity findings of the new paper):
    # "nothing written" is about this submission, no event of the attacker's key, no log leaf.
    attacker = envelope["event"]["signer"]["public_key"]
    leaves = _count(bolt, "MATCH (l:LogEntry {ref: $id}) RETURN count(l)", id=envelope["event_id"])
    answer = gql(client, ATTEST, {"e": envelope}, **_bearer(token)).json()
    result = answer["data"]["attestStorage"]
    assert result["__typename"] == "EventRefusal", result
    assert _count(bolt, "MATCH (e:Event {signer_key: $k}) RETURN count(e)", k=attacker) == 0
    assert _count(bolt, "MATCH (l:LogEntry {ref: $id}) RETURN count(l)", id=envelope["event_id"]) == leaves == 0
    body = pith.split(":")[2]
    served = client.get(f"/api/pith-number/{body}/events.json").json()["events"]
    assert all(e["event"]["signer"]["public_key"] != attacker for e in served)
    return str(result["code"])


def _count(bolt: Driver, query: str, **params: str) -> int:
    records, _, _ = bolt.execute_query(query, **params)
    return int(records[0][0])


def test_an_attest_token_cannot_sign_as_the_registry(
    secure_client: TestClient,
    secure_settings: Settings,
    make_token: Callable[..., str],
    clean_graph: Driver,
) -> None:
    pith = _paper(secure_client, make_token("register"))
    attest = make_token("attest")
    ours = keystore.load_signing_key(secure_settings.data_dir).key_id
    envelope = _forged(pith, ours, f"registry:{ours}", "registry", "01" * 8)
    assert _submit_refused(secure_client, clean_graph, attest, pith, envelope) == "RESERVED_KEY_ID"
    # The reference registry's key id (external, it signed the founding record) is reserved too.
    external = REFERENCE_REGISTRY_KEY.key_id
    envelope = _forged(pith, external, f"registry:{external}", "registry", "02" * 8)
    assert _submit_refused(secure_client, clean_graph, attest, pith, envelope) == "RESERVED_KEY_ID"


def test_a_retired_key_id_is_reserved(
    secure_client: TestClient,
    secure_settings: Settings,
    make_token: Callable[..., str],
    clean_graph: Driver,
) -> None:
    pith = _paper(secure_client, make_token("register"))
    retired = keystore.load_signing_key(secure_settings.data_dir).key_id
    keystore.rotate_key(secure_settings.data_dir, "rotated-key")
    assert retired in keystore.trust_store_for(secure_settings.data_dir)
    envelope = _forged(pith, retired, "agent:me", "agent", "03" * 8)
    code = _submit_refused(secure_client, clean_graph, make_token("attest"), pith, envelope)
    assert code == "RESERVED_KEY_ID"


@pytest.mark.parametrize(
    ("key_id", "signer_id", "signer_type"),
    [
        ("my-own-registry", "registry:my-own-registry", "registry"),  # the role, a fresh key id
        ("my-own-registry", "agent:me", "registry"),
        ("agent-key", "registry:pith-v1-2026-05", "agent"),  # the registry's signer id
        ("agent-key", "pith-v1-2026-05", "agent"),  # a trusted key id as signer id
    ],
)
def test_the_registry_role_needs_a_trusted_key(
    secure_client: TestClient,
    make_token: Callable[..., str],
    clean_graph: Driver,
    key_id: str,
    signer_id: str,
    signer_type: str,
) -> None:
    pith = _paper(secure_client, make_token("register"))
    envelope = _forged(pith, key_id, signer_id, signer_type, "04" * 8)
    code = _submit_refused(secure_client, clean_graph, make_token("attest"), pith, envelope)
    assert code == "FORBIDDEN_SIGNER"


def test_an_agent_with_its_own_names_is_accepted(
    secure_client: TestClient, make_token: Callable[..., str], clean_graph: Driver
) -> None:
    pith = _paper(secure_client, make_token("register"))
    envelope = _forged(pith, "agent-key", "agent:me", "agent", "05" * 8)
    answer = gql(secure_client, ATTEST, {"e": envelope}, **_bearer(make_token("attest"))).json()
    assert answer["data"]["attestStorage"]["__typename"] == "EventAccepted", json.dumps(answer)
