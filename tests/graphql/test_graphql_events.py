"""Events, verification, log proofs, bundles and the live subscription through the HTTP app."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from events_support import (
    REGISTRY_KEY,
    insert_paper,
    paper_receipt,
    payload_for,
    seed_records,
    signed,
)
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.bundle import verify_bundle
from pith_graph.core.events import EventKind
from pith_graph.core.log import verify_proof_document
from pith_graph.core.trust import default_trust_store
from pith_graph.graphql.cursors import decode_cursor
from pith_graph.service.broadcast import broadcaster

SUBMIT = """
mutation($event: JSON!) {
  signCitation(event: $event) {
    __typename
    ... on EventAccepted { logIndex event { eventId eventType pithNumber signer { signerType } } }
    ... on EventRefusal { code message }
  }
}
"""


@pytest.fixture
def client(
    clean_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setenv("PITH_SIGNING_KEY", REGISTRY_KEY.export_seed().hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", REGISTRY_KEY.key_id)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def papers(client: TestClient, settings: Settings) -> list[str]:
    return [insert_paper(settings, r) for r in seed_records()]


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _citation(papers: list[str], nonce: str = "00" * 8) -> dict[str, Any]:
    payload = payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1])
    return signed(EventKind.CITATION_SIGNATURE, papers[0], payload, nonce=nonce).to_json()


def test_sign_citation_is_accepted_and_listed(client: TestClient, papers: list[str]) -> None:
    envelope = _citation(papers)
    result = gql(client, SUBMIT, {"event": envelope})["signCitation"]
    assert result["__typename"] == "EventAccepted"
    assert result["event"]["eventId"] == envelope["event_id"]
    assert result["logIndex"] == 2
    listed = gql(
        client,
        "query($p: String!) { events(pithNumber: $p) { edges { node { eventId } } pageInfo { hasNextPage } } "
        'eventFeed(category: "cs.LG") { edges { node { eventId } } } '
        "recordVerification(pithNumber: $p) { verificationStatus attestationState eventSummary } }",
        {"p": papers[0]},
    )
    assert [e["node"]["eventId"] for e in listed["events"]["edges"]] == [envelope["event_id"]]
    assert [e["node"]["eventId"] for e in listed["eventFeed"]["edges"]] == [envelope["event_id"]]
    assert listed["recordVerification"]["verificationStatus"]["citation_signatures"] == 1
    assert listed["recordVerification"]["eventSummary"] == {"citation_signature": 1}


def test_tampered_event_is_refused_as_data(client: TestClient, papers: list[str]) -> None:
    envelope = _citation(papers)
    envelope["signature_b64"] = _citation(papers, nonce="11" * 8)["signature_b64"]
    result = gql(client, SUBMIT, {"event": envelope})["signCitation"]
    assert result == {
        "__typename": "EventRefusal",
        "code": "BAD_SIGNATURE",
        "message": result["message"],
    }


def test_wrong_action_for_the_kind_is_refused(client: TestClient, papers: list[str]) -> None:
    envelope = signed(
        EventKind.STORAGE_ATTESTATION, papers[0], payload_for(EventKind.STORAGE_ATTESTATION)
    ).to_json()
    result = gql(client, SUBMIT, {"event": envelope})["signCitation"]
    assert result["code"] == "FORBIDDEN_KIND"


def test_feed_pages_with_a_cursor(client: TestClient, papers: list[str]) -> None:
    for i in range(3):
        gql(client, SUBMIT, {"event": _citation(papers, nonce=f"{i:016x}")})
    query = (
        "query($a: String) { eventFeed(first: 2, after: $a) { edges { cursor node { eventId } } "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    first = gql(client, query)["eventFeed"]
    second = gql(client, query, {"a": first["pageInfo"]["endCursor"]})["eventFeed"]
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    ids = [e["node"]["eventId"] for e in first["edges"] + second["edges"]]
    assert len(set(ids)) == 3
    # The page info and cursor format of every other connection.
    assert not first["pageInfo"]["hasPreviousPage"] and second["pageInfo"]["hasPreviousPage"]
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert decode_cursor(first["pageInfo"]["endCursor"], (str, str))[1] == ids[1]
    refused = client.post(
        "/graphql", json={"query": query, "variables": {"a": "not-a-cursor"}}
    ).json()
    assert refused["errors"][0]["extensions"]["code"] == "BAD_INPUT"


def test_inclusion_and_consistency_proofs_verify(client: TestClient, papers: list[str]) -> None:
    envelope = _citation(papers)
    gql(client, SUBMIT, {"event": envelope})
    proofs = gql(
        client,
        "query($e: String!, $p: String!) {"
        " ev: inclusionProof(eventId: $e) { ... on LogDocument { document } ... on LogRefusal { code } }"
        " rc: inclusionProof(pithNumber: $p) { ... on LogDocument { document } }"
        " cons: consistencyProof(first: 1, second: 3) { ... on LogDocument { document } }"
        " bad: consistencyProof(first: 3, second: 9) { ... on LogRefusal { code } }"
        " signedTreeHead }",
        {"e": envelope["event_id"], "p": papers[1]},
    )
    key = REGISTRY_KEY.public_key
    assert "leaf 2 in tree size 3" in verify_proof_document(proofs["ev"]["document"], key)
    assert "leaf 1 in tree size 3" in verify_proof_document(proofs["rc"]["document"], key)
    verify_proof_document(proofs["cons"]["document"], key)
    assert proofs["bad"] == {"code": "BAD_TREE_SIZE"}
    assert proofs["signedTreeHead"]["tree_head"]["tree_size"] == 3


def test_export_bundle_verifies_and_state_is_served(client: TestClient, papers: list[str]) -> None:
    gql(client, SUBMIT, {"event": _citation(papers)})
    data = gql(
        client,
        "query($p: String!) { exportBundle(pithNumber: $p) graphState(pithNumber: $p) }",
        {"p": papers[0]},
    )
    bundle = verify_bundle(data["exportBundle"], default_trust_store([REGISTRY_KEY.public_key]))
    assert [e.kind.value for e in bundle.events] == [
        "record_created",
        "graph_snapshot",
        "citation_signature",
    ]
    state = data["graphState"]
    assert state["state_type"] == "pith_open_graph_state"
    assert (
        state["current"]["canonical_sha256"] == paper_receipt(seed_records()[0])[1].canonical_sha256
    )
    assert len(state["current"]["citation_signatures"]) == 1


def test_subscription_receives_a_new_event(client: TestClient, papers: list[str]) -> None:
    envelope = _citation(papers)
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({
            "id": "1",
            "type": "subscribe",
            "payload": {
                "query": "subscription($p: String) { registryEvents(pithNumber: $p) "
                "{ kind pithNumber categories event { eventId } } }",
                "variables": {"p": papers[0]},
            },
        })  # fmt: skip
        deadline = time.monotonic() + 5
        while broadcaster.subscriber_count == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        gql(client, SUBMIT, {"event": envelope})
        message = ws.receive_json()
        assert message["type"] == "next", message
        live = message["payload"]["data"]["registryEvents"]
        assert live["kind"] == "event"
        assert live["event"]["eventId"] == envelope["event_id"]
        assert "cs.LG" in live["categories"]
        ws.send_json({"id": "1", "type": "complete"})


def test_bundle_and_state_json_are_served(client: TestClient, papers: list[str]) -> None:
    body = papers[0].split(":")[2]
    bundle = client.get(f"/pith/{body}/bundle.json")
    assert bundle.status_code == 200 and bundle.json()["pith_number"] == papers[0]
    well_known = client.get(f"/.well-known/pith/{body}/bundle.json")
    assert well_known.status_code == 200 and well_known.json()["pith_number"] == papers[0]
    state = client.get(f"/pith/{body}/state.json").json()
    assert state["state_type"] == "pith_open_graph_state"
    missing = client.get("/pith/AAAAAAAAAAAAAAAAAAAAAAAAAA/state.json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


def test_subscription_filters_by_category(client: TestClient, papers: list[str]) -> None:
    from pith_graph.service.broadcast import registration_message

    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({
            "id": "2",
            "type": "subscribe",
            "payload": {"query": 'subscription { registryEvents(category: "math.AG") { kind pithNumber } }'},
        })  # fmt: skip
        deadline = time.monotonic() + 5
        while broadcaster.subscriber_count == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        # An event about a cs.LG paper is filtered out; a math.AG registration comes through.
        gql(client, SUBMIT, {"event": _citation(papers)})
        client.portal.call(  # type: ignore[union-attr]
            _publish, registration_message("pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA", ["math.AG"])
        )
        message = ws.receive_json()
        assert message["payload"]["data"]["registryEvents"] == {
            "kind": "registration",
            "pithNumber": "pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA",
        }
        ws.send_json({"id": "2", "type": "complete"})


async def _publish(message: dict[str, Any]) -> None:
    broadcaster.publish(message)


REGISTER = """
mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber } }
"""
PAPER = {
    "source": {"id": "2611.00001", "version": 1},
    "title": "A registry test",
    "abstract": "Abstract.",
    "submittedAt": "2026-11-01T10:00:00Z",
    "primaryCat": "cs.DL",
    "authors": ["Ada Lovelace", "Alan Turing"],
}


def test_registration_is_logged_in_its_transaction_and_pushed_live(
    client: TestClient, clean_graph: Driver
) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({
            "id": "3",
            "type": "subscribe",
            "payload": {"query": 'subscription { registryEvents(category: "cs.DL") { kind pithNumber } }'},
        })  # fmt: skip
        deadline = time.monotonic() + 5
        while broadcaster.subscriber_count == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        pith = gql(client, REGISTER, {"input": PAPER})["registerPaper"]["pithNumber"]
        live = ws.receive_json()["payload"]["data"]["registryEvents"]
        assert live == {"kind": "registration", "pithNumber": pith}
        ws.send_json({"id": "3", "type": "complete"})
    gql(client, REGISTER, {"input": PAPER})  # idempotent: no second receipt, no second leaf
    records, _, _ = clean_graph.execute_query("MATCH (l:LogEntry) RETURN count(l) AS n")
    assert records[0]["n"] == 1
    proof = gql(
        client,
        "query($p: String!) { inclusionProof(pithNumber: $p) { ... on LogDocument { document } } }",
        {"p": pith},
    )["inclusionProof"]["document"]
    assert proof["leaf"]["pith_number"] == pith
    verify_proof_document(proof, REGISTRY_KEY.public_key)


def test_record_and_events_json_carry_the_events(client: TestClient, papers: list[str]) -> None:
    envelope = _citation(papers)
    gql(client, SUBMIT, {"event": envelope})
    body = papers[0].split(":")[2]
    events = client.get(f"/api/pith-number/{body}/events.json").json()
    assert events["events"] == [envelope]
    assert events["event_summary"] == {"citation_signature": 1}
    record = client.get(f"/pith/{body}.json").json()
    assert record["verification_status"]["citation_signatures"] == 1
    assert record["attestation_state"] == "computed"
    paper = gql(
        client,
        "query($p: String!) { resolve(alias: $p) { paper { eventSummary verificationStatus } } }",
        {"p": papers[0]},
    )["resolve"]["paper"]
    assert paper["eventSummary"] == {"citation_signature": 1}
    assert paper["verificationStatus"]["content_addressed"] is True


def _aliases_of(pith: str, arxiv_id: str) -> list[str]:
    body = pith.split(":")[2]
    return [pith, f"pith:{body[:8]}", body[:8], body, arxiv_id, f"arXiv:{arxiv_id}v2"]


PAPER_FIELDS = """query($p: String!) {
  exportBundle(pithNumber: $p) graphState(pithNumber: $p)
  recordVerification(pithNumber: $p) { pithNumber attestationState }
  events(pithNumber: $p) { edges { cursor } }
  inclusionProof(pithNumber: $p) { ... on LogDocument { document } ... on LogRefusal { code } }
}"""


def test_every_field_naming_a_paper_takes_any_alias(client: TestClient, papers: list[str]) -> None:
    for alias in _aliases_of(papers[0], "2603.13419"):
        data = gql(client, PAPER_FIELDS, {"p": alias})
        assert data["exportBundle"]["pith_number"] == papers[0], alias
        assert data["graphState"]["state_type"] == "pith_open_graph_state", alias
        assert data["recordVerification"]["pithNumber"] == papers[0], alias
        assert data["events"]["edges"] == []
        assert "document" in data["inclusionProof"], (alias, data["inclusionProof"])


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("not valid", "INVALID_ALIAS"),
        ("2603.99999", "NOT_FOUND"),
        ("pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA", "NOT_FOUND"),
    ],
)
@pytest.mark.parametrize(
    "field",
    [
        "exportBundle(pithNumber: $p)",
        "graphState(pithNumber: $p)",
        "recordVerification(pithNumber: $p) { pithNumber }",
        "events(pithNumber: $p) { edges { cursor } }",
    ],
)
def test_fields_naming_no_paper_answer_like_resolve(
    client: TestClient, papers: list[str], field: str, alias: str, code: str
) -> None:
    body = client.post(
        "/graphql", json={"query": f"query($p: String!) {{ {field} }}", "variables": {"p": alias}}
    ).json()
    assert body["errors"][0]["extensions"]["code"] == code, body
    refused = gql(
        client,
        "query($p: String!) { inclusionProof(pithNumber: $p) { ... on LogRefusal { code } } }",
        {"p": alias},
    )
    assert refused["inclusionProof"]["code"] == code


def test_an_ambiguous_alias_is_refused_with_its_candidates(
    client: TestClient, papers: list[str], settings: Settings
) -> None:
    from pith_graph.store.driver import open_driver

    with open_driver(settings) as driver:  # a DOI shared by both papers
        driver.execute_query(
            "MATCH (p:Paper) MERGE (a:Alias {kind: 'doi', value: '10.1000/shared'}) "
            "MERGE (a)-[:ALIAS_OF]->(p)",
            database_=settings.neo4j_database,
        )
    body = client.post(
        "/graphql",
        json={"query": "{ exportBundle(pithNumber: \"doi:10.1000/shared\") }"},
    ).json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "AMBIGUOUS_ALIAS"
    assert sorted(error["extensions"]["candidates"]) == sorted(papers)
    response = client.get("/pith/doi:10.1000/shared/bundle.json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "AMBIGUOUS_ALIAS"


@pytest.mark.parametrize("route", ["/pith/{}/bundle.json", "/.well-known/pith/{}/bundle.json",
                                   "/pith/{}/state.json"])  # fmt: skip
def test_bundle_routes_take_any_alias(client: TestClient, papers: list[str], route: str) -> None:
    for alias in _aliases_of(papers[0], "2603.13419"):
        response = client.get(route.format(alias))
        assert response.status_code == 200, (alias, response.text)
        assert response.json()["pith_number"] == papers[0]
    for alias, status, code in [("not valid", 400, "INVALID_ALIAS"), ("2603.99999", 404, "NOT_FOUND")]:
        response = client.get(route.format(alias))
        assert response.status_code == status and response.json()["error"]["code"] == code


def test_paper_events_lists_the_papers_accepted_events(client: TestClient, papers: list[str]) -> None:
    query = "query($a: String!) { resolve(alias: $a) { paper { events } } }"
    assert gql(client, query, {"a": papers[0]})["resolve"]["paper"]["events"] == []
    first, second = _citation(papers, "01" * 8), _citation(papers, "02" * 8)
    for envelope in (first, second):
        assert gql(client, SUBMIT, {"event": envelope})["signCitation"]["__typename"] == "EventAccepted"
    events = gql(client, query, {"a": papers[0]})["resolve"]["paper"]["events"]
    assert sorted(e["event_id"] for e in events) == sorted([first["event_id"], second["event_id"]])
    assert all(set(e) == {"event", "event_id", "signature_b64"} for e in events)
    assert gql(client, query, {"a": papers[1]})["resolve"]["paper"]["events"] == []
    one = gql(client, "query($a: String!) { resolve(alias: $a) { paper { events(first: 1) } } }", {"a": papers[0]})
    assert len(one["resolve"]["paper"]["events"]) == 1
