"""Limits on what may be asked: refused with a coded message naming the limit, before Neo4j."""

from __future__ import annotations

import dataclasses

import pytest
from _api_client import counted_client
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.store._run import as_store_error
from pith_graph.store.driver import open_driver, with_query_timeout
from pith_graph.store.errors import StoreTimeout

from .conftest import gql


def _deep(levels: int) -> str:
    nest = "pithNumber"
    for _ in range(levels):
        nest = f"references {{ edges {{ node {{ {nest} }} }} }}"
    return f'{{ resolve(alias: "x") {{ paper {{ {nest} }} }} }}'


DEEP = _deep(4)  # depth 2 + 3 * 4 = 14 > the default 12


def _refusal(body: dict[str, object]) -> dict[str, object]:
    assert body["data"] is None, body
    return body["errors"][0]  # type: ignore[index,no-any-return]


@pytest.mark.parametrize(
    ("change", "query", "setting"),
    [
        ({"max_query_depth": 5}, DEEP, "PITH_MAX_QUERY_DEPTH"),
        ({"max_aliases": 3}, "{ a: serviceVersion b: serviceVersion c: serviceVersion d: serviceVersion }", "PITH_MAX_ALIASES"),
        ({"max_query_tokens": 50}, "{ " + "serviceVersion " * 60 + "}", "PITH_MAX_QUERY_TOKENS"),
    ],
)
def test_queries_over_a_limit_are_refused_before_neo4j(
    settings: Settings, change: dict[str, int], query: str, setting: str
) -> None:
    limited = dataclasses.replace(settings, **change)  # type: ignore[arg-type]
    with counted_client(limited) as (client, counting):
        counting.queries.clear()
        error = _refusal(gql(client, query).json())
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}, error
        assert setting in str(error["message"])
        assert counting.queries == []


def test_default_limits_let_ordinary_and_introspection_queries_through(settings: Settings) -> None:
    from graphql import get_introspection_query

    with TestClient(create_app(settings)) as client:
        body = gql(client, get_introspection_query(descriptions=True)).json()
        assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_introspection_can_be_turned_off(settings: Settings) -> None:
    closed = dataclasses.replace(settings, graphql_introspection=False)
    with TestClient(create_app(closed)) as client:
        error = _refusal(gql(client, "{ __schema { types { name } } }").json())
        assert error["extensions"] == {"code": "INTROSPECTION_DISABLED"}
        assert gql(client, "{ serviceVersion }").json()["data"]["serviceVersion"]


@pytest.mark.parametrize(
    "query",
    [
        '{ search(title: "string", first: 100000) { totalCount } }',
        '{ citationNeighborhood(alias: "x", depth: 50) { truncated } }',
        '{ citationNeighborhood(alias: "x", limit: 100000000) { truncated } }',
        "{ eventFeed(first: 100000) { edges { cursor } } }",
        '{ eventFeed(after: "%%%") { edges { cursor } } }',
        '{ resolveMany(aliases: [' + ", ".join(['"x"'] * 2000) + ']) { paper { pithNumber } } }',
    ],
)
def test_page_sizes_depth_and_fan_out_are_capped(settings: Settings, query: str) -> None:
    unlimited_tokens = dataclasses.replace(settings, max_query_tokens=100_000)
    with counted_client(unlimited_tokens) as (client, counting):
        counting.queries.clear()
        error = gql(client, query).json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_INPUT", error
        assert counting.queries == []


def test_request_bodies_over_the_limit_get_a_json_413(settings: Settings) -> None:
    small = dataclasses.replace(settings, max_body_bytes=2048)
    with TestClient(create_app(small)) as client:
        response = client.post("/graphql", json={"query": "{ serviceVersion }", "pad": "x" * 4096})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"

        def chunks():  # no Content-Length: counted while streaming
            for _ in range(8):
                yield b" " * 1024

        streamed = client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert client.post("/graphql", json={"query": "{ serviceVersion }"}).status_code == 200


def test_cors_is_closed_by_default_and_configurable(settings: Settings) -> None:
    preflight = {
        "origin": "https://example.org",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
    }
    with TestClient(create_app(settings)) as client:
        response = client.post("/graphql", json={"query": "{ serviceVersion }"}, headers={"origin": "https://example.org"})
        assert "access-control-allow-origin" not in response.headers
    opened = dataclasses.replace(settings, cors_origins=("https://example.org",))
    with TestClient(create_app(opened)) as client:
        response = client.options("/graphql", headers=preflight)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://example.org"
        other = client.options("/graphql", headers={**preflight, "origin": "https://evil.example"})
        assert other.status_code == 400


def test_every_transaction_carries_the_query_timeout(settings: Settings) -> None:
    with open_driver(settings) as plain:
        timed = with_query_timeout(plain, 0.5)
        slow = "UNWIND range(1, 400000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x)"
        with pytest.raises(Exception) as raised:
            timed.execute_query(slow, database_=settings.neo4j_database)
        assert isinstance(as_store_error(raised.value), StoreTimeout), raised.value
        with timed.session(database=settings.neo4j_database) as session, pytest.raises(Exception) as again:
            session.execute_read(lambda tx: tx.run(slow).consume())
        assert isinstance(as_store_error(again.value), StoreTimeout), again.value


def test_a_refused_query_never_needs_neo4j(settings: Settings, clean_graph: Driver) -> None:
    from pith_graph.neo4j_local import free_port

    nowhere = dataclasses.replace(
        settings, neo4j_uri=f"bolt://127.0.0.1:{free_port()}", migrate_on_start=False, max_query_depth=3
    )
    with TestClient(create_app(nowhere)) as client:
        error = _refusal(gql(client, DEEP).json())
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"


RESOLVE_MANY_CITATIONS = """query($a: [String!]!, $n: Int! = 500) { resolveMany(aliases: $a) {
  paper { citations(first: $n) { edges { node { pithNumber title } } } } } }"""


def test_a_query_requesting_too_many_nodes_is_refused_before_neo4j(settings: Settings) -> None:
    with counted_client(settings) as (client, counting):
        counting.queries.clear()
        body = client.post(
            "/graphql",
            json={"query": RESOLVE_MANY_CITATIONS, "variables": {"a": ["hep-th/9711200"] * 300}},
        ).json()
        error = _refusal(body)
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}, error
        message = str(error["message"])
        assert "150,300" in message and "50,000" in message and "PITH_MAX_QUERY_NODES" in message
        assert counting.queries == []
        # The same document with smaller variables runs.
        ok = client.post(
            "/graphql",
            json={"query": RESOLVE_MANY_CITATIONS, "variables": {"a": ["hep-th/9711200"] * 3, "n": 5}},
        ).json()
        assert "errors" not in ok and len(ok["data"]["resolveMany"]) == 3


def test_the_node_limit_is_a_setting(settings: Settings) -> None:
    tight = dataclasses.replace(settings, max_query_nodes=10)
    with counted_client(tight) as (client, counting):
        counting.queries.clear()
        error = _refusal(gql(client, '{ search(title: "black hole", first: 11) { totalCount } }').json())
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"} and "11" in error["message"]
        assert counting.queries == []
        assert "errors" not in gql(client, '{ search(title: "black hole", first: 10) { totalCount } }').json()


def test_several_operations_need_an_operation_name(settings: Settings) -> None:
    two = "query A { serviceVersion } mutation B { addClaims(pithNumber: \"x\", claims: []) { claimId } }"
    with counted_client(settings) as (client, counting):
        counting.queries.clear()
        error = _refusal(client.post("/graphql", json={"query": two}).json())
        assert error["extensions"] == {"code": "OPERATION_NAME_REQUIRED"}, error
        assert counting.queries == []
        named = client.post("/graphql", json={"query": two, "operationName": "A"}).json()
        assert named["data"]["serviceVersion"]


def test_a_thousand_duplicate_fields_are_refused_with_a_code(settings: Settings) -> None:
    unlimited_tokens = dataclasses.replace(settings, max_query_tokens=100_000)
    with counted_client(unlimited_tokens) as (client, counting):
        counting.queries.clear()
        query = "{ " + "serviceVersion " * 1000 + "}"
        error = _refusal(gql(client, query).json())
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}, error
        assert "Validation aborted" not in error["message"]
        assert counting.queries == []
