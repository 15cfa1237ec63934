"""The CITES sort keys stay true: after ingest, after a work becomes a paper, and after migration 0030.

The keyset pages (``store/citations.py``) trust ``out_key``/``in_key``/``*_cat_key`` on every edge;
these tests recompute them from the endpoints and compare.
"""

from __future__ import annotations

import asyncio
from typing import Any

from _api_seed import TEST_KEY, SeededGraph, seed_api_graph
from neo4j import AsyncGraphDatabase, Driver

from pith_graph.config import Settings
from pith_graph.service.references import add_references
from pith_graph.service.registration import register_paper
from pith_graph.store.citations import PageKey, neighbour_pages
from pith_graph.store.migrations import load_migrations

# The keys as the graph model defines them, recomputed from the endpoints.
_WRONG_KEYS = """
MATCH (c:Paper)-[r:CITES]->(t)
WITH c, r, t,
  CASE WHEN t:Paper THEN coalesce(t.submitted_at, '~') + ' ' + t.pith_number
       ELSE '~ ~' + t.kind + ':' + t.value END AS t_sort,
  coalesce(c.submitted_at, '~') + ' ' + c.pith_number AS c_sort
WHERE r.out_key IS NULL OR r.out_key <> c.pith_number + ' ' + t_sort
   OR (t:Paper AND (r.in_key <> t.pith_number + ' ' + c_sort
       OR r.out_cat_key <> c.pith_number + ' ' + t.primary_cat + ' ' + t_sort
       OR r.in_cat_key <> t.pith_number + ' ' + c.primary_cat + ' ' + c_sort))
   OR (t:Work AND (r.in_key IS NOT NULL OR r.in_cat_key IS NOT NULL))
RETURN count(r) AS wrong, collect(r.out_key)[0..3] AS examples
"""

_ALL_KEYS = """
MATCH ()-[r:CITES]->()
RETURN r.out_key AS o, r.in_key AS i, r.out_cat_key AS oc, r.in_cat_key AS ic
ORDER BY o
"""


def _wrong(driver: Driver, settings: Settings) -> tuple[int, list[str]]:
    records, _, _ = driver.execute_query(_WRONG_KEYS, database_=settings.neo4j_database)
    return records[0]["wrong"], records[0]["examples"]


def test_ingest_writes_true_keys_on_every_edge(bolt: Driver, settings: Settings) -> None:
    seeded: SeededGraph = seed_api_graph(bolt, settings.neo4j_database)
    records, _, _ = seeded.driver.execute_query(
        "MATCH ()-[r:CITES]->() RETURN count(r) AS n, count(r.out_key) AS keyed"
    )
    assert records[0]["n"] == records[0]["keyed"] > 6000
    assert _wrong(bolt, settings) == (0, [])


def test_migration_backfill_matches_the_store_writers(bolt: Driver, settings: Settings) -> None:
    seed_api_graph(bolt, settings.neo4j_database)
    before = [dict(r) for r in bolt.execute_query(_ALL_KEYS)[0]]
    bolt.execute_query("MATCH ()-[r:CITES]->() REMOVE r.out_key, r.in_key, r.out_cat_key, r.in_cat_key")
    (migration,) = [m for m in load_migrations() if m.name == "cites_sort_keys"]
    with bolt.session(database=settings.neo4j_database) as session:
        for statement in migration.statements:
            session.run(statement).consume()  # type: ignore[arg-type]
    assert [dict(r) for r in bolt.execute_query(_ALL_KEYS)[0]] == before


def _metadata(arxiv_id: str, day: int, cat: str) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": arxiv_id, "version": 1},
        "title": f"Paper {arxiv_id}",
        "abstract": "An abstract.",
        "submitted_at": f"2026-11-{day:02d}T10:00:00Z",
        "primary_cat": cat,
        "cross_cats": [],
        "authors": ["A. Author"],
    }


def _pages(settings: Settings, keys: list[PageKey]) -> list[Any]:
    async def go() -> list[Any]:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            return await neighbour_pages(driver, settings.neo4j_database, keys)
        finally:
            await driver.close()

    return asyncio.run(go())


def test_a_work_that_becomes_a_paper_moves_into_place(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    citing = register_paper(clean_graph, db, TEST_KEY, _metadata("2611.00001", 20, "hep-th"))
    early = register_paper(clean_graph, db, TEST_KEY, _metadata("2611.00002", 1, "hep-th"))
    late = register_paper(clean_graph, db, TEST_KEY, _metadata("2611.00003", 15, "gr-qc"))
    add_references(clean_graph, db, citing, ["2611.00002", "2611.00009", "2611.00003"])
    (refs,) = _pages(settings, [PageKey(citing, "out", 10)])
    assert [r["paper"]["pith_number"] if r["paper"] else r["work"]["value"] for r in refs.rows] == [
        early, late, "2611.00009"
    ]
    middle = register_paper(clean_graph, db, TEST_KEY, _metadata("2611.00009", 8, "gr-qc"))
    assert _wrong(clean_graph, settings) == (0, [])
    refs, cites, by_cat = _pages(
        settings,
        [PageKey(citing, "out", 10), PageKey(middle, "in", 10), PageKey(citing, "out", 10, categories=("gr-qc",))],
    )
    assert [r["paper"]["pith_number"] for r in refs.rows] == [early, middle, late]
    assert [r["raw"] for r in refs.rows] == ["2611.00002", "2611.00009", "2611.00003"]
    assert [r["paper"]["pith_number"] for r in cites.rows] == [citing] and cites.total == 1
    assert [r["paper"]["pith_number"] for r in by_cat.rows] == [middle, late]
    records, _, _ = clean_graph.execute_query("MATCH (w:Work) RETURN count(w) AS n")
    assert records[0]["n"] == 0
