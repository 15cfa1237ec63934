"""Who may write: bearer tokens with scopes on every mutation; refusals write nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from _api_client import counted_client
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.config import Settings
from pith_graph.core.tokens import TOKEN_PREFIX, parse_token, token_sha256
from pith_graph.service import tokens

from .conftest import gql, graph_fingerprint

REGISTER = """
mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber } }
"""
CLAIMS = """
mutation($p: String!) { addClaims(pithNumber: $p, claims: [{kind: "strongest_claim", text: "x"}]) { claimId } }
"""
IMPORT = "mutation($r: JSON!) { importRecord(record: $r) { pithNumber } }"
ATTEST = "mutation($e: JSON!) { attestStorage(event: $e) { __typename } }"


def paper(n: int = 1) -> dict[str, object]:
    return {
        "source": {"id": f"2611.{n:05d}", "version": 1},
        "title": f"Guarded paper {n}",
        "abstract": "Abstract.",
        "submittedAt": "2026-11-01T10:00:00Z",
        "primaryCat": "cs.CR",
        "authors": ["Ada Lovelace"],
    }


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def code_of(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == 200, body  # type: ignore[attr-defined]
    assert body.get("errors"), body
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "needs an API token"),
        ({"authorization": "Basic dXNlcjpwYXNz"}, "Bearer"),
        ({"authorization": "Bearer not-a-token"}, "not a pith-graph API token"),
        (
            {"authorization": "Bearer pith_tok_0123456789abcdef_" + "A" * 43},
            "not known",
        ),
    ],
)
def test_missing_or_wrong_token_is_unauthenticated_and_writes_nothing(
    secure_client: TestClient, clean_graph: Driver, headers: dict[str, str], reason: str
) -> None:
    before = graph_fingerprint(clean_graph)
    response = gql(secure_client, REGISTER, {"input": paper()}, **headers)
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in body["errors"][0]["message"]
    assert body["data"] is None
    assert graph_fingerprint(clean_graph) == before


def test_a_token_with_a_tampered_secret_is_unauthenticated(
    secure_client: TestClient, make_token: Callable[..., str], clean_graph: Driver
) -> None:
    token = make_token("register")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    before = graph_fingerprint(clean_graph)
    assert code_of(gql(secure_client, REGISTER, {"input": paper()}, **bearer(forged))) == "UNAUTHENTICATED"
    assert graph_fingerprint(clean_graph) == before


def test_the_right_scope_writes_and_the_wrong_one_is_forbidden(
    secure_client: TestClient, make_token: Callable[..., str], clean_graph: Driver
) -> None:
    register, attest = make_token("register"), make_token("attest")
    before = graph_fingerprint(clean_graph)
    refused = gql(secure_client, REGISTER, {"input": paper()}, **bearer(attest))
    assert code_of(refused) == "FORBIDDEN"
    assert "'register' scope" in refused.json()["errors"][0]["message"]
    assert graph_fingerprint(clean_graph) == before

    done = gql(secure_client, REGISTER, {"input": paper()}, **bearer(register)).json()
    assert not done.get("errors"), done
    pith = done["data"]["registerPaper"]["pithNumber"]
    claims = gql(secure_client, CLAIMS, {"p": pith}, **bearer(register)).json()
    assert claims["data"]["addClaims"][0]["claimId"] == "C1"
    assert code_of(gql(secure_client, CLAIMS, {"p": pith}, **bearer(attest))) == "FORBIDDEN"


@pytest.mark.parametrize(
    ("query", "variables", "scope"),
    [
        (REGISTER, {"input": paper(7)}, "register"),
        (IMPORT, {"r": {"not": "a record"}}, "import"),
        (ATTEST, {"e": {"not": "an event"}}, "attest"),
    ],
)
def test_every_mutation_checks_its_scope_and_admin_has_all(
    secure_client: TestClient,
    make_token: Callable[..., str],
    query: str,
    variables: dict[str, object],
    scope: str,
) -> None:
    others = [s for s in ("register", "attest", "import") if s != scope]
    assert code_of(gql(secure_client, query, variables)) == "UNAUTHENTICATED"
    assert code_of(gql(secure_client, query, variables, **bearer(make_token(*others)))) == "FORBIDDEN"
    for allowed in (make_token(scope), make_token("admin")):
        body = gql(secure_client, query, variables, **bearer(allowed)).json()
        codes = {e["extensions"]["code"] for e in body.get("errors") or []}
        assert not codes & {"UNAUTHENTICATED", "FORBIDDEN"}, body


def test_a_revoked_token_stops_working(
    secure_client: TestClient, make_token: Callable[..., str], clean_graph: Driver, settings: Settings
) -> None:
    token = make_token("register")
    assert not gql(secure_client, REGISTER, {"input": paper(1)}, **bearer(token)).json().get("errors")
    token_id = parse_token(token)
    assert token_id is not None
    tokens.revoke_token(clean_graph, settings.neo4j_database, token_id)
    before = graph_fingerprint(clean_graph)
    refused = gql(secure_client, REGISTER, {"input": paper(2)}, **bearer(token))
    assert code_of(refused) == "UNAUTHENTICATED"
    assert "revoked" in refused.json()["errors"][0]["message"]
    assert graph_fingerprint(clean_graph) == before


def test_reads_need_no_token(secure_client: TestClient) -> None:
    body = gql(secure_client, "{ serviceVersion }").json()
    assert body == {"data": {"serviceVersion": body["data"]["serviceVersion"]}}


def test_only_the_hash_is_stored(make_token: Callable[..., str], clean_graph: Driver) -> None:
    token = make_token("admin", label="ops")
    records, _, _ = clean_graph.execute_query("MATCH (t:ApiToken) RETURN properties(t) AS t")
    stored = records[0]["t"]
    assert stored["sha256"] == token_sha256(token)
    secret = token.removeprefix(f"{TOKEN_PREFIX}{parse_token(token)}_")
    assert len(secret) == 43 and secret not in repr(stored)


def test_the_token_is_looked_up_once_per_request(
    secure_settings: Settings, make_token: Callable[..., str]
) -> None:
    token = make_token("register")
    three = (
        "mutation($a: PaperInput!, $b: PaperInput!, $c: PaperInput!) { "
        "a: registerPaper(input: $a) { pithNumber } b: registerPaper(input: $b) { pithNumber } "
        "c: registerPaper(input: $c) { pithNumber } }"
    )
    with counted_client(secure_settings) as (client, counting):
        counting.queries.clear()
        body = gql(client, three, {"a": paper(1), "b": paper(2), "c": paper(3)}, **bearer(token))
        assert not body.json().get("errors"), body.json()
        assert sum("ApiToken" in q for q in counting.queries) == 1, counting.queries


def test_auth_off_lets_writes_through(settings: Settings, clean_graph: Driver) -> None:
    from pith_graph.app import create_app

    assert settings.auth_required is False
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert not gql(client, REGISTER, {"input": paper(3)}).json().get("errors")
