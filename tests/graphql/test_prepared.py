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


# A kept document's memo (collected subfields, plans, what resolvers derive from the selection)
# is shared by its requests: each answer must be the one a fresh execution gives. A request with
# ``extensions`` takes the full path, executed afresh with no memo.
CHOOSING = """query($a: [String!]!, $title: Boolean!, $noSource: Boolean!, $more: Boolean! = false) {
  resolveMany(aliases: $a) { alias status code
    paper { pithNumber title @include(if: $title) source @skip(if: $noSource) { id version }
      ...Extra ... on Paper @include(if: $more) { year submittedAt } }
    candidates { pithNumber } } }
fragment Extra on Paper { shortPithNumber primaryCat @skip(if: $more) }"""
RECORD = """query($a: String!) { resolve(alias: $a) { status paper { pithNumber title abstract
  receipt { keyId signedAt } aliases { kind value } claims { kind text } record
  references(first: 3) { totalCount edges { node { pithNumber } } } } } }"""
FAILING = """query($p: String!, $n: Int!) { events(pithNumber: $p, first: $n) { edges { cursor } }
  serviceVersion }"""


def _fresh(http: TestClient, query: str, variables: dict[str, Any]) -> Any:
    return _post(http, query, variables, extensions={"fresh": True})


def _memo_size(schema: PithSchema, query: str) -> int:
    prepared = schema.prepared.get(query, None)
    assert prepared is not None
    memo = prepared.memo
    return len(memo.plans) + len(memo.subfields) + len(memo._derived)


def test_the_memo_of_a_kept_document_answers_as_a_fresh_execution(
    http: TestClient, seeded: SeededGraph
) -> None:
    schema = _schema(http)
    pith = _pith(seeded)
    flags = [
        {"title": True, "noSource": False},
        {"title": False, "noSource": True, "more": True},
        {"title": True, "noSource": True},
        {"title": False, "noSource": False, "more": False},
    ]
    aliases = [[pith], [pith, "not an alias", "hep-th/9901999"], [pith[:12]]]
    cases: list[tuple[str, dict[str, Any]]] = [
        (CHOOSING, {"a": a, **f}) for f in flags for a in aliases
    ]
    cases += [(RECORD, {"a": a}) for a in (pith, "not an alias", pith, "hep-th/9901999")]
    cases += [(FAILING, v) for v in ({"p": "not an alias", "n": 2}, {"p": pith, "n": 2})]
    cases += [(FAILING, {"p": pith, "n": 100_000}), (FAILING, {"p": "not an alias", "n": 1})]
    answers = [_post(http, q, v) for q, v in cases]  # the first of each: full path, kept
    assert _memo_size(schema, CHOOSING) > 0 and _memo_size(schema, RECORD) > 0
    for (query, variables), answer in zip(cases, answers, strict=True):
        fresh = _fresh(http, query, variables)
        again = _post(http, query, variables)
        assert answer.status_code == fresh.status_code == again.status_code
        assert answer.json() == fresh.json() == again.json(), (query, variables)
    shown = answers[4].json()["data"]["resolveMany"]  # title not asked, source skipped, more
    assert "title" not in shown[0]["paper"] and "source" not in shown[0]["paper"]
    assert "year" in shown[0]["paper"] and "primaryCat" not in shown[0]["paper"]
    assert "title" in answers[0].json()["data"]["resolveMany"][0]["paper"]
    assert answers[-2].json()["errors"][0]["extensions"]["code"]


def test_a_document_sent_once_fills_no_memo(http: TestClient, seeded: SeededGraph) -> None:
    schema = _schema(http)
    pith = _pith(seeded)
    documents = [
        f"query($a: String!) {{ resolve(alias: $a) {{ status paper {{ pithNumber t{i}: title }} }} }}"
        for i in range(5)
    ]
    for document in documents:
        assert _post(http, document, {"a": pith}).json()["data"]["resolve"]["paper"]
        assert _memo_size(schema, document) == 0  # kept, but its memo holds nothing
    _post(http, documents[0], {"a": pith})
    assert _memo_size(schema, documents[0]) > 0  # a second request: the short path fills it
    assert all(_memo_size(schema, d) == 0 for d in documents[1:])


def test_kept_documents_and_their_memos_are_bounded() -> None:
    from graphql import OperationDefinitionNode, parse

    from pith_graph.graphql.execution import DocumentMemo
    from pith_graph.graphql.prepared import PreparedDocuments

    kept = PreparedDocuments(max_documents=2)
    texts = ["{ a }", "{ b }", "{ c }"]
    for text in texts:
        document = parse(text)
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        kept.keep(text, None, document, operation, {})
    assert kept.get("{ a }", None) is None
    assert kept.get("{ b }", None) is not None and kept.get("{ c }", None) is not None
    # Kept again with the same document: the entry (and its memo) stays.
    entry = kept.get("{ c }", None)
    assert entry is not None
    kept.keep("{ c }", None, entry.document, entry.operation, {})
    assert kept.get("{ c }", None) is entry

    memo = DocumentMemo((), max_entries=3)
    for i in range(10):
        memo.keep(memo.plans, (i,), None)
        assert memo.derived(("d", i), lambda i=i: i) == i
    assert len(memo.plans) == 3 and len(memo._derived) == 3
    assert memo.derived(("d", 9), lambda: "computed anew") == "computed anew"


def test_the_memo_is_keyed_by_the_variables_directives_read() -> None:
    from graphql import parse

    from pith_graph.graphql.prepared import directive_variables

    assert directive_variables(parse("query($a: String!) { resolve(alias: $a) { status } }")) == ()
    document = parse(
        "query($a: String!, $x: Boolean!, $y: Boolean!) { resolve(alias: $a) {"
        " status @skip(if: $y) ...F @include(if: $x) } } fragment F on ResolveResult { code }"
    )
    assert directive_variables(document) == ("x", "y")
