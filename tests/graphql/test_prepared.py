"""A query document answered before takes the short path: same answers, same refusals."""

from __future__ import annotations

from typing import Any

from _api_seed import SeededGraph
from starlette.routing import Route
from starlette.testclient import TestClient

from pith_graph.graphql.asgi import PithGraphQL
from pith_graph.graphql.errors import PithSchema

RESOLVE = """query($a: String!) { resolve(alias: $a) { status code paper { pithNumber title } } }"""
MANY = """query Many($a: [String!]!, $n: Int! = 2) { resolveMany(aliases: $a) {
  status paper { pithNumber citations(first: $n) { totalCount edges { node { title } } } } } }"""
EVENTS = """query($p: String!) { events(pithNumber: $p, first: 2) { edges { cursor } } }"""


def _schema(http: TestClient) -> PithSchema:
    app = next(
        r.endpoint for r in http.app.routes  # type: ignore[attr-defined]
        if isinstance(r, Route) and r.path == "/graphql"
    )
    assert isinstance(app, PithGraphQL) and isinstance(app.schema, PithSchema)
    return app.schema


def _post(http: TestClient, query: str, variables: dict[str, Any], **extra: Any) -> Any:
    return http.post("/graphql", json={"query": query, "variables": variables, **extra})


def _pith(seeded: SeededGraph) -> str:
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper) RETURN p.pith_number AS p ORDER BY p.pith_number LIMIT 1"
    )
    return str(records[0]["p"])


def test_a_document_seen_before_gets_the_same_answers(http: TestClient, seeded: SeededGraph) -> None:
    schema = _schema(http)
    pith = _pith(seeded)
    assert schema.prepared.get(RESOLVE, None) is None
    cases = [{"a": pith}, {"a": "not an alias"}, {"a": "hep-th/9901999"}, {"a": pith}]
    first = [_post(http, RESOLVE, v) for v in cases[:1]]
    assert schema.prepared.get(RESOLVE, None) is not None  # accepted once, kept
    later = [_post(http, RESOLVE, v) for v in cases]
    assert later[0].content == later[3].content == first[0].content
    assert later[0].headers["content-type"] == first[0].headers["content-type"]
    assert later[0].json()["data"]["resolve"]["paper"]["pithNumber"] == pith
    assert later[1].json()["data"]["resolve"]["code"] == "INVALID_ALIAS"
    assert later[2].json()["data"]["resolve"]["code"] == "NOT_FOUND"
    # Variables the operation does not accept are refused as before.
    wrong = [_post(http, RESOLVE, {"a": 5}).json() for _ in range(2)]
    assert wrong[0] == wrong[1] and wrong[0]["errors"][0]["extensions"]["code"]
    # A resolver's error: the first answer from the full path, the second from the short one.
    refused = [_post(http, EVENTS, {"p": "not an alias"}) for _ in range(2)]
    assert schema.prepared.get(EVENTS, None) is not None
    assert refused[0].content == refused[1].content
    assert refused[0].json()["errors"][0]["extensions"]["code"] == "INVALID_ALIAS"


def test_a_document_seen_before_is_still_refused_over_the_node_limit(
    http: TestClient, seeded: SeededGraph
) -> None:
    schema = _schema(http)
    pith = _pith(seeded)
    small = _post(http, MANY, {"a": [pith] * 3}, operationName="Many").json()
    assert "errors" not in small and len(small["data"]["resolveMany"]) == 3
    assert schema.prepared.get(MANY, "Many") is not None
    assert schema.prepared.get(MANY, None) is None  # kept under the name the request gave
    big = _post(http, MANY, {"a": [pith] * 300, "n": 500}, operationName="Many").json()
    assert big["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    assert big.get("data") is None
    again = _post(http, MANY, {"a": [pith] * 3}, operationName="Many").json()
    assert again == small


def test_mutations_and_refused_documents_are_not_kept(http: TestClient) -> None:
    schema = _schema(http)
    deep = "{ " + "serviceVersion " * 3 + "}"
    unknown = "{ noSuchField }"
    mutation = 'mutation { addClaims(pithNumber: "x", claims: []) { claimId } }'
    for document in (unknown, mutation):
        http.post("/graphql", json={"query": document})
        assert schema.prepared.get(document, None) is None
    http.post("/graphql", json={"query": deep})
    assert schema.prepared.get(deep, None) is not None
