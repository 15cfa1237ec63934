"""Keyset pages cost the same deep in a list as at its start: PROFILE db hits and rows, not time.

One paper gets 3,000 synthetic citations (citing Paper nodes created directly, the CITES edges
written by the store's real edge writer, ``store.citation_writer.add_citations``). The page query is then
profiled at the first page, in the middle and at the end: the same number of database hits and
rows each time, and the index seek reads ``first + 1`` entries, not the list.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from neo4j import AsyncGraphDatabase, Driver

from pith_graph.config import Settings
from pith_graph.store import citations
from pith_graph.store.citation_writer import add_citations
from pith_graph.store.citations import PageKey, neighbour_pages

N = 3000
CITED = "pith:1999:AAAAAAAAAAAAAAAAAAAAAAAAAA"
CATS = ("hep-th", "gr-qc", "hep-ph")

_CREATE_PAPERS = """
UNWIND $rows AS row
CREATE (p:Paper) SET p = row
"""


def _paper(i: int) -> dict[str, Any]:
    body = f"C{i:025d}"
    year = 2000 + i % 20
    return {
        "pith_number": f"pith:{year}:{body}",
        "pith_body": body,
        "source_id": f"syn/{i:07d}",
        "version": 1,
        "is_latest": True,
        "title": f"citing paper {i}",
        "primary_cat": CATS[i % 3],
        "year": year,
        # Many papers share a date: the pith number breaks the tie.
        "submitted_at": f"{year}-01-{1 + i % 28:02d}T00:00:00Z",
    }


@pytest.fixture(scope="module")
def cited(bolt: Driver, settings: Settings) -> str:
    with bolt.session(database=settings.neo4j_database) as session:
        session.run("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n").consume()
    rows = [_paper(i) for i in range(N)]
    rows.append(
        {"pith_number": CITED, "pith_body": CITED[10:], "source_id": "syn/cited", "version": 1,
         "is_latest": True, "title": "cited", "primary_cat": "hep-th", "year": 1999,
         "submitted_at": "1999-06-01T00:00:00Z"}
    )
    bolt.execute_query(_CREATE_PAPERS, rows=rows, database_=settings.neo4j_database)
    outcomes = add_citations(
        bolt,
        settings.neo4j_database,
        [{"citing": r["source_id"], "kind": "arxiv", "target": "syn/cited", "position": 1,
          "raw": "syn/cited"} for r in rows[:N]],
    )
    assert all(o.resolved for o in outcomes)
    return CITED


def _walk(plan: Any, into: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    args = plan.get("args", {})
    into.append(
        (plan["operatorType"].split("@")[0], args.get("Rows", 0), args.get("DbHits", 0),
         args.get("Details", "")[:90])
    )
    for child in plan.get("children", []):
        _walk(child, into)
    return into


def _profile(bolt: Driver, settings: Settings, key: PageKey) -> list[tuple[str, int, int, str]]:
    query = "PROFILE " + citations._PAGES[(key.descending, key.aliases, key.brief)]
    _, summary, _ = bolt.execute_query(
        query, keys=[key.to_param()], limit=key.first + 1, database_=settings.neo4j_database
    )
    return _walk(summary.profile, [])


def _all_keys(settings: Settings, key: PageKey) -> list[tuple[str, str]]:
    async def go() -> list[tuple[str, str]]:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            out, after = [], None
            while True:
                page = (await neighbour_pages(driver, settings.neo4j_database, [
                    PageKey(key.pith, key.direction, 500, after, key.descending, key.categories,
                            key.year, facets=False)]))[0]
                out += [(r["s"], r["t"]) for r in page.rows]
                if not page.has_next:
                    return out
                after = out[-1]
        finally:
            await driver.close()

    return asyncio.run(go())


@pytest.mark.parametrize(
    "template",
    [
        PageKey(CITED, "in", 20, facets=False),
        PageKey(CITED, "in", 20, descending=True, facets=False),
        PageKey(CITED, "in", 20, categories=("gr-qc", "hep-ph"), facets=False, total=False),
        PageKey(CITED, "in", 20, year=2007, facets=False, total=False),
        PageKey(CITED, "in", 20, facets=False, aliases=True),
    ],
    ids=["asc", "desc", "categories", "year", "with-aliases"],
)
def test_deep_pages_cost_what_the_first_page_costs(
    cited: str, bolt: Driver, settings: Settings, template: PageKey
) -> None:
    keys = _all_keys(settings, template)
    assert len(keys) > 100 and keys == sorted(keys, reverse=template.descending)
    plans = [
        _profile(bolt, settings, PageKey(**{**_fields(template), "after": after}))
        for after in (None, keys[len(keys) // 2], keys[-100])
    ]
    hits = [sum(op[2] for op in plan) for plan in plans]
    rows = [sum(op[1] for op in plan) for plan in plans]
    assert hits[0] == hits[1] == hits[2], [op for op in plans[1] if op[2]]
    assert rows[0] == rows[1] == rows[2], rows
    # No operator of the first page touches more than a page's worth of rows per category seek,
    # and nothing sorts the whole list.
    bound = (template.first + 1) * len(template.categories or ("",))
    assert all(op[1] <= bound for op in plans[0]), plans[0]


def _fields(key: PageKey) -> dict[str, Any]:
    return {f: getattr(key, f) for f in PageKey.__dataclass_fields__}


def test_unfiltered_total_is_the_degree_counter(cited: str, bolt: Driver, settings: Settings) -> None:
    plan = _profile(bolt, settings, PageKey(CITED, "in", 20, facets=False))
    assert any(op[0] == "Projection" for op in plan)
    assert sum(op[2] for op in plan) < 200, [op for op in plan if op[2]]  # 3,000 citations, counted without reading them

    async def go() -> Any:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            return await neighbour_pages(driver, settings.neo4j_database, [
                PageKey(CITED, "in", 5), PageKey(CITED, "in", 5, categories=("gr-qc",), year=2001)])
        finally:
            await driver.close()

    whole, filtered = asyncio.run(go())
    assert whole.total == N
    assert sum(f["count"] for f in whole.by_category) == N
    expected = sum(1 for i in range(N) if CATS[i % 3] == "gr-qc" and 2000 + i % 20 == 2001)
    assert filtered.total == expected > 0
    assert filtered.by_category == whole.by_category  # facets of the whole list
    assert filtered.filtered_by_category == [{"value": "gr-qc", "count": expected}]
    assert filtered.filtered_by_year == [{"value": 2001, "count": expected}]
    assert all(r["paper"]["primary_cat"] == "gr-qc" and r["paper"]["year"] == 2001 for r in filtered.rows)


@pytest.mark.parametrize("aliases", [False, True])
@pytest.mark.parametrize("brief", [False, True])
def test_descending_query_is_the_ascending_one_reversed(aliases: bool, brief: bool) -> None:
    pages = citations._PAGES
    assert pages[(True, aliases, brief)].replace(" DESC", "") == pages[(False, aliases, brief)]
