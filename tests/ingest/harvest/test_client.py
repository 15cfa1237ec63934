"""The polite OAI-PMH client against a real loopback HTTP server."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pith_graph.ingest.harvest.client import (
    OaiEndpointError,
    PoliteSickle,
    _retry_after,
    user_agent,
)

from .oai_server import OaiServer, served

FIXTURES = Path(__file__).parents[2] / "fixtures" / "harvest"
OBJS = [json.loads(x) for x in gzip.decompress(
    (FIXTURES / "arxiv_abs_histories.jsonl.gz").read_bytes()).decode().splitlines()][:6]


class _Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _client(url: str, sleep: _Sleeps, **kw: object) -> PoliteSickle:
    options: dict[str, object] = {"delay": 0.0, "backoff": 0.5, "max_retries": 3, "sleep": sleep}
    options.update(kw)
    return PoliteSickle(url, agent=user_agent("https://registry.example", "ops@example.org"),
                        **options)  # type: ignore[arg-type]


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)
    assert _retry_after("7", lambda: now) == 7
    assert _retry_after("Mon, 07 Dec 2026 12:00:30 GMT", lambda: now) == 30
    assert _retry_after("Mon, 07 Dec 2026 11:00:00 GMT", lambda: now) == 0
    assert _retry_after("soon", lambda: now) is None and _retry_after(None, lambda: now) is None


def test_a_503_is_waited_out_as_retry_after_says_and_a_malformed_page_is_fetched_again() -> None:
    records = [served(o, "2024-01-01") for o in OBJS]
    sleeps = _Sleeps()
    with OaiServer(records, page_size=3, faults={0: [("503", 4), ("malformed",)]}) as server:
        pages = list(_client(server.url, sleeps).ListRecords(metadataPrefix="arXivRaw"))
    assert len(pages) == 2
    assert sleeps.waits == [4.0, 1.0]  # Retry-After, then the backoff's second step
    assert len(server.requests) == 4
    agents = {r["user_agent"] for r in server.requests}
    assert agents == {user_agent("https://registry.example", "ops@example.org")}
    assert "pith-graph/" in agents.pop()


def test_a_client_error_fails_at_once_and_retries_run_out() -> None:
    sleeps = _Sleeps()
    with OaiServer([served(OBJS[0], "2024-01-01")], faults={0: [("503", 1)] * 10}) as server:
        with pytest.raises(OaiEndpointError, match="gave up after 4 attempts"):
            list(_client(server.url, sleeps).ListRecords(metadataPrefix="arXivRaw"))
        assert len(server.requests) == 4
    with OaiServer() as server:
        with pytest.raises(OaiEndpointError, match="HTTP 404"):
            _client(server.url + "-missing", sleeps).harvest(verb="ListRecords")
        assert sleeps.waits.count(1.0) == 3


def test_requests_are_paced_by_the_configured_delay() -> None:
    sleeps = _Sleeps()
    records = [served(o, "2024-01-01") for o in OBJS]
    with OaiServer(records, page_size=2) as server:
        list(_client(server.url, sleeps, delay=30.0).ListRecords(metadataPrefix="arXivRaw"))
    assert len(sleeps.waits) == 2 and all(25 < w <= 30 for w in sleeps.waits)


def test_connection_errors_are_transient() -> None:
    from pith_graph.neo4j_local import free_port

    sleeps = _Sleeps()
    with pytest.raises(OaiEndpointError, match="ConnectionError"):
        _client(f"http://127.0.0.1:{free_port()}/oai", sleeps, max_retries=2).harvest(
            verb="ListRecords", metadataPrefix="arXivRaw"
        )
    assert sleeps.waits == [0.5, 1.0]
