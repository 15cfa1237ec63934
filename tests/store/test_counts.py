"""Stored citation/reference counts stay equal to the graph's degrees after every kind of write."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from _api_seed import CLOCK, TEST_KEY, founding_record, seed_api_graph
from events_support import REGISTRY_KEY, arun, insert_paper, seed_records
from neo4j import AsyncDriver, Driver

from pith_graph.config import Settings
from pith_graph.core.trust import default_trust_store
from pith_graph.service import bundles
from pith_graph.service.importing import import_record
from pith_graph.service.references import add_references
from pith_graph.service.registration import register_paper
from pith_graph.store.counts import COUNT_CELL_STATEMENTS, PAPER_CELL_STATEMENTS, rebuild_cells
from pith_graph.store.migrations import load_migrations

_MISMATCHES = """
MATCH (p:Paper)
WITH p, COUNT { (p)<-[:CITES]-() } AS cited_by, COUNT { (p)-[:CITES]->() } AS cites
WHERE p.citation_count IS NULL OR p.reference_count IS NULL
   OR p.citation_count <> cited_by OR p.reference_count <> cites
RETURN p.pith_number AS pith, p.citation_count AS stored_in, cited_by,
       p.reference_count AS stored_out, cites
"""
_STORED = """
MATCH (p:Paper) RETURN p.source_id AS id, p.citation_count AS cc, p.reference_count AS rc
"""


def mismatches(driver: Driver, settings: Settings) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(_MISMATCHES, database_=settings.neo4j_database)
    return [dict(r) for r in records]


def stored(driver: Driver, settings: Settings) -> dict[str, tuple[int, int]]:
    records, _, _ = driver.execute_query(_STORED, database_=settings.neo4j_database)
    return {r["id"]: (r["cc"], r["rc"]) for r in records}


def meta(arxiv_id: str, doi: str | None = None) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": arxiv_id, "version": 1},
        "title": f"Paper {arxiv_id}",
        "abstract": "Counting citations.",
        "submitted_at": "2026-11-01T10:00:00Z",
        "primary_cat": "cs.DL",
        "cross_cats": [],
        "authors": ["Ada Lovelace"],
        **({"doi": doi} if doi else {}),
    }


def clock() -> datetime:
    return CLOCK


def test_counts_after_ingest_and_record_import_and_the_backfill(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    seed_api_graph(clean_graph, db)
    assert mismatches(clean_graph, settings) == []
    check_cells(clean_graph, settings)
    counts = stored(clean_graph, settings)
    assert sum(cc for cc, _ in counts.values()) > 0 and sum(rc for _, rc in counts.values()) > 0
    # The migration's backfill (for graphs written before the counts) gives the writers' counts.
    clean_graph.execute_query("MATCH (p:Paper) REMOVE p.citation_count, p.reference_count", database_=db)
    (migration,) = [m for m in load_migrations() if m.name == "paper_counts"]
    with clean_graph.session(database=db) as session:
        for statement in migration.statements:
            session.run(statement).consume()  # type: ignore[arg-type]
    assert stored(clean_graph, settings) == counts


def test_counts_after_registrations_references_and_repointing(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    a = register_paper(clean_graph, db, TEST_KEY, meta("2611.00001"), clock)
    assert stored(clean_graph, settings) == {"2611.00001": (0, 0)}
    # Two unregistered works that turn out to be one paper (its arXiv id and its DOI).
    add_references(clean_graph, db, a, ["arXiv:2611.00002", "10.1234/abc", "arXiv:2611.00003"])
    assert stored(clean_graph, settings) == {"2611.00001": (0, 3)}
    register_paper(clean_graph, db, TEST_KEY, meta("2611.00002", doi="10.1234/abc"), clock)
    assert stored(clean_graph, settings) == {"2611.00001": (0, 2), "2611.00002": (1, 0)}
    c = register_paper(clean_graph, db, TEST_KEY, meta("2611.00004"), clock)
    add_references(clean_graph, db, c, ["arXiv:2611.00001", "arXiv:2611.00002"])
    add_references(clean_graph, db, c, ["arXiv:2611.00002"])  # again: one edge, same counts
    assert stored(clean_graph, settings) == {
        "2611.00001": (1, 2),
        "2611.00002": (2, 0),
        "2611.00004": (0, 2),
    }
    assert mismatches(clean_graph, settings) == []


def test_concurrent_citers_of_one_paper_are_all_counted(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    cited = register_paper(clean_graph, db, TEST_KEY, meta("2611.00100"), clock)
    citing = [register_paper(clean_graph, db, TEST_KEY, meta(f"2611.{i:05d}"), clock) for i in range(1, 9)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda p: add_references(clean_graph, db, p, [cited]), citing))
    assert stored(clean_graph, settings)["2611.00100"] == (8, 0)
    assert mismatches(clean_graph, settings) == []


def test_counts_after_import_of_a_record_cited_before(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    founding = founding_record()
    arxiv_id = founding["canonical_record"]["source"]["id"]
    a = register_paper(clean_graph, db, TEST_KEY, meta("2611.00001"), clock)
    add_references(clean_graph, db, a, [f"arXiv:{arxiv_id}"])
    import_record(clean_graph, db, founding, default_trust_store(), clock)
    assert stored(clean_graph, settings)[arxiv_id] == (1, 0)
    assert mismatches(clean_graph, settings) == []
    check_cells(clean_graph, settings)


def test_counts_of_a_mirrored_bundle(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    papers = [insert_paper(settings, r) for r in seed_records()]

    async def export(driver: AsyncDriver) -> dict[str, Any]:
        return await bundles.export_bundle(driver, db, REGISTRY_KEY, papers[0])

    document = arun(settings, export)
    clean_graph.execute_query("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n", database_=db)
    trust = default_trust_store([REGISTRY_KEY.public_key])

    async def mirror(driver: AsyncDriver) -> None:
        await bundles.import_bundle(driver, db, document, trust, datetime.now(UTC))

    arun(settings, mirror)
    assert list(stored(clean_graph, settings).values()) == [(0, 0)]
    assert mismatches(clean_graph, settings) == []
    check_cells(clean_graph, settings)


def test_the_migrations_backfill_the_cells_with_the_rebuild() -> None:
    (migration,) = [m for m in load_migrations() if m.name == "aggregate_cells"]
    assert migration.statements[-len(PAPER_CELL_STATEMENTS) :] == PAPER_CELL_STATEMENTS
    (migration,) = [m for m in load_migrations() if m.name == "citation_count_cells"]
    assert migration.statements[-len(COUNT_CELL_STATEMENTS) :] == COUNT_CELL_STATEMENTS


_CELLS = """
MATCH (c:PaperCell) WHERE c.papers <> 0
RETURN c.key AS key, c.papers AS papers, c.citations AS citations, c.latest AS latest,
       c.versions AS versions, c.year AS year, c.license AS license, c.primary AS primary,
       c.categories AS categories
"""
_YEAR_CELLS = """
MATCH (c:CitationCell) WHERE c.n <> 0
RETURN c.key AS key, c.cell AS cell, c.citing_year AS year, c.n AS n, c.latest AS latest,
       c.year AS cited_year, c.primary AS primary
"""
_COUNT_CELLS = """
MATCH (c:CitationCountCell) WHERE c.papers <> 0
RETURN c.key AS key, c.cell AS cell, c.citation_count AS count, c.papers AS papers,
       c.latest AS latest, c.year AS year, c.primary AS primary
"""
_PAPERS = """
MATCH (p:Paper)
RETURN p.count_cell AS cell, p.is_latest AS latest, p.year AS year, p.primary_cat AS primary,
       p.categories AS categories, coalesce(p.license, '') AS license,
       COUNT { (v:Paper {source_id: p.source_id}) } AS versions,
       COUNT { (p)<-[:CITES]-() } AS cited_by,
       [(c:Paper)-[:CITES]->(p) | c.year] AS citing_years
"""


def cells(driver: Driver, settings: Settings) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    db = settings.neo4j_database
    paper_cells = {r["key"]: dict(r) for r in driver.execute_query(_CELLS, database_=db)[0]}
    year_cells = {r["key"]: dict(r) for r in driver.execute_query(_YEAR_CELLS, database_=db)[0]}
    return paper_cells, year_cells


def count_cells(driver: Driver, settings: Settings) -> dict[str, dict[str, Any]]:
    db = settings.neo4j_database
    return {r["key"]: dict(r) for r in driver.execute_query(_COUNT_CELLS, database_=db)[0]}


def check_cells(driver: Driver, settings: Settings) -> None:
    """The stored cells are what the papers say (computed here in Python), no edge is left
    waiting to be counted, and a rebuild from scratch gives the same cells."""
    db = settings.neo4j_database
    paper_cells, year_cells = cells(driver, settings)
    by_count = count_cells(driver, settings)
    expected: dict[str, dict[str, Any]] = {}
    expected_years: dict[str, int] = {}
    expected_counts: dict[str, int] = {}
    for p in (dict(r) for r in driver.execute_query(_PAPERS, database_=db)[0]):
        dims = (p["latest"], p["versions"], p["year"], p["license"], p["primary"], p["categories"])
        cell = expected.setdefault(p["cell"], {"dims": dims, "papers": 0, "citations": 0})
        assert cell["dims"] == dims, f"two combinations in the cell {p['cell']}"
        cell["papers"] += 1
        cell["citations"] += p["cited_by"]
        count_key = f"{p['cell']}@{p['cited_by']}"
        expected_counts[count_key] = expected_counts.get(count_key, 0) + 1
        for year in p["citing_years"]:
            key = f"{p['cell']}#{year}"
            expected_years[key] = expected_years.get(key, 0) + 1
    assert {k: (c["papers"], c["citations"]) for k, c in paper_cells.items()} == {
        k: (c["papers"], c["citations"]) for k, c in expected.items()
    }
    for key, c in paper_cells.items():
        dims = (c["latest"], c["versions"], c["year"], c["license"], c["primary"], c["categories"])
        assert dims == expected[key]["dims"]
    assert {k: c["n"] for k, c in year_cells.items()} == expected_years
    assert {k: c["papers"] for k, c in by_count.items()} == expected_counts
    for c in by_count.values():
        held = paper_cells[c["cell"]]
        assert (c["latest"], c["year"], c["primary"]) == (held["latest"], held["year"], held["primary"])
        assert c["key"] == f"{c['cell']}@{c['count']}"
    pending = driver.execute_query(
        "MATCH ()-[r:CITES]->() WHERE r.counts_pending IS NOT NULL RETURN count(r) AS n",
        database_=db,
    )[0][0]["n"]
    assert pending == 0
    rebuild_cells(driver, db)
    assert cells(driver, settings) == (paper_cells, year_cells)
    assert count_cells(driver, settings) == by_count


def test_cells_after_registrations_versions_references_and_repointing(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    a = register_paper(clean_graph, db, TEST_KEY, meta("2611.00001"), clock)
    add_references(clean_graph, db, a, ["arXiv:2611.00002", "10.1234/abc"])
    check_cells(clean_graph, settings)
    register_paper(clean_graph, db, TEST_KEY, meta("2611.00002", doi="10.1234/abc"), clock)
    c = register_paper(clean_graph, db, TEST_KEY, {**meta("2611.00004"), "submitted_at": "2024-05-01T00:00:00Z"}, clock)
    add_references(clean_graph, db, c, ["arXiv:2611.00001", "arXiv:2611.00002"])
    check_cells(clean_graph, settings)
    # A second version of a cited paper: both versions change cell (latest, version count),
    # the first taking its citations along.
    v2 = {**meta("2611.00002", doi="10.1234/abc"), "title": "Paper, revised"}
    v2["source"] = {**v2["source"], "version": 2}
    register_paper(clean_graph, db, TEST_KEY, v2, clock)
    check_cells(clean_graph, settings)
    paper_cells, year_cells = cells(clean_graph, settings)
    assert sum(c["papers"] for c in paper_cells.values()) == 4
    assert sum(c["citations"] for c in paper_cells.values()) == sum(c["n"] for c in year_cells.values()) == 3
    by_year: dict[int, int] = {}
    for c in year_cells.values():
        by_year[c["year"]] = by_year.get(c["year"], 0) + c["n"]
    assert by_year == {2026: 1, 2024: 2}


def test_cells_of_concurrent_citers_of_one_paper(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    cited = register_paper(clean_graph, db, TEST_KEY, meta("2611.00100"), clock)
    citing = [register_paper(clean_graph, db, TEST_KEY, meta(f"2611.{i:05d}"), clock) for i in range(1, 9)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda p: add_references(clean_graph, db, p, [cited]), citing))
    check_cells(clean_graph, settings)
    _, year_cells = cells(clean_graph, settings)
    assert [c["n"] for c in year_cells.values()] == [8]
