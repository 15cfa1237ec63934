"""The demo, integrity run included: the 12 time-order edges and nothing else from that detector,
Paper.integrity / integrityFindings, integrity.json, claims.json, /paper/…, the action routes, and a
walk of every URL the demo's records, bundles and states advertise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from _api_client import GraphQLClient
from events_support import payload_for, signed
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.events import EventKind, parse_event
from pith_graph.core.integrity.payload import check_integrity_payload
from pith_graph.core.signing import PublicKey
from pith_graph.service.keys import registry_signing_key

TIME_ORDER_EDGES = {
    ("hep-th/9902153", "hep-th/9903161"), ("hep-th/9902153", "hep-th/9907047"),
    ("hep-th/9905226", "hep-th/9907216"), ("hep-th/9906057", "hep-th/9907051"),
    ("hep-th/9906057", "hep-th/9908167"), ("hep-th/9810008", "hep-th/0206223"),
    ("hep-th/9912288", "hep-th/0004011"), ("hep-th/0008015", "hep-th/0008016"),
    ("hep-th/0006037", "hep-th/0008211"), ("hep-th/0011283", "hep-th/0011282"),
    ("hep-th/0106191", "hep-th/0211074"), ("hep-th/0108115", "hep-th/0108114"),
}  # fmt: skip
ACTIONS = (
    "timestamp_anchor", "storage_attestation", "author_attestation",
    "citation_signature", "replication_record",
)  # fmt: skip


@pytest.fixture(scope="module")
def http(demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def gql(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http)


FINDINGS = """
query($detector: String, $severity: String, $after: String) {
  integrityFindings(detector: $detector, severity: $severity, first: 5, after: $after) {
    edges { cursor node { pithNumber detector severity verdictClass evidence evidenceHash
                          paper { source { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _all(gql: GraphQLClient, **variables: Any) -> list[dict[str, Any]]:
    nodes, after = [], None
    while True:
        page = gql(FINDINGS, {**variables, "after": after})["integrityFindings"]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def test_the_demo_has_exactly_the_twelve_time_order_edges(gql: GraphQLClient) -> None:
    nodes = _all(gql, detector="citation_time_order")
    edges = {(n["paper"]["source"]["id"], n["evidence"]["cited_arxiv_id"]) for n in nodes}
    assert edges == TIME_ORDER_EDGES and len(nodes) == 12
    assert {n["severity"] for n in nodes} == {"advisory"}
    assert len({n["evidenceHash"] for n in nodes}) == 12


def test_paper_integrity_in_graphql(gql: GraphQLClient) -> None:
    data = gql(
        """{ resolve(alias: "hep-th/9902153") { paper { integrity {
             clean available
             summary { critical advisory informational byDetector { detector count } }
             detectorsRun { name version ranAt findingsCount }
             findings { detector findingType severity verdictClass evidenceHash eventId note } } } } }"""
    )
    integrity = data["resolve"]["paper"]["integrity"]
    assert integrity["available"] and not integrity["clean"]
    assert {"detector": "citation_time_order", "count": 2} in integrity["summary"]["byDetector"]
    runs = {r["name"]: r for r in integrity["detectorsRun"]}
    assert runs["citation_time_order"]["findingsCount"] == 2
    assert {"shingle_duplication", "submission_date_mismatch", "metadata_conflict"} <= set(runs)
    assert gql.error('{ integrityFindings(detector: "nope") { edges { cursor } } }')


def test_integrity_json_for_any_alias_verifies_offline(http: TestClient, demo: Settings) -> None:
    key = registry_signing_key(demo.data_dir).public_key
    published = PublicKey(key.key_id, key.raw)
    for alias in ("hep-th/9902153", "arXiv:hep-th/9902153"):
        doc = http.get(f"/pith/{alias}/integrity.json").json()
        assert doc["arxiv_id"] == "hep-th/9902153"
        assert doc["integrity"]["summary"]["advisory"] == 2
        assert len(doc["events"]) == 2
        for e in doc["events"]:
            event = parse_event(e["envelope"])
            assert event.signer.public_key == published.raw
            check_integrity_payload(e["payload"], doc["pith_number"])
    record = http.get("/pith/hep-th/9902153.json").json()
    assert record["graph_snapshot"]["integrity"] == doc["integrity"]
    assert record["verification_status"]["integrity_findings"] == 2
    assert http.get("/pith/no-such-paper/integrity.json").status_code in (400, 404)


def test_claims_json_and_paper_page(http: TestClient) -> None:
    record = http.get("/pith/hep-th/9711200.json").json()
    claims = http.get("/pith/hep-th/9711200/claims.json").json()
    assert claims["claims"] == record["paper_claims"] and claims["pith_number"] == record["pith_number"]
    short8 = record["short_pith_number"].split(":")[1]
    for alias in (short8, "hep-th/9711200", record["pith_number"]):
        as_json = http.get(f"/paper/{alias}", headers={"Accept": "application/json"})
        assert as_json.status_code == 200 and as_json.json()["pith_number"] == record["pith_number"]
    page = http.get("/paper/hep-th/9902153", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "citation_time_order" in page.text
    assert "integrity.json" in page.text


def test_action_get_describes_and_post_checks_like_the_mutation(http: TestClient) -> None:
    record = http.get("/pith/hep-th/9711200.json").json()
    body = record["pith_number"].split(":")[2]
    for kind in ACTIONS:
        info = http.get(f"/pith/{body}/action/{kind}").json()
        assert info["event_type"] == kind and info["subject"] == record["pith_number"]
        assert info["payload_keys"] and info["json_schema"]["type"] == "object"
        assert info["graphql"]["mutation"]
    refused = http.post(f"/pith/{body}/action/timestamp_anchor", content=b"{}")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "MALFORMED_EVENT"
    assert http.get(f"/pith/{body}/action/record_created").status_code == 404
    event = signed(
        EventKind.STORAGE_ATTESTATION, record["pith_number"],
        payload_for(EventKind.STORAGE_ATTESTATION), nonce="5a" * 8,
    )  # fmt: skip
    accepted = http.post(f"/pith/{body}/action/storage_attestation", json=event.to_json())
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["event_id"] == event.event_id
    again = http.post(f"/pith/{body}/action/storage_attestation", json=event.to_json())
    assert again.status_code == 409 and again.json()["error"]["code"] == "REPLAYED_EVENT"
    wrong_kind = http.post(f"/pith/{body}/action/timestamp_anchor", json=event.to_json())
    assert wrong_kind.json()["error"]["code"] == "FORBIDDEN_KIND"
    after = http.get(f"/pith/{body}.json").json()
    assert after["verification_status"]["storage_verified"]


# A path, not base64 that happens to start with "/": signatures and keys end in "=" padding.
_URL = re.compile(r"^(https?://[^\s\"']+|/[A-Za-z.][^\s\"']*)$")
_BASE64_PADDED = re.compile(r"^[A-Za-z0-9+/]+=+$")


def _urls(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _urls(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urls(v)
    elif isinstance(value, str) and _URL.match(value) and not _BASE64_PADDED.match(value):
        yield value


def test_every_url_the_demo_advertises_answers(
    http: TestClient, demo: Settings, gql: GraphQLClient
) -> None:
    base = demo.public_base_url.rstrip("/")
    founding = http.get("/pith/2603.13419.json").json()
    samples = ["2603.13419", "hep-th/9711200", "hep-th/9902153"]
    # and one paper with a finding of each detector that found something in the demo
    page = gql("{ integrityFindings(first: 500) { edges { node { pithNumber detector } } } }")
    by_detector = {e["node"]["detector"]: e["node"]["pithNumber"] for e in page["integrityFindings"]["edges"]}
    samples += sorted(by_detector.values())
    seen: set[str] = set()
    failures = []
    for alias in samples:
        record = http.get(f"/pith/{alias}.json").json()
        assert "pith_number" in record, (alias, record)
        body = record["pith_number"].split(":")[2]
        bundle = http.get(f"/pith/{body}/bundle.json").json()
        state = http.get(f"/pith/{body}/state.json").json()
        for doc in (record, bundle, state):
            for url in _urls(doc):
                if url.startswith("http") and not url.startswith(base):
                    continue  # another site's URL (a licence, the reference's schema)
                path = url[len(base):] if url.startswith(base) else url
                if path in seen:
                    continue
                seen.add(path)
                answer = http.get(path)
                only_post = "/action/" in path and answer.status_code == 405
                if not (200 <= answer.status_code < 300 or only_post):
                    failures.append((path, answer.status_code))
    assert founding["pith_number"]
    assert len(seen) >= 20
    assert failures == []
