"""Hostile input at every argument of every query and mutation (and the HTTP routes).

Hypothesis builds variables from the schema itself: random and hostile strings (Cypher and JSON
injection attempts, lone surrogates, NULs, bidi marks, huge strings), out-of-range integers,
arbitrary JSON. Whatever comes in: never a 500, never a stack trace, every error coded (and
never INTERNAL), and a refused mutation leaves the graph exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.graphql.schema import build_schema

from .conftest import graph_fingerprint

HOSTILE = [
    "' OR 1=1 //",
    '") MATCH (n) DETACH DELETE n //',
    "}) WITH 1 AS x MATCH (n) DETACH DELETE n RETURN 1 //",
    "x` RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "$pith",
    "\\u0000",
    "\x00",
    "\ud800",
    "a\udfffb",
    '{"__proto__": {"admin": true}}',
    '"]}],"errors":[{"message":"injected"}]}',
    "pith:2026:" + "A" * 26,
    "pith:2026:" + "\u0410" * 26,
    "pith:" + "9" * 400,
    "arXiv:" + "9" * 300,
    "arXiv:hep-th/../../etc/passwd",
    "doi:10.",
    "doi:10.1000/" + "x" * 5000,
    "https://arxiv.org/abs/2106.00001v" + "9" * 40,
    "\u202egnp.exe",
    "\ufeff",
    "%00%ff%fe",
    "<script>alert(1)</script>",
    "null",
    "NaN",
    "-1",
    "1e309",
    "\r\n\r\nHTTP/1.1 200 OK",
    "😀" * 1000,
    "",
    " ",
    # Lucene keywords and operators (title search), alone and mid-string
    "AND",
    "OR",
    "NOT",
    "NOT black",
    "black AND",
    "a OR b NOT c TO d",
    "title:[a TO z]",
    "&& || ! ~2 ^3 *?",
    # dates that cannot be, and date-shaped text
    "0500-01-01",
    "0999-12-31T23:59:59Z",
    "2999-01-01T00:00:00Z",
    "1985-01-01",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:59:59-23:59",
    # alias shapes every paper field and route takes
    "XTYU6EUZ",
    "pith:XTYU6EUZ",
    "hep-th/9711200",
    "10.48550/arXiv.2603.13419",
    "doi:10.48550/arXiv.2603.13419",
    "not valid",
]

_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.text(st.one_of(st.characters(), _SURROGATES), max_size=12),
        st.builds(
            lambda unit, n: unit * n,
            st.sampled_from(["A", "é", "\x00", "{", "[", "\\", "9"]),
            st.integers(10_000, 300_000),
        ),
    )


def json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.one_of(st.sampled_from(["event", "signature_b64", "event_id", "pith_number", "receipt", "__proto__"]), hostile_text()), inner, max_size=5),
        ),
        max_leaves=12,
    )


PLAUSIBLE: dict[str, dict[str, Any]] = {
    "PaperInput": {
        "title": "A plausible title",
        "abstract": "Abstract.",
        "submittedAt": "2026-11-01T10:00:00Z",
        "primaryCat": "cs.CR",
        "crossCats": [],
        "authors": ["Ada Lovelace"],
        "license": None,
        "doi": None,
        "journalRef": None,
        "comments": None,
    },
    "SourceInput": {"kind": "arxiv", "id": "2611.01234", "version": 1},
    "ClaimInput": {"kind": "strongest_claim", "text": "A claim."},
}


def value_for(type_: Any) -> st.SearchStrategy[Any]:
    """Values for a GraphQL input type: mostly hostile, sometimes null or of the wrong shape."""
    if isinstance(type_, GraphQLNonNull):
        inner = value_for(type_.of_type)
        return st.one_of(inner, inner, inner, inner, st.none())
    nullable = st.none()
    if isinstance(type_, GraphQLList):
        return st.one_of(st.lists(value_for(type_.of_type), max_size=5), nullable, hostile_text())
    if isinstance(type_, GraphQLEnumType):
        return st.one_of(st.sampled_from(list(type_.values)), hostile_text(), nullable)
    if isinstance(type_, GraphQLInputObjectType):
        plausible = PLAUSIBLE.get(type_.name, {})
        fields = {
            name: st.one_of(st.just(plausible[name]), value_for(field.type))
            if name in plausible
            else value_for(field.type)
            for name, field in type_.fields.items()
        }
        return st.one_of(st.fixed_dictionaries(fields), hostile_text(), json_values())
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "Int":
        return st.one_of(st.integers(-(2**40), 2**40), st.integers(-5, 600), hostile_text())
    if type_.name == "Float":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), hostile_text())
    if type_.name == "Boolean":
        return st.one_of(st.booleans(), hostile_text())
    if type_.name == "JSON":
        return json_values()
    return st.one_of(hostile_text(), hostile_text(), st.integers(), json_values())


def selection(type_: Any) -> str:
    named = get_named_type(type_)
    if isinstance(named, (GraphQLObjectType, GraphQLUnionType)):
        return " { __typename }"
    return ""


SCHEMA = build_schema()._schema
ROOT_FIELDS = [
    (kind, name)
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type))
    for name in root.fields  # type: ignore[union-attr]
]


def operation(kind: str, name: str) -> tuple[str, dict[str, Any]]:
    root = SCHEMA.query_type if kind == "query" else SCHEMA.mutation_type
    field = root.fields[name]  # type: ignore[union-attr]
    args = field.args
    if not args:
        return f"{kind} {{ {name}{selection(field.type)} }}", {}
    declared = ", ".join(f"${a}: {t.type}" for a, t in args.items())
    passed = ", ".join(f"{a}: ${a}" for a in args)
    return f"{kind}({declared}) {{ {name}({passed}){selection(field.type)} }}", dict(args)


@pytest.fixture(scope="module")
def client(settings: Settings, bolt: Driver) -> Iterator[TestClient]:
    assert not settings.auth_required  # mutations must reach the service to be tested
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def post(client: TestClient, query: str, variables: dict[str, Any]) -> Any:
    # Encoded here (ASCII-escaped) so that lone surrogates reach the server as JSON escapes.
    body = json.dumps({"query": query, "variables": variables})
    return client.post("/graphql", content=body, headers={"content-type": "application/json"})


def assert_coded(response: Any) -> list[dict[str, Any]]:
    assert response.status_code in (200, 400, 413), (response.status_code, response.text[:500])
    assert "Traceback" not in response.text and 'File "' not in response.text
    body = response.json()
    errors: list[dict[str, Any]] = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code != "INTERNAL", error
    return errors


HYPOTHESIS = hsettings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
    ],
)


@pytest.mark.parametrize(("kind", "name"), ROOT_FIELDS, ids=[n for _, n in ROOT_FIELDS])
def test_every_argument_of_every_root_field(
    client: TestClient, bolt: Driver, kind: str, name: str
) -> None:
    query, args = operation(kind, name)
    if not args:
        assert_coded(post(client, query, {}))
        return

    @HYPOTHESIS
    @given(st.fixed_dictionaries({a: value_for(t.type) for a, t in args.items()}))
    def check(variables: dict[str, Any]) -> None:
        before = graph_fingerprint(bolt) if kind == "mutation" else None
        errors = assert_coded(post(client, query, variables))
        if errors and before is not None:
            assert graph_fingerprint(bolt) == before, (variables, errors)

    check()


PAPER_FIELDS = [n for n, f in SCHEMA.type_map["Paper"].fields.items() if f.args]  # type: ignore[union-attr]


@pytest.mark.parametrize("name", PAPER_FIELDS)
def test_arguments_of_paper_fields(client: TestClient, name: str) -> None:
    registered = post(
        client,
        "mutation($i: PaperInput!) { registerPaper(input: $i) { pithNumber } }",
        {"i": {**PLAUSIBLE["PaperInput"], "source": PLAUSIBLE["SourceInput"]}},
    ).json()
    pith = registered["data"]["registerPaper"]["pithNumber"]
    field = SCHEMA.type_map["Paper"].fields[name]  # type: ignore[union-attr]
    declared = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in field.args)
    query = (
        f"query($alias: String!, {declared}) {{ resolve(alias: $alias) {{ paper {{ "
        f"{name}({passed}){selection(field.type)} }} }} }}"
    )

    @HYPOTHESIS
    @given(st.fixed_dictionaries({a: value_for(t.type) for a, t in field.args.items()}))
    def check(variables: dict[str, Any]) -> None:
        assert_coded(post(client, query, {"alias": pith, **variables}))

    check()


@HYPOTHESIS
@given(hostile_text())
def test_hostile_documents_and_bodies(client: TestClient, text: str) -> None:
    assert_coded(post(client, text, {}))
    raw = text.encode("utf-8", "surrogatepass")
    assert_coded(client.post("/graphql", content=raw, headers={"content-type": "application/json"}))
    escaped = quote(raw[:20_000], safe="")
    assert_coded(client.get(f"/graphql?query=%7BserviceVersion%7D&variables={escaped}"))
    assert_coded(client.get(f"/graphql?query={escaped}"))


@HYPOTHESIS
@given(hostile_text())
def test_hostile_http_paths_and_parameters(client: TestClient, text: str) -> None:
    escaped = quote(text.encode("utf-8", "surrogatepass")[:20_000], safe="")
    for path in (
        f"/pith/{escaped}",
        f"/pith/{escaped}.json",
        f"/api/pith-number/{escaped}/graph.json",
        f"/api/pith-number/{escaped}/events.json",
        f"/api/pith-number/resolve?alias={escaped}",
        f"/api/pith-number/resolve?doi={escaped}",
        f"/pith/{escaped}/bundle.json",
        f"/pith/{escaped}/state.json",
        f"/.well-known/pith/{escaped}/bundle.json",
        f"/api/pith-number/resolve?arxiv={escaped[:3000]}&arxiv={escaped[:3000]}",
    ):
        response = client.get(path, headers={"accept": "application/json"})
        assert response.status_code in (200, 400, 404, 409, 414), (path, response.status_code, response.text[:300])
        assert "Traceback" not in response.text
        if response.status_code != 200:
            assert response.json()["error"]["code"], response.text
