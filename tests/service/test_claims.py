"""addClaims under concurrency, on real threads against the real Neo4j: ids unique and gap-free."""

from __future__ import annotations

from typing import Any

from _api_seed import CLOCK, TEST_KEY
from _races import race
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.service.claims import add_claims
from pith_graph.service.registration import register_paper

from .test_registration_races import meta


def clock() -> Any:
    return CLOCK


def stored_claims(driver: Driver) -> list[tuple[str, str, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (:Paper)-[:HAS_CLAIM]->(c:Claim) RETURN c.claim_id AS id, c.kind AS kind, "
        "c.text AS text ORDER BY c.seq"
    )
    return [(r["id"], r["kind"], r["text"]) for r in records]


def test_identical_concurrent_claims_are_stored_once(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    pith = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    claim = [{"kind": "strongest_claim", "text": "It works."}]
    outcomes = race(4, lambda i: add_claims(clean_graph, db, pith, claim, clock))
    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert stored_claims(clean_graph) == [("C1", "strongest_claim", "It works.")]
    for o in outcomes:
        assert isinstance(o, list) and [c["claim_id"] for c in o] == ["C1"]


def test_distinct_concurrent_claims_get_unique_gap_free_ids(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    pith = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    outcomes = race(
        8,
        lambda i: add_claims(
            clean_graph, db, pith, [{"kind": "one_line_summary", "text": f"Summary {i}."}], clock
        ),
    )
    assert all(isinstance(o, list) for o in outcomes), outcomes
    stored = stored_claims(clean_graph)
    assert [c[0] for c in stored] == [f"C{n}" for n in range(1, 9)]
    assert sorted(c[2] for c in stored) == sorted(f"Summary {i}." for i in range(8))
    # Mixed batches: two claims each, one of them shared by every request.
    outcomes = race(
        4,
        lambda i: add_claims(
            clean_graph,
            db,
            pith,
            [{"kind": "weakest_assumption", "text": "Shared."}, {"kind": "x", "text": f"Own {i}."}],
            clock,
        ),
    )
    assert all(isinstance(o, list) for o in outcomes), outcomes
    stored = stored_claims(clean_graph)
    assert [c[0] for c in stored] == [f"C{n}" for n in range(1, 14)]
    assert [c[2] for c in stored].count("Shared.") == 1
