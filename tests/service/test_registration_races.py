"""Registrations racing each other on real threads against the real Neo4j: one paper per version."""

from __future__ import annotations

from typing import Any

import pytest
from _api_seed import CLOCK, TEST_KEY
from _races import race
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.service.errors import BadInput
from pith_graph.service.registration import register_paper
from pith_graph.service.resolution import ResolveStatus, resolve_aliases_sync


def meta(version: int = 1, title: str = "A paper raced for", **extra: Any) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": "2611.00777", "version": version},
        "title": title,
        "abstract": "Two requests at once.",
        "submitted_at": "2026-11-01T10:00:00Z",
        "primary_cat": "cs.DL",
        "authors": ["Ada Lovelace"],
        "doi": "10.1234/raced",
        **extra,
    }


def graph_of(driver: Driver) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "RETURN COUNT { (:Paper) } AS papers, COUNT { (:Receipt) } AS receipts, "
        "COUNT { (:LogEntry) } AS leaves, "
        "COUNT { (:Paper {is_latest: true}) } AS latest, "
        "COLLECT { MATCH (p:Paper) RETURN p.pith_number } AS piths"
    )
    return dict(records[0])


def clock() -> Any:
    return CLOCK


@pytest.mark.parametrize("n", [2, 4, 8])
def test_racing_registrations_with_other_metadata_make_one_paper(
    clean_graph: Driver, settings: Settings, n: int
) -> None:
    db = settings.neo4j_database
    outcomes = race(
        n, lambda i: register_paper(clean_graph, db, TEST_KEY, meta(title=f"Title {i}"), clock)
    )
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if not isinstance(o, str)]
    assert len(winners) == 1, outcomes
    assert len(losers) == n - 1
    for loser in losers:
        assert isinstance(loser, BadInput) and loser.code == "BAD_INPUT"
        assert "2611.00777v1" in str(loser) and "other metadata" in str(loser)
        assert winners[0] in str(loser)
    g = graph_of(clean_graph)
    assert (g["papers"], g["receipts"], g["leaves"], g["latest"]) == (1, 1, 1, 1)
    assert g["piths"] == winners
    for alias in ("2611.00777", "2611.00777v1", "10.1234/raced", "10.48550/arXiv.2611.00777"):
        (r,) = resolve_aliases_sync(clean_graph, db, [alias])
        assert r.status is ResolveStatus.FOUND and r.paper is not None, alias
        assert r.paper["pith_number"] == winners[0] and r.paper["is_latest"] is True


@pytest.mark.parametrize("n", [2, 8])
def test_racing_identical_registrations_all_get_the_one_pith_number(
    clean_graph: Driver, settings: Settings, n: int
) -> None:
    db = settings.neo4j_database
    outcomes = race(n, lambda i: register_paper(clean_graph, db, TEST_KEY, meta(), clock))
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert len(set(outcomes)) == 1
    g = graph_of(clean_graph)
    assert (g["papers"], g["receipts"], g["leaves"]) == (1, 1, 1)


def test_racing_versions_leave_exactly_the_highest_latest(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    for _ in range(3):
        clean_graph.execute_query("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n")
        outcomes = race(4, lambda i: register_paper(clean_graph, db, TEST_KEY, meta(i + 1), clock))
        assert all(isinstance(o, str) for o in outcomes), outcomes
        records, _, _ = clean_graph.execute_query(
            "MATCH (p:Paper) RETURN p.version AS v, p.is_latest AS latest ORDER BY v"
        )
        assert [(r["v"], r["latest"]) for r in records] == [
            (1, False),
            (2, False),
            (3, False),
            (4, True),
        ]
        records, _, _ = clean_graph.execute_query(
            "MATCH (n:Paper)-[:SUPERSEDES]->(o:Paper) RETURN n.version AS n, o.version AS o "
            "ORDER BY n"
        )
        assert [(r["n"], r["o"]) for r in records] == [(2, 1), (3, 2), (4, 3)]
