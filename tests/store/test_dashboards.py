"""``related_pages`` on small random graphs full of ties, against a plain computation.

Co-citation expands the second hop; coupling reads it from the CITES sort-key index: both must give
the exact scores, the total, the (score DESC, pith number) order with its keyset pages, and the
evidence (the shared papers with the smallest pith numbers), whichever way the data is shaped:
papers without a submission time (a ``~`` in the keys), references to unregistered works, papers
citing each other.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from neo4j import AsyncGraphDatabase, Driver

from pith_graph.config import Settings
from pith_graph.store.citations import CITES_TO_PAPER_KEYS, CITES_TO_WORK_KEYS
from pith_graph.store.dashboards import RelatedKey, RelatedPage, related_pages

_WIPE = "MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n"
_PAPERS = """
UNWIND $papers AS row
CREATE (:Paper {pith_number: row.pith, submitted_at: row.at, primary_cat: 'hep-th',
                categories: ['hep-th'], is_latest: true, year: 2020})
"""
_CITES = (
    """
UNWIND $edges AS e
MATCH (c:Paper {pith_number: e[0]}), (t:Paper {pith_number: e[1]})
CREATE (c)-[r:CITES]->(t) SET """
    + CITES_TO_PAPER_KEYS
)
_WORKS = (
    """
UNWIND $works AS e
MATCH (c:Paper {pith_number: e[0]})
MERGE (w:Work {kind: 'doi', value: e[1]})
CREATE (c)-[r:CITES]->(w) SET """
    + CITES_TO_WORK_KEYS
)
_COUNTS = """
MATCH (p:Paper)
SET p.citation_count = COUNT { (p)<-[:CITES]-() }, p.reference_count = COUNT { (p)-[:CITES]->() }
"""

# Pith numbers whose order differs from their creation order (ties are broken by pith number).
_LETTERS = "QDMAZKTBWHRXCNPF"
PITHS = [f"pith:20{10 + i % 7}:{_LETTERS[i] * 20}{i:06d}" for i in range(len(_LETTERS))]
EVIDENCE = 2


def expected(out: dict[str, set[str]], p: str, by: str) -> list[tuple[int, str, list[str]]]:
    inn: dict[str, set[str]] = {q: set() for q in out}
    for a, targets in out.items():
        for b in targets:
            inn[b].add(a)
    shared: dict[str, set[str]] = {}
    first, second = (inn, out) if by == "COCITATION" else (out, inn)
    for s in first[p]:
        for q in second[s] - {p}:
            shared.setdefault(q, set()).add(s)
    rows = sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(len(s), q, sorted(s)[:EVIDENCE]) for q, s in rows]


def _rows(page: RelatedPage) -> list[tuple[int, str, list[str]]]:
    return [(r["score"], r["paper"]["pith_number"], [s["pith_number"] for s in r["shared"]]) for r in page.rows]


graphs = st.integers(min_value=2, max_value=9).flatmap(
    lambda n: st.tuples(
        st.just(PITHS[:n]),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]), max_size=n * 4),
        st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, 2)), max_size=n),
        st.integers(min_value=1, max_value=4),
    )
)


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs)
def test_related_pages_match_a_plain_computation(
    bolt: Driver, settings: Settings, graph: tuple[list[str], list[bool], set[tuple[int, int]], set[tuple[int, int]], int]
) -> None:
    piths, timed, edges, works, first = graph
    db = settings.neo4j_database
    bolt.execute_query(_WIPE, database_=db)
    bolt.execute_query(_PAPERS, database_=db, papers=[
        {"pith": p, "at": f"20{10 + i % 3}-0{1 + i % 5}-01T00:00:00Z" if t else None}
        for i, (p, t) in enumerate(zip(piths, timed, strict=True))])
    bolt.execute_query(_CITES, database_=db, edges=[[piths[a], piths[b]] for a, b in edges])
    bolt.execute_query(_WORKS, database_=db, works=[[piths[a], f"10.1/w {w}"] for a, w in works])
    bolt.execute_query(_COUNTS, database_=db)
    out = {p: set() for p in piths}
    for a, b in edges:
        out[piths[a]].add(piths[b])
    want = {(p, by): expected(out, p, by) for p in piths for by in ("COCITATION", "COUPLING")}

    async def pages(keys: list[RelatedKey]) -> list[RelatedPage]:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            return await related_pages(driver, db, keys, EVIDENCE, 10_000)
        finally:
            await driver.close()

    # Every paper's pages at once (one batch, both relations), then keyset pages until the end.
    # Half of them brief (PAPER_BRIEF's properties): a batch of four queries.
    keys = [RelatedKey(p, by, first, brief=i % 2 == 1) for i, (p, by) in enumerate(want)]
    got: dict[tuple[str, str], list[tuple[int, str, list[str]]]] = {k: [] for k in want}
    while keys:
        answered = asyncio.run(pages(keys))
        following = []
        for key, page in zip(keys, answered, strict=True):
            assert not page.over_cost
            assert page.total == len(want[(key.pith, key.by)])
            rows = _rows(page)
            for row in page.rows:
                assert all(("citation_count" in r) != key.brief for r in (row["paper"], *row["shared"]))
            assert len(rows) <= key.first
            got[(key.pith, key.by)] += rows
            if page.has_next:
                score, last, _ = rows[-1]
                following.append(RelatedKey(key.pith, key.by, first, (score, last), key.brief))
        keys = following
    assert got == want


def test_related_page_carries_the_listing_properties(bolt: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    bolt.execute_query(_WIPE, database_=db)
    a, b, c, d = PITHS[:4]
    bolt.execute_query(_PAPERS, database_=db, papers=[{"pith": p, "at": "2015-01-01T00:00:00Z"} for p in (a, b, c, d)])
    bolt.execute_query(_CITES, database_=db, edges=[[a, c], [b, c], [a, d], [b, d]])
    bolt.execute_query(_COUNTS, database_=db)

    async def page(by: str, pith: str) -> RelatedPage:
        driver = AsyncGraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
        try:
            return (await related_pages(driver, db, [RelatedKey(pith, by, 5)], 3, 100))[0]
        finally:
            await driver.close()

    coupled = asyncio.run(page("COUPLING", a))
    cocited = asyncio.run(page("COCITATION", c))
    for result, other, shared in ((coupled, b, [c, d]), (cocited, d, [a, b])):
        (row,) = result.rows
        paper: dict[str, Any] = row["paper"]
        assert (row["score"], paper["pith_number"], paper["reference_count"]) == (2, other, 2 if other == b else 0)
        assert [s["pith_number"] for s in row["shared"]] == sorted(shared)
        assert all("citation_count" in s and "title" in s for s in row["shared"])
