"""The record's graph sections are derived from the graph, the same in every place it is served.

``inbound_citations``, ``graph_snapshot.references`` (count, sample, resolved_work),
``graph_snapshot.claims``, ``author_claims`` and ``formal_canon`` against what GraphQL counts on
the seeded hep-th slice, with their section hashes; ``/pith/<n>.json``, ``graph.json`` and the
GraphQL ``record`` field carry the same document.
"""

from __future__ import annotations

from typing import Any

from _api_client import GraphQLClient
from _api_seed import CENTRE, SeededGraph
from starlette.testclient import TestClient

from pith_graph.core.document import SAMPLE_SIZE
from pith_graph.core.snapshot import section_sha256

GRAPH = """
query($a: String!) { resolve(alias: $a) { paper {
  pithNumber
  citations(first: 10, order: SUBMITTED_DESC) { totalCount edges { node { pithNumber } } }
  references(first: 500) { totalCount edges { resolved raw node { pithNumber } } }
  record
} } }
"""
CLAIMS = """
mutation($p: String!) { addClaims(pithNumber: $p, claims: [
  {kind: "strongest_claim", text: "Large N gauge theories are string theories."}]) { claimId } }
"""


def _paper(http: TestClient) -> dict[str, Any]:
    paper: dict[str, Any] = GraphQLClient(http)(GRAPH, {"a": CENTRE})["resolve"]["paper"]
    return paper


def test_citations_and_references_come_from_the_graph(seeded: SeededGraph, http: TestClient) -> None:
    paper = _paper(http)
    record = paper["record"]
    citations, references = paper["citations"], paper["references"]
    assert citations["totalCount"] > 100 and references["totalCount"] > 10
    inbound = record["inbound_citations"]
    assert inbound["count"] == citations["totalCount"]
    # The sample: the newest citing papers, as the citations list orders them.
    assert len(inbound["sample"]) == SAMPLE_SIZE
    assert [c["pith_number"] for c in inbound["sample"]] == [
        e["node"]["pithNumber"] for e in citations["edges"]
    ]
    section = record["graph_snapshot"]["references"]
    assert section["count"] == references["totalCount"]
    resolved = [e for e in references["edges"] if e["resolved"]]
    assert 0 < section["resolved_work"] == len(resolved) <= section["count"]
    # The first references in the paper's own order, each resolved or not.
    sample = section["sample"]
    assert len(sample) == min(SAMPLE_SIZE, section["count"])
    positions = [r["position"] for r in sample]
    assert positions == sorted(positions, key=lambda p: (p is None, p))
    cited = {e["node"]["pithNumber"] for e in resolved}
    for item in sample:
        assert item["resolved"] is (item["pith_number"] is not None) is (item["work"] is None)
        if item["resolved"]:
            assert item["pith_number"] in cited


def test_unregistered_references_are_counted_but_not_resolved(
    seeded: SeededGraph, http: TestClient
) -> None:
    # A reference to a work nobody registered: counted, in the sample, not resolved.
    gql = GraphQLClient(http)
    citing = gql(GRAPH, {"a": "2603.13419"})["resolve"]["paper"]
    gql(
        "mutation($c: String!, $r: [String!]!) { addReferences(citing: $c, cited: $r) { __typename } }",
        {"c": citing["pithNumber"], "r": ["arXiv:2401.00001", CENTRE]},
    )
    record = gql(GRAPH, {"a": "2603.13419"})["resolve"]["paper"]["record"]
    section = record["graph_snapshot"]["references"]
    assert (section["count"], section["resolved_work"]) == (2, 1)
    assert {(r["resolved"], (r["work"] or {}).get("value")) for r in section["sample"]} == {
        (True, None),
        (False, "2401.00001"),
    }
    assert record["verification_status"]["references_resolved"] is False


def test_claims_are_counted_and_hashed(seeded: SeededGraph, http: TestClient) -> None:
    before = _paper(http)["record"]["graph_snapshot"]["claims"]
    GraphQLClient(http)(CLAIMS, {"p": _paper(http)["pithNumber"]})
    record = _paper(http)["record"]
    claims = record["graph_snapshot"]["claims"]
    assert claims["count"] == before["count"] + 1 == len(claims["items"])
    assert claims["items"] == record["paper_claims"]
    assert claims["items"][-1]["text"] == "Large N gauge theories are string theories."
    assert claims["snapshot_sha256"] != before["snapshot_sha256"]


def test_every_section_carries_its_own_hash(seeded: SeededGraph, http: TestClient) -> None:
    snapshot = _paper(http)["record"]["graph_snapshot"]
    for name in ("claims", "references", "formal_canon", "author_claims", "integrity"):
        assert snapshot[name]["snapshot_sha256"] == section_sha256(snapshot[name]), name


def test_the_same_record_everywhere_it_is_served(seeded: SeededGraph, http: TestClient) -> None:
    paper = _paper(http)
    body = paper["pithNumber"].split(":")[2]
    served = http.get(f"/pith/{body}.json").json()
    assert served == paper["record"]
    graph = http.get(f"/api/pith-number/{body}/graph.json").json()
    assert graph["graph_snapshot"] == served["graph_snapshot"]
    assert served["graph_snapshot"]["references"]["count"] > 0
    assert served["inbound_citations"]["count"] > 0
