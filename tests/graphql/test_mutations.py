"""Mutations through the app: registerPaper, addReferences, addClaims, importRecord; errors."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from _api_client import GraphQLClient
from _api_seed import FOUNDING_PITH, founding_record
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings


@pytest.fixture
def clean_gql(clean_graph: Driver, gql: GraphQLClient) -> GraphQLClient:
    return gql


REGISTER = """
mutation($input: PaperInput!) {
  registerPaper(input: $input) { pithNumber source { id version } receipt { keyId } aliases { kind value } }
}
"""


def paper_input(**extra: Any) -> dict[str, Any]:
    return {
        "source": {"id": "2611.00001", "version": 1},
        "title": "A registry test",
        "abstract": "Abstract.",
        "submittedAt": "2026-11-01T10:00:00Z",
        "primaryCat": "cs.DL",
        "authors": ["Ada Lovelace", "Alan Turing"],
        **extra,
    }


def test_register_paper_is_idempotent(clean_gql: GraphQLClient, clean_graph: Driver) -> None:
    first = clean_gql(REGISTER, {"input": paper_input()})["registerPaper"]
    second = clean_gql(REGISTER, {"input": paper_input()})["registerPaper"]
    assert first == second
    assert first["pithNumber"].startswith("pith:2026:")
    records, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    assert records[0]["n"] == 1


def test_register_paper_with_bad_metadata_is_bad_input(clean_gql: GraphQLClient) -> None:
    error = clean_gql.error(REGISTER, {"input": paper_input(submittedAt="yesterday")})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert "submitted_at" in error["message"]


def test_publisher_doi_shared_by_two_papers_is_ambiguous(clean_gql: GraphQLClient) -> None:
    clean_gql(REGISTER, {"input": paper_input(doi="10.1000/Shared")})
    other = paper_input(doi="10.1000/shared", source={"id": "2611.00002", "version": 1})
    clean_gql(REGISTER, {"input": other})
    result = clean_gql(
        "{ resolve(alias: \"https://doi.org/10.1000/SHARED\") { status code candidates { source { id } } } }"
    )["resolve"]
    assert result["status"] == "AMBIGUOUS" and result["code"] == "AMBIGUOUS_ALIAS"
    assert sorted(c["source"]["id"] for c in result["candidates"]) == ["2611.00001", "2611.00002"]
    error = clean_gql.error(
        "{ citationNeighborhood(alias: \"doi:10.1000/shared\") { truncated } }"
    )
    assert error["extensions"]["code"] == "AMBIGUOUS_ALIAS"
    assert len(error["extensions"]["candidates"]) == 2
    http = clean_gql.http.get("/api/pith-number/resolve?doi=10.1000/SHARED")
    assert http.status_code == 409
    assert http.json()["error"]["code"] == "AMBIGUOUS_ALIAS"
    assert len(http.json()["error"]["candidates"]) == 2


def test_add_references_and_claims(clean_gql: GraphQLClient) -> None:
    pith = clean_gql(REGISTER, {"input": paper_input()})["registerPaper"]["pithNumber"]
    result = clean_gql(
        """mutation($c: String!) { addReferences(citing: $c, cited: ["hep-th/9711200", "10.1234/x"]) {
             citing { references { totalCount edges { resolved raw work { kind value } } } }
             references { alias resolved } } }""",
        {"c": "2611.00001"},
    )["addReferences"]
    assert [r["resolved"] for r in result["references"]] == [False, False]
    edges = result["citing"]["references"]["edges"]
    assert {(e["work"]["kind"], e["work"]["value"]) for e in edges} == {("arxiv", "hep-th/9711200"), ("doi", "10.1234/x")}
    claims = clean_gql(
        """mutation($p: String!) { addClaims(pithNumber: $p, claims: [{kind: "strongest_claim", text: "Works."}]) {
             claimId kind text status attestation } }""",
        {"p": pith},
    )["addClaims"]
    assert claims == [{"claimId": "C1", "kind": "strongest_claim", "text": "Works.", "status": "machine_extracted", "attestation": "unclaimed"}]
    record = clean_gql("query($p: String!) { resolve(alias: $p) { paper { record claims { claimId } } } }", {"p": pith})
    assert record["resolve"]["paper"]["record"]["paper_claims"][0]["claim_id"] == "C1"


IMPORT = "mutation($r: JSON!) { importRecord(record: $r) { pithNumber receipt { keyId } } }"


def test_import_record_and_refuse_tampered(clean_gql: GraphQLClient, clean_graph: Driver) -> None:
    tampered = copy.deepcopy(founding_record())
    tampered["canonical_sha256"] = "0" * 64
    error = clean_gql.error(IMPORT, {"r": tampered})
    assert error["extensions"]["code"] == "BAD_INPUT" and "refused" in error["message"]
    records, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    assert records[0]["n"] == 0
    paper = clean_gql(IMPORT, {"r": founding_record()})["importRecord"]
    assert paper == {"pithNumber": FOUNDING_PITH, "receipt": {"keyId": "pith-v1-2026-05"}}


def test_unexpected_failures_are_masked(clean_gql: GraphQLClient, clean_graph: Driver) -> None:
    # A broken node (no canonical record) makes the resolver fail in an unplanned way.
    clean_graph.execute_query(
        "CREATE (:Alias {kind: 'arxiv', value: '2611.00009'})-[:ALIAS_OF]->"
        "(:Paper {pith_number: 'pith:2026:BROKEN', pith_body: 'BROKEN', source_id: '2611.00009', version: 1})"
    )
    body = clean_gql.raw("{ resolve(alias: \"2611.00009\") { paper { title canonicalRecord } } }")
    error = body["errors"][0]
    assert error["message"] == "Unexpected error." and error["extensions"]["code"] == "INTERNAL"
    assert "Traceback" not in str(body)


@pytest.fixture
def unreachable(settings: Settings) -> Iterator[GraphQLClient]:
    down = dataclasses.replace(settings, neo4j_uri="bolt://127.0.0.1:9", migrate_on_start=False)
    with TestClient(create_app(down), raise_server_exceptions=False) as client:
        yield GraphQLClient(client)


def test_unreachable_neo4j_is_unavailable(unreachable: GraphQLClient) -> None:
    error = unreachable.error("{ resolve(alias: \"2603.13419\") { status } }")
    assert error["extensions"]["code"] == "UNAVAILABLE"
    error = unreachable.error(REGISTER, {"input": paper_input()})
    assert error["extensions"]["code"] == "UNAVAILABLE"


def test_another_papers_arxiv_doi_is_refused(clean_gql: GraphQLClient, clean_graph: Driver) -> None:
    owner = clean_gql(REGISTER, {"input": paper_input(source={"id": "2611.99940", "version": 1})})
    for doi in ("10.48550/arXiv.2611.99940", "10.48550/ARXIV.2611.99940", "10.48550/arxiv.2611.99940v2"):
        error = clean_gql.error(
            REGISTER,
            {"input": paper_input(source={"id": "2611.99950", "version": 1}, title="Thief", doi=doi)},
        )
        assert error["extensions"]["code"] == "BAD_INPUT", doi
        assert "2611.99940" in error["message"] and "another paper" in error["message"]
    records, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    assert records[0]["n"] == 1
    found = clean_gql(
        'query { resolve(alias: "10.48550/arXiv.2611.99940") { status paper { pithNumber } } }'
    )["resolve"]
    assert found == {"status": "FOUND", "paper": {"pithNumber": owner["registerPaper"]["pithNumber"]}}
    # The paper's own arXiv DOI, in any case, is accepted.
    own = paper_input(source={"id": "2611.99960", "version": 1}, doi="10.48550/ARXIV.2611.99960")
    assert clean_gql(REGISTER, {"input": own})["registerPaper"]["pithNumber"]


@pytest.mark.parametrize(
    ("extra", "field", "limit"),
    [
        ({"authors": []}, "authors", "at least one author"),
        ({"title": "T" * 100_000}, "title", "at most 1,000 characters"),
        ({"abstract": "A" * 10_001}, "abstract", "at most 10,000 characters"),
        ({"authors": ["A" * 1_001]}, "authors", "at most 1,000 characters"),
        ({"comments": "C" * 10_001}, "comments", "at most 10,000 characters"),
    ],
)
def test_metadata_over_the_documented_limits_is_bad_input(
    clean_gql: GraphQLClient, clean_graph: Driver, extra: dict[str, Any], field: str, limit: str
) -> None:
    error = clean_gql.error(REGISTER, {"input": paper_input(**extra)})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert field in error["message"] and limit in error["message"]
    assert len(error["message"]) < 500
    records, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    assert records[0]["n"] == 0


@pytest.mark.parametrize(
    ("source_id", "submitted_at"),
    [
        ("2611.00001", "0500-01-01T00:00:00Z"),  # before year 1000 (was INTERNAL)
        ("2611.00001", "0999-12-31"),
        ("2611.00001", "2999-01-01T00:00:00Z"),  # in the future
        ("2611.00001", "2100-06-01"),
        ("hep-th/9107001", "1991-07-15T00:00:00Z"),  # before arXiv existed
        ("hep-th/9108001", "1985-01-01T00:00:00Z"),
    ],
)
def test_dates_that_cannot_be_are_bad_input(
    clean_gql: GraphQLClient, clean_graph: Driver, source_id: str, submitted_at: str
) -> None:
    source = {"id": source_id, "version": 1}
    error = clean_gql.error(REGISTER, {"input": paper_input(source=source, submittedAt=submitted_at)})
    assert error["extensions"]["code"] == "BAD_INPUT", error
    assert "submitted_at" in error["message"]
    records, _, _ = clean_graph.execute_query(
        "MATCH (n) WHERE n:Paper OR n:Alias OR n:Receipt RETURN count(n) AS n"
    )
    assert records[0]["n"] == 0


def test_a_date_far_from_the_ids_month_is_accepted_with_a_warning(clean_gql: GraphQLClient) -> None:
    # Real metadata: hep-th/9509068 is dated 2000-09-13 in the arXiv snapshot.
    source = {"id": "hep-th/9509068", "version": 1}
    body = clean_gql.raw(REGISTER, {"input": paper_input(source=source, submittedAt="2000-09-13T00:00:00Z")})
    assert not body.get("errors") and body["data"]["registerPaper"]["pithNumber"].startswith("pith:2000:")
    (warning,) = body["extensions"]["warnings"]
    assert warning["code"] == "SUBMISSION_DATE_MISMATCH"
    assert "hep-th/9509068" in warning["message"] and warning["path"] == ["registerPaper"]
    # Within a month of the id's month: no warning.
    near = clean_gql.raw(
        REGISTER, {"input": paper_input(source={"id": "2611.00002", "version": 1}, submittedAt="2026-12-01")}
    )
    assert not near.get("errors") and "warnings" not in (near.get("extensions") or {})
