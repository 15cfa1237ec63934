"""The HTTP edge over real HTTP: ETags and 304s, GraphQL over GET, persisted queries, the
response cache across worker processes, and rate limits with their headers."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from pith_graph.neo4j_local import free_port

_REGISTER = """mutation($id: String!, $title: String!) {
  registerPaper(input: {source: {id: $id, version: 1}, title: $title, abstract: "An abstract.",
    submittedAt: "2026-11-01T10:00:00Z", primaryCat: "cs.DL", authors: ["Ada Lovelace"]}) {
    pithNumber } }"""
_RESOLVE = '{ resolve(alias: "%s") { status paper { title } } }'


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    def request(
        self,
        path: str,
        *,
        body: object | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def graphql_get(self, query: str, **extra: object) -> Answer:
        params = {"query": query, **{k: json.dumps(v) for k, v in extra.items()}}
        return self.request("/graphql?" + urllib.parse.urlencode(params))

    def graphql_post(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        answer = self.request("/graphql", body={"query": query, "variables": variables or {}})
        assert answer.status == 200, answer
        return answer.json()


@contextmanager
def _serve(neo4j_uri: str, data_dir: Path, workers: int, **env: str) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--workers", str(workers),
         "--log-level", "warning"],
        env={
            **os.environ,
            "NEO4J_URI": neo4j_uri,
            "PITH_DATA_DIR": str(data_dir),
            "PITH_PORT": str(port),
            "PITH_LOAD_DEMO": "0",
            "PITH_AUTH": "off",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(port, process)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, "pith-graph serve exited before it was ready"
            try:
                if server.request("/readyz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "pith-graph serve did not become ready"
            time.sleep(0.3)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=90)


@pytest.fixture
def cached_server(neo4j_uri: str, clean_graph: Driver, tmp_path: Path) -> Iterator[Server]:
    with _serve(neo4j_uri, tmp_path, 2, PITH_RESPONSE_CACHE_SECONDS="600") as server:
        yield server


def test_documents_carry_strong_etags_and_answer_if_none_match_with_304(
    cached_server: Server,
) -> None:
    pith = cached_server.graphql_post(_REGISTER, {"id": "2611.07001", "title": "Cached"})[
        "data"
    ]["registerPaper"]["pithNumber"]
    suffix = pith.split(":")[-1]
    first = cached_server.request(f"/pith/{suffix}.json")
    assert first.status == 200
    etag = first.headers["etag"]
    assert etag == '"' + hashlib.sha256(first.body).hexdigest() + '"'
    assert first.headers["cache-control"] == "no-cache"

    again = cached_server.request(f"/pith/{suffix}.json", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.headers["etag"] == etag
    listed = cached_server.request(
        f"/pith/{suffix}.json", headers={"If-None-Match": f'"other", W/{etag}'}
    )
    assert listed.status == 304

    # The document changes with the graph, and so does its tag.
    cached_server.graphql_post(
        'mutation($p: String!) { addClaims(pithNumber: $p, claims: [{kind: "one_line_summary",'
        ' text: "A claim."}]) { claimId } }',
        {"p": pith},
    )
    changed = cached_server.request(f"/pith/{suffix}.json", headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["etag"] != etag


def test_graphql_reads_over_get_are_cacheable_and_writes_over_get_are_refused(
    cached_server: Server,
) -> None:
    answer = cached_server.graphql_get("{ serviceVersion }")
    assert answer.status == 200 and answer.json()["data"]["serviceVersion"]
    assert "etag" in answer.headers
    assert cached_server.request(
        "/graphql?" + urllib.parse.urlencode({"query": "{ serviceVersion }"}),
        headers={"If-None-Match": answer.headers["etag"]},
    ).status == 304
    write = cached_server.graphql_get(
        'mutation { addReferences(citing: "2611.07001", cited: ["2611.07002"]) { citing { pithNumber } } }'
    )
    assert write.status in (400, 405), write


def test_a_write_through_one_worker_invalidates_the_cache_of_every_worker(
    cached_server: Server,
) -> None:
    query = _RESOLVE % "2611.07010"
    # Fresh connections spread over both workers: each caches the NOT_FOUND answer.
    for _ in range(16):
        assert cached_server.graphql_get(query).json()["data"]["resolve"]["status"] == "NOT_FOUND"
    cached_server.graphql_post(_REGISTER, {"id": "2611.07010", "title": "Now registered"})
    for _ in range(16):
        data = cached_server.graphql_get(query).json()["data"]["resolve"]
        assert data == {"status": "FOUND", "paper": {"title": "Now registered"}}


def test_automatic_persisted_queries(cached_server: Server) -> None:
    query = "{ serviceVersion }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    unknown = cached_server.request(
        "/graphql?" + urllib.parse.urlencode({"extensions": json.dumps(persisted)})
    )
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    # Both workers learn the document (a worker that has not seen it says so once).
    for _ in range(8):
        sent = cached_server.request(
            "/graphql", body={"query": query, "extensions": persisted}
        )
        assert sent.json()["data"]["serviceVersion"]
    known = cached_server.request(
        "/graphql?" + urllib.parse.urlencode({"extensions": json.dumps(persisted)})
    )
    body = known.json()
    assert body.get("data", {}).get("serviceVersion") or body["errors"][0]["extensions"][
        "code"
    ] == "PERSISTED_QUERY_NOT_FOUND"

    wrong = cached_server.request(
        "/graphql",
        body={"query": "{ __typename }", "extensions": persisted},
    )
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


def test_rate_limits_hold_across_workers_with_ietf_headers(
    neo4j_uri: str, clean_graph: Driver, tmp_path: Path
) -> None:
    with _serve(
        neo4j_uri, tmp_path, 2, PITH_RATE_LIMIT="12/minute", PITH_RATE_LIMIT_LOOPBACK="1"
    ) as server:
        answers = [server.graphql_post("{ serviceVersion }") for _ in range(3)]
        assert all(a["data"] for a in answers)
        answers_http = [server.request("/graphql", body={"query": "{ serviceVersion }"})
                        for _ in range(12)]
        ok = [a for a in answers_http if a.status == 200]
        refused = [a for a in answers_http if a.status == 429]
        # 12 units per minute for this client, whichever worker answered: 3 + 9 pass.
        assert len(ok) == 9 and len(refused) == 3, [a.status for a in answers_http]
        assert ok[0].headers["ratelimit-policy"] == '"default";q=12;w=60'
        assert ok[0].headers["ratelimit"].startswith('"default";r=')
        no = refused[0]
        assert int(no.headers["retry-after"]) >= 1
        error = no.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert "PITH_RATE_LIMIT" in error["message"]
        # Plain documents are limited too, with the same budget and a JSON refusal.
        document = server.request("/.well-known/pith/keys.json")
        assert document.status == 429
        assert document.json()["error"]["code"] == "RATE_LIMITED"
        # Probes are never limited.
        assert server.request("/healthz").status == 200


def test_costly_requests_spend_more_of_the_budget(
    neo4j_uri: str, clean_graph: Driver, tmp_path: Path
) -> None:
    with _serve(
        neo4j_uri, tmp_path, 1, PITH_RATE_LIMIT="100000/minute", PITH_RATE_LIMIT_LOOPBACK="1"
    ) as server:
        def remaining(answer: Answer) -> int:
            return int(answer.headers["ratelimit"].split("r=")[1].split(";")[0])

        cheap = [server.request("/graphql", body={"query": _RESOLVE % "2611.07020"})
                 for _ in range(2)]
        spent_cheap = remaining(cheap[0]) - remaining(cheap[1])
        many = {"query": "query($a: [String!]!) { resolveMany(aliases: $a) { status } }",
                "variables": {"a": [f"2611.{i:05d}" for i in range(1000)]}}
        before = remaining(server.request("/graphql", body={"query": "{ serviceVersion }"}))
        after = remaining(server.request("/graphql", body=many))
        assert spent_cheap == 1
        assert before - after >= 10 * spent_cheap
