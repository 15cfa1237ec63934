"""Store reads of the API against the seeded hep-th slice: key order, misses, pages, bounds."""

from __future__ import annotations

import asyncio
from typing import Any

from _api_seed import CENTRE, FOUNDING_PITH, SeededGraph
from neo4j import AsyncGraphDatabase

from pith_graph.config import Settings
from pith_graph.store import citations, neighborhood, papers, resolve, search
from pith_graph.store.citations import PageKey


def run(settings: Settings, fn: Any, *args: Any, **kwargs: Any) -> Any:
    async def go() -> Any:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            return await fn(driver, settings.neo4j_database, *args, **kwargs)
        finally:
            await driver.close()

    return asyncio.run(go())


def centre_pith(settings: Settings) -> str:
    found = run(settings, resolve.candidates_for, [{"kind": "alias", "alias_kind": "arxiv", "value": CENTRE}])
    return str(found[0][0]["pith_number"])


def test_papers_by_pith_keeps_key_order_and_misses(seeded: SeededGraph, settings: Settings) -> None:
    centre = centre_pith(settings)
    rows = run(settings, papers.papers_by_pith, [FOUNDING_PITH, "pith:2026:NOPE", centre])
    assert rows[0]["source_id"] == "2603.13419"
    assert rows[1] is None
    assert rows[2]["source_id"] == CENTRE


def test_paper_details_bring_receipt_aliases_and_claims(seeded: SeededGraph, settings: Settings) -> None:
    details = run(settings, papers.paper_details, [FOUNDING_PITH, "pith:2026:NOPE"])
    assert details[0].receipt["key_id"] == "pith-v1-2026-05"
    kinds = {a["kind"] for a in details[0].aliases}
    assert kinds == {"arxiv", "arxiv_version", "doi", "pith_short_8", "pith_short_12", "pith_short_16"}
    assert details[0].claims == []
    assert details[1] is None


def test_candidates_for_many_kinds_in_one_query(seeded: SeededGraph, settings: Settings) -> None:
    keys = [
        {"kind": "pith", "value": FOUNDING_PITH.split(":")[2], "alias_kind": None},
        {"kind": "pith_prefix", "value": "XTYU6EUZ", "alias_kind": None},
        {"kind": "alias", "alias_kind": "doi", "value": "10.48550/arxiv.2603.13419"},
        {"kind": "alias", "alias_kind": "arxiv", "value": "hep-th/0000000"},
    ]
    found = run(settings, resolve.candidates_for, keys)
    assert [len(f) for f in found] == [1, 1, 1, 0]
    assert {f[0]["pith_number"] for f in found[:3]} == {FOUNDING_PITH}


def test_citation_pages_walk_every_citation_once(seeded: SeededGraph, settings: Settings) -> None:
    pith = centre_pith(settings)
    seen: list[str] = []
    after = None
    while True:
        page = run(settings, citations.neighbour_pages, [PageKey(pith, "in", 37, after)])[0]
        seen += [r["paper"]["pith_number"] for r in page.rows]
        if not page.has_next:
            break
        after = (page.rows[-1]["s"], page.rows[-1]["t"])
    assert len(seen) == len(set(seen)) == page.total == 200
    first = run(settings, citations.neighbour_pages, [PageKey(pith, "in", 200)])[0]
    keys = [(r["s"], r["t"]) for r in first.rows]
    assert keys == sorted(keys)
    desc = run(settings, citations.neighbour_pages, [PageKey(pith, "in", 200, descending=True)])[0]
    assert [(r["s"], r["t"]) for r in desc.rows] == sorted(keys, reverse=True)


def test_references_include_unresolved_works_last(seeded: SeededGraph, settings: Settings) -> None:
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper)-[:CITES]->(:Work) WITH p ORDER BY p.pith_number "
        "WHERE EXISTS { (p)-[:CITES]->(:Paper) } RETURN p.pith_number AS pith LIMIT 1"
    )
    pith = records[0]["pith"]
    page = run(settings, citations.neighbour_pages, [PageKey(pith, "out", 500)])[0]
    resolved = [r for r in page.rows if r["paper"] is not None]
    works = [r for r in page.rows if r["work"] is not None]
    assert resolved and works
    assert page.rows.index(works[0]) == len(resolved)  # works sort after papers
    assert works[0]["work"]["kind"] == "arxiv"


def test_filters_and_facets(seeded: SeededGraph, settings: Settings) -> None:
    pith = centre_pith(settings)
    page = run(settings, citations.neighbour_pages, [PageKey(pith, "in", 5, year=1998)])[0]
    by_year = {f["value"]: f["count"] for f in page.by_year}
    assert page.total == by_year[1998]
    assert all(r["paper"]["year"] == 1998 for r in page.rows)
    assert sum(f["count"] for f in page.by_category) == 200


def test_neighborhood_is_bounded_and_deterministic(seeded: SeededGraph, settings: Settings) -> None:
    pith = centre_pith(settings)
    a = run(settings, neighborhood.neighborhood, pith, depth=2, direction="BOTH", limit=50)
    b = run(settings, neighborhood.neighborhood, pith, depth=2, direction="BOTH", limit=50)
    assert a == b
    assert len(a.nodes) == 50 and a.truncated
    assert [n["distance"] for n in a.nodes] == sorted(n["distance"] for n in a.nodes)
    full = run(settings, neighborhood.neighborhood, pith, depth=1, direction="IN", limit=1000)
    assert len(full.nodes) == 200 and not full.truncated
    members = {pith} | {n["paper"]["pith_number"] for n in full.nodes}
    assert all(s in members and t in members for s, t in full.edges)


def test_search_pages_by_score(seeded: SeededGraph, settings: Settings) -> None:
    first = run(settings, search.search_titles, "black holes", first=5)
    assert first.total > 5 and first.has_next and len(first.rows) == 5
    last = first.rows[-1]
    second = run(settings, search.search_titles, "black holes", first=5, after=(last["score"], last["paper"]["pith_number"]))
    assert not {r["paper"]["pith_number"] for r in first.rows} & {r["paper"]["pith_number"] for r in second.rows}
    odd = run(settings, search.search_titles, 'AdS/CFT (large N) "limit"', first=3)
    assert odd.total >= 0


def test_listing_reads_leave_the_text_blobs_out(seeded: SeededGraph, settings: Settings) -> None:
    key = {"kind": "alias", "alias_kind": "arxiv", "value": CENTRE}
    (lean,) = run(settings, resolve.candidates_for, [key], projection="listing")
    (full,) = run(settings, resolve.candidates_for, [key])
    assert "canonical_json" in full[0] and "abstract" in full[0]
    assert "canonical_json" not in lean[0] and "abstract" not in lean[0]
    assert all(full[0].get(k) == v for k, v in lean[0].items())
    (brief,) = run(settings, resolve.candidates_for, [key], projection="brief")
    assert {"pith_number", "source_id", "version", "title", "submitted_at"} <= set(brief[0])
    assert "authors" not in brief[0] and all(lean[0].get(k) == v for k, v in brief[0].items())
    page = run(settings, citations.neighbour_pages, [PageKey(lean[0]["pith_number"], "in", 3)])[0]
    assert all("canonical_json" not in r["paper"] for r in page.rows)
