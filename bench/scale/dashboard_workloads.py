"""Request bodies for the dashboard queries of the growth benchmark (bench/scale/scale_bench.py).

"Typical" inputs, chosen at random (seeded) from the graph under test:

- ``papers_top``: the 20 most cited papers of one year, one category (the primary category of a
  random paper), or the whole registry;
- ``aggregate``: one year's papers by primary category (a year of the synthetic graphs holds about
  96,000 papers at every size, so the cost should stay flat as the registry grows);
- ``aggregate_categories``: the whole registry by category (every paper, each category);
- ``aggregate_citations``: the citations per year into one year's papers of one primary category
  (both answered from the aggregate cells);
- ``aggregate_cited``: one year's papers cited at least 20 times, by primary category
  (answered from the citation-count cells);
- ``citations_by_year`` and ``related`` (co-citation and coupling, first 10): random papers with
  at least one citation (a reference, for coupling);
- ``citation_path``: directed, between a random paper and the end of a random citation walk of 2
  to 4 steps from it (so a chain of length at most 4 exists); ``citation_path_undirected``: the
  same pairs, citations either way (the search meets on whichever side is cheaper, both sides
  expanding both directions).
"""

from __future__ import annotations

import random
from typing import Any

from neo4j import Driver

DATABASE = "neo4j"

_SAMPLE_CITED = """
MATCH (p:Paper) WHERE p.citation_count > 0 AND rand() < $fraction
RETURN p.pith_number AS pith, p.year AS year, p.primary_cat AS cat, p.submitted_at AS at
LIMIT $n
"""
_SAMPLE_CITING = """
MATCH (p:Paper) WHERE p.reference_count > 0 AND rand() < $fraction
RETURN p.pith_number AS pith LIMIT $n
"""
_NEXT = """
UNWIND $piths AS pith
MATCH (:Paper {pith_number: pith})-[:CITES]->(q:Paper)
WITH pith, collect(q.pith_number) AS next
RETURN pith, next
"""
_COUNT = "MATCH (p:Paper) RETURN count(p) AS n"

Q_PAPERS = """query($f: PaperFilter) { papers(filter: $f, first: 20) {
  edges { cursor node { pithNumber title citationCount referenceCount } } } }"""
Q_AGGREGATE = """query($f: PaperFilter) { aggregate(filter: $f, groupBy: PRIMARY_CATEGORY) {
  total groups { key count } } }"""
Q_CATEGORIES = """{ aggregate(groupBy: CATEGORY) { total groups { key count } } }"""
Q_AGGREGATE_CITATIONS = """query($f: PaperFilter) {
  aggregate(filter: $f, groupBy: YEAR, of: CITATIONS) { total groups { key count } } }"""
Q_BY_YEAR = """query($a: String!) { resolve(alias: $a) { paper { citationCount
  citationsByYear { year count } } } }"""
Q_RELATED = """query($a: String!, $by: RelatedBy!) { resolve(alias: $a) { paper {
  related(by: $by, first: 10) { totalCount edges { score node { pithNumber title }
  shared { pithNumber } } } } } }"""
Q_PATH = """query($a: String!, $b: String!, $directed: Boolean!) {
  citationPath(from: $a, to: $b, maxDepth: 4, directed: $directed) {
  found length papers { pithNumber title } } }"""

CASES = (
    "papers_top",
    "aggregate",
    "aggregate_categories",
    "aggregate_citations",
    "aggregate_cited",
    "citations_by_year",
    "related_cocitation",
    "related_coupling",
    "citation_path",
    "citation_path_undirected",
)


def _body(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return {"query": " ".join(query.split()), "variables": variables}


def _walk_ends(driver: Driver, starts: list[str], rng: random.Random) -> list[tuple[str, str]]:
    pairs = []
    for start in starts:
        node, steps = start, rng.randint(2, 4)
        for _ in range(steps):
            records = driver.execute_query(_NEXT, piths=[node], database_=DATABASE, routing_="r").records
            if not records or not records[0]["next"]:
                break
            node = rng.choice(sorted(records[0]["next"]))
        if node != start:
            pairs.append((start, node))
    return pairs


def build(driver: Driver, n: int = 200, seed: int = 8) -> dict[str, list[dict[str, Any]]]:
    """Bodies per case, in a seeded random order."""
    rng = random.Random(seed)
    total = driver.execute_query(_COUNT, database_=DATABASE, routing_="r").records[0]["n"]
    fraction = min(1.0, 20.0 * n / max(1, total))
    cited = [dict(r) for r in driver.execute_query(
        _SAMPLE_CITED, n=n, fraction=fraction, database_=DATABASE, routing_="r").records]
    citing = [r["pith"] for r in driver.execute_query(
        _SAMPLE_CITING, n=n, fraction=fraction, database_=DATABASE, routing_="r").records]
    out: dict[str, list[dict[str, Any]]] = {case: [] for case in CASES}
    for i, row in enumerate(cited):
        flt: dict[str, Any] | None = [
            {"yearFrom": row["year"], "yearTo": row["year"]},
            {"categories": [row["cat"]]},
            None,
        ][i % 3]
        out["papers_top"].append(_body(Q_PAPERS, {"f": flt}))
        out["aggregate"].append(_body(Q_AGGREGATE, {"f": {"yearFrom": row["year"], "yearTo": row["year"]}}))
        out["aggregate_categories"].append(_body(Q_CATEGORIES, {}))
        out["aggregate_citations"].append(_body(Q_AGGREGATE_CITATIONS, {"f": {
            "yearFrom": row["year"], "yearTo": row["year"], "categories": [row["cat"]],
            "primaryOnly": True}}))
        out["aggregate_cited"].append(_body(Q_AGGREGATE, {"f": {
            "yearFrom": row["year"], "yearTo": row["year"], "citedByAtLeast": 20}}))
        out["citations_by_year"].append(_body(Q_BY_YEAR, {"a": row["pith"]}))
        out["related_cocitation"].append(_body(Q_RELATED, {"a": row["pith"], "by": "COCITATION"}))
    for pith in citing:
        out["related_coupling"].append(_body(Q_RELATED, {"a": pith, "by": "COUPLING"}))
    for a, b in _walk_ends(driver, citing[: max(20, n // 4)], rng):
        out["citation_path"].append(_body(Q_PATH, {"a": a, "b": b, "directed": True}))
        out["citation_path_undirected"].append(_body(Q_PATH, {"a": a, "b": b, "directed": False}))
    for bodies in out.values():
        rng.shuffle(bodies)
    return out
