"""Dashboard queries on the seeded hep-th slice, each checked against an independent computation
from the graph's raw nodes and edges (degrees, not the stored counts)."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

import pytest
from _api_client import GraphQLClient
from _api_seed import SeededGraph

from pith_graph.service import dashboards as dashboards_service
from pith_graph.service.dashboards import MAX_PATH_DEPTH

_PAPERS_RAW = """
MATCH (p:Paper)
RETURN p.pith_number AS pith, p.source_id AS source_id, p.primary_cat AS primary_cat,
       p.categories AS categories, p.year AS year, p.license AS license,
       p.submitted_at AS submitted_at, p.is_latest AS is_latest,
       EXISTS { MATCH (f:IntegrityFinding)-[:FINDING_OF]->(p) WHERE f.active = true } AS flagged,
       COUNT { (p)<-[:CITES]-() } AS cited_by, COUNT { (p)-[:CITES]->() } AS cites
"""
_EDGES_RAW = "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.pith_number AS a, b.pith_number AS b"


class Graph:
    def __init__(self, seeded: SeededGraph) -> None:
        records, _, _ = seeded.driver.execute_query(_PAPERS_RAW, database_=seeded.database)
        self.papers = {r["pith"]: dict(r) for r in records}
        records, _, _ = seeded.driver.execute_query(_EDGES_RAW, database_=seeded.database)
        self.edges = {(r["a"], r["b"]) for r in records}
        self.out: dict[str, set[str]] = {p: set() for p in self.papers}
        self.inn: dict[str, set[str]] = {p: set() for p in self.papers}
        for a, b in self.edges:
            self.out[a].add(b)
            self.inn[b].add(a)

    def shortest(self, s: str, t: str, directed: bool) -> int | None:
        dist, queue = {s: 0}, deque([s])
        while queue:
            n = queue.popleft()
            if n == t:
                return dist[n]
            near = self.out[n] if directed else self.out[n] | self.inn[n]
            for m in sorted(near):
                if m not in dist:
                    dist[m] = dist[n] + 1
                    queue.append(m)
        return None


@pytest.fixture(scope="module")
def graph(seeded: SeededGraph) -> Graph:
    return Graph(seeded)


PAPERS = """
query($filter: PaperFilter, $order: PaperOrder!, $first: Int!, $after: String) {
  papers(filter: $filter, order: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { pithNumber citationCount referenceCount submittedAt } }
  }
}
"""


def all_pages(gql: GraphQLClient, flt: dict[str, Any] | None, order: str, first: int) -> tuple[list[dict[str, Any]], int]:
    nodes, after, total = [], None, None
    while True:
        page = gql(PAPERS, {"filter": flt, "order": order, "first": first, "after": after})["papers"]
        nodes += [e["node"] for e in page["edges"]]
        total = page["totalCount"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


def expected_order(graph: Graph, keep: Any, order: str) -> list[str]:
    rows = [p for p in graph.papers.values() if p["is_latest"] and keep(p)]
    if order == "MOST_CITED":
        rows.sort(key=lambda p: (p["cited_by"], p["pith"]), reverse=True)
    elif order == "SUBMITTED_ASC":
        rows.sort(key=lambda p: (p["submitted_at"], p["pith"]))
    else:
        rows.sort(key=lambda p: (p["submitted_at"], p["pith"]), reverse=True)
    return [p["pith"] for p in rows]


FILTERS: list[tuple[dict[str, Any] | None, Any]] = [
    (None, lambda p: True),
    ({"categories": ["hep-ph"]}, lambda p: "hep-ph" in p["categories"]),
    ({"categories": ["hep-ph", "gr-qc"], "primaryOnly": True}, lambda p: p["primary_cat"] in ("hep-ph", "gr-qc")),
    ({"yearFrom": 1998, "yearTo": 1999}, lambda p: 1998 <= p["year"] <= 1999),
    ({"citedByAtLeast": 2}, lambda p: p["cited_by"] >= 2),
    ({"categories": ["hep-th"], "yearTo": 1997, "citedByAtLeast": 1}, lambda p: "hep-th" in p["categories"] and p["year"] <= 1997 and p["cited_by"] >= 1),
    ({"categories": ["no-such-category"]}, lambda p: False),
    ({"hasFindings": True}, lambda p: p["flagged"]),
    ({"hasFindings": False, "yearFrom": 1999}, lambda p: not p["flagged"] and p["year"] >= 1999),
]


@pytest.mark.parametrize("order", ["MOST_CITED", "SUBMITTED_ASC", "SUBMITTED_DESC"])
@pytest.mark.parametrize("case", range(len(FILTERS)))
def test_papers_pages_through_the_filtered_registry_in_order(
    graph: Graph, gql: GraphQLClient, order: str, case: int
) -> None:
    flt, keep = FILTERS[case]
    nodes, total = all_pages(gql, flt, order, 7)
    want = expected_order(graph, keep, order)
    assert [n["pithNumber"] for n in nodes] == want
    assert total == len(want)
    for n in nodes:
        raw = graph.papers[n["pithNumber"]]
        assert (n["citationCount"], n["referenceCount"]) == (raw["cited_by"], raw["cites"])


def test_papers_by_license(graph: Graph, gql: GraphQLClient) -> None:
    licenses = Counter(p["license"] for p in graph.papers.values() if p["is_latest"])
    license, _ = licenses.most_common(1)[0]
    nodes, _ = all_pages(gql, {"license": license}, "SUBMITTED_ASC", 100)
    assert [n["pithNumber"] for n in nodes] == expected_order(graph, lambda p: p["license"] == license, "SUBMITTED_ASC")


COUNTS = """
query($first: Int!, $after: String) {
  papers(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { citationCount referenceCount citations { totalCount } references { totalCount }
                   citationsByYear { year count } } }
  }
}
"""


def test_citation_count_is_the_total_and_the_sum_by_year(graph: Graph, gql: GraphQLClient) -> None:
    after, seen = None, 0
    while True:
        page = gql(COUNTS, {"first": 100, "after": after})["papers"]
        for e in page["edges"]:
            n = e["node"]
            assert n["citationCount"] == n["citations"]["totalCount"] == sum(y["count"] for y in n["citationsByYear"])
            assert n["referenceCount"] == n["references"]["totalCount"]
            years = [y["year"] for y in n["citationsByYear"]]
            assert years == sorted(years) and all(y["count"] > 0 for y in n["citationsByYear"])
        seen += len(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sum(1 for p in graph.papers.values() if p["is_latest"])


BY_YEAR = "query($a: String!) { resolve(alias: $a) { paper { citationsByYear { year count } } } }"


def test_citations_by_year_counts_citing_papers_by_their_year(graph: Graph, gql: GraphQLClient) -> None:
    top = max(graph.papers, key=lambda p: (len(graph.inn[p]), p))
    want = Counter(graph.papers[c]["year"] for c in graph.inn[top])
    got = gql(BY_YEAR, {"a": top})["resolve"]["paper"]["citationsByYear"]
    assert got == [{"year": y, "count": want[y]} for y in sorted(want)]


AGGREGATE = """
query($filter: PaperFilter, $by: GroupKey!, $of: AggregateOf!) {
  aggregate(filter: $filter, groupBy: $by, of: $of) { total groups { key count } }
}
"""


def _key(graph: Graph, p: dict[str, Any], by: str) -> list[str]:
    if by == "PRIMARY_CATEGORY":
        return [p["primary_cat"]]
    if by == "CATEGORY":
        return list(p["categories"])
    if by == "YEAR":
        return [str(p["year"])]
    if by == "LICENSE":
        return [p["license"] or ""]
    return [str(sum(1 for q in graph.papers.values() if q["source_id"] == p["source_id"]))]


def _sorted_groups(counts: Counter[str], by: str) -> list[dict[str, Any]]:
    if by in ("YEAR", "VERSION_COUNT"):
        keys = sorted(counts, key=int)
    else:
        keys = sorted(counts, key=lambda k: (-counts[k], k))
    return [{"key": k, "count": counts[k]} for k in keys]


@pytest.mark.parametrize("by", ["PRIMARY_CATEGORY", "CATEGORY", "YEAR", "LICENSE", "VERSION_COUNT"])
@pytest.mark.parametrize("case", [0, 1, 3, 4, 5, 6])
def test_aggregate_groups_the_filtered_papers(graph: Graph, gql: GraphQLClient, by: str, case: int) -> None:
    flt, keep = FILTERS[case]
    papers = [p for p in graph.papers.values() if p["is_latest"] and keep(p)]
    want = Counter(k for p in papers for k in _key(graph, p, by))
    got = gql(AGGREGATE, {"filter": flt, "by": by, "of": "PAPERS"})["aggregate"]
    assert got == {"total": len(papers), "groups": _sorted_groups(want, by)}


@pytest.mark.parametrize("by", ["YEAR", "PRIMARY_CATEGORY"])
@pytest.mark.parametrize("case", [0, 1, 3])
def test_aggregate_of_citations_groups_citing_papers(graph: Graph, gql: GraphQLClient, by: str, case: int) -> None:
    flt, keep = FILTERS[case]
    targets = [p for p in graph.papers.values() if p["is_latest"] and keep(p)]
    want = Counter(k for t in targets for c in graph.inn[t["pith"]] for k in _key(graph, graph.papers[c], by))
    got = gql(AGGREGATE, {"filter": flt, "by": by, "of": "CITATIONS"})["aggregate"]
    assert got == {"total": sum(t["cited_by"] for t in targets), "groups": _sorted_groups(want, by)}


@pytest.mark.parametrize("by", ["YEAR", "VERSION_COUNT", "LICENSE"])
def test_aggregate_of_every_version_agrees_with_the_list(graph: Graph, gql: GraphQLClient, by: str) -> None:
    flt = {"latestOnly": False, "yearFrom": 1997}
    papers = [p for p in graph.papers.values() if p["year"] >= 1997]
    got = gql(AGGREGATE, {"filter": flt, "by": by, "of": "PAPERS"})["aggregate"]
    want = Counter(k for p in papers for k in _key(graph, p, by))
    assert got == {"total": len(papers), "groups": _sorted_groups(want, by)}
    listed = gql(PAPERS, {"filter": flt, "order": "MOST_CITED", "first": 1})["papers"]
    assert listed["totalCount"] == got["total"]


@pytest.mark.parametrize("case", [0, 1, 2, 3, 5, 7])
def test_aggregate_total_is_the_list_total(gql: GraphQLClient, case: int) -> None:
    flt, _ = FILTERS[case]
    got = gql(AGGREGATE, {"filter": flt, "by": "CATEGORY", "of": "PAPERS"})["aggregate"]
    listed = gql(PAPERS, {"filter": flt, "order": "SUBMITTED_ASC", "first": 1})["papers"]
    assert got["total"] == listed["totalCount"]


def test_an_aggregate_over_the_scan_limit_is_refused(
    seeded: SeededGraph, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboards_service, "MAX_AGGREGATE_COST", 5)
    cells = gql(AGGREGATE, {"filter": None, "by": "YEAR", "of": "CITATIONS"})["aggregate"]
    assert cells["total"] > 5  # answered from the cells: no scan, no limit
    cited = gql(AGGREGATE, {"filter": {"citedByAtLeast": 1}, "by": "YEAR", "of": "PAPERS"})["aggregate"]
    assert cited["total"] > 5  # the citation-count cells
    error = gql.error(AGGREGATE, {"filter": {"citedByAtLeast": 1}, "by": "YEAR", "of": "CITATIONS"})
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"


RELATED = """
query($a: String!, $by: RelatedBy!, $first: Int!, $after: String) {
  resolve(alias: $a) { paper { related(by: $by, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor score node { pithNumber } shared { pithNumber } }
  } } }
}
"""


def expected_related(graph: Graph, p: str, by: str) -> list[tuple[int, str, list[str]]]:
    shared: dict[str, set[str]] = {}
    if by == "COCITATION":
        for c in graph.inn[p]:
            for q in graph.out[c] - {p}:
                shared.setdefault(q, set()).add(c)
    else:
        for r in graph.out[p]:
            for q in graph.inn[r] - {p}:
                shared.setdefault(q, set()).add(r)
    rows = sorted(shared.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(len(s), q, sorted(s)[:3]) for q, s in rows]


@pytest.mark.parametrize("by", ["COCITATION", "COUPLING"])
def test_related_papers_are_scored_paged_and_evidenced(graph: Graph, gql: GraphQLClient, by: str) -> None:
    # The papers with the most related ones, and one with a middling number.
    candidates = sorted(graph.papers, key=lambda p: (-len(expected_related(graph, p, by)), p))
    for paper in (candidates[0], candidates[len(candidates) // 8]):
        want = expected_related(graph, paper, by)
        assert want, paper
        got, after = [], None
        while True:
            page = gql(RELATED, {"a": paper, "by": by, "first": 4, "after": after})["resolve"]["paper"]["related"]
            assert page["totalCount"] == len(want)
            got += [(e["score"], e["node"]["pithNumber"], [s["pithNumber"] for s in e["shared"]]) for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert got == want


def related_cost(graph: Graph, p: str, by: str) -> int:
    """The rows a related page would read: its paper's neighbours and their stored counts."""
    if by == "COCITATION":
        return sum(1 + graph.papers[s]["cites"] for s in graph.inn[p])
    return sum(1 + graph.papers[s]["cited_by"] for s in graph.out[p])


@pytest.mark.parametrize("by", ["COCITATION", "COUPLING"])
def test_related_over_the_cost_limit_is_refused_in_its_field(
    graph: Graph, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    costs = sorted((related_cost(graph, p, by), p) for p in graph.papers)
    (cheap_cost, cheap), (limit, dear) = costs[len(costs) // 2], costs[-1]
    assert cheap_cost < limit
    monkeypatch.setattr(dashboards_service, "MAX_RELATED_COST", limit - 1)
    error = gql.error(RELATED, {"a": dear, "by": by, "first": 3})
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert error["path"][-1] == "related"
    page = gql(RELATED, {"a": cheap, "by": by, "first": 3})["resolve"]["paper"]["related"]
    assert page["totalCount"] == len(expected_related(graph, cheap, by))
    monkeypatch.setattr(dashboards_service, "MAX_RELATED_COST", limit)
    page = gql(RELATED, {"a": dear, "by": by, "first": 3})["resolve"]["paper"]["related"]
    assert page["totalCount"] == len(expected_related(graph, dear, by))


PATH = """
query($from: String!, $to: String!, $depth: Int!, $directed: Boolean!) {
  citationPath(from: $from, to: $to, maxDepth: $depth, directed: $directed) {
    found length papers { pithNumber } citations { source target }
  }
}
"""


def _pairs(graph: Graph, directed: bool) -> list[tuple[str, str, int | None]]:
    cited = sorted(p for p in graph.papers if graph.inn[p] or graph.out[p])
    out = []
    for i in range(0, len(cited), 17):
        for j in range(5, len(cited), 23):
            out.append((cited[i], cited[j], graph.shortest(cited[i], cited[j], directed)))
    return out


@pytest.mark.parametrize("directed", [True, False])
def test_citation_path_is_a_shortest_chain(graph: Graph, gql: GraphQLClient, directed: bool) -> None:
    pairs = _pairs(graph, directed)
    assert any(n is not None and n >= 2 for _, _, n in pairs)
    assert any(n is None for _, _, n in pairs) or not directed
    for s, t, n in pairs:
        got = gql(PATH, {"from": s, "to": t, "depth": MAX_PATH_DEPTH, "directed": directed})["citationPath"]
        if n is None:
            assert got == {"found": False, "length": None, "papers": [], "citations": []}
            continue
        chain = [p["pithNumber"] for p in got["papers"]]
        assert got["found"] and got["length"] == n == len(chain) - 1
        assert chain[0] == s and chain[-1] == t
        steps = [(c["source"], c["target"]) for c in got["citations"]]
        assert len(steps) == n
        for (a, b), step in zip(zip(chain, chain[1:], strict=False), steps, strict=True):
            assert step in graph.edges and set(step) == {a, b}
            assert step == (a, b) or not directed
        if n >= 2:  # a shorter bound finds nothing
            short = gql(PATH, {"from": s, "to": t, "depth": n - 1, "directed": directed})["citationPath"]
            assert short["found"] is False


def test_citation_path_takes_any_alias_and_the_same_paper(graph: Graph, gql: GraphQLClient) -> None:
    a, b = next((a, b) for a, b in sorted(graph.edges))
    arxiv = graph.papers[a]["source_id"]
    got = gql(PATH, {"from": f"arXiv:{arxiv}", "to": b, "depth": 6, "directed": True})["citationPath"]
    assert got == {
        "found": True,
        "length": 1,
        "papers": [{"pithNumber": a}, {"pithNumber": b}],
        "citations": [{"source": a, "target": b}],
    }
    back = gql(PATH, {"from": b, "to": a, "depth": 1, "directed": False})["citationPath"]
    assert back["citations"] == [{"source": a, "target": b}]
    same = gql(PATH, {"from": a, "to": arxiv, "depth": 6, "directed": True})["citationPath"]
    assert same == {"found": True, "length": 0, "papers": [{"pithNumber": a}], "citations": []}


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (PATH, {"from": "x", "to": "y", "depth": 0, "directed": True}, "BAD_INPUT"),
        (PATH, {"from": "x", "to": "y", "depth": MAX_PATH_DEPTH + 1, "directed": True}, "BAD_INPUT"),
        (PATH, {"from": "not an alias!", "to": "hep-th/9711200", "depth": 3, "directed": True}, "INVALID_ALIAS"),
        (PATH, {"from": "2401.99999", "to": "hep-th/9711200", "depth": 3, "directed": True}, "NOT_FOUND"),
        (PAPERS, {"order": "MOST_CITED", "first": 501}, "BAD_INPUT"),
        (PAPERS, {"order": "MOST_CITED", "first": -1}, "BAD_INPUT"),
        (PAPERS, {"order": "MOST_CITED", "first": 5, "after": "bm90IGEgY3Vyc29y"}, "BAD_INPUT"),
        (PAPERS, {"order": "MOST_CITED", "first": 5, "filter": {"yearFrom": 100000}}, "BAD_INPUT"),
        (PAPERS, {"order": "MOST_CITED", "first": 5, "filter": {"citedByAtLeast": -3}}, "BAD_INPUT"),
        (PAPERS, {"order": "MOST_CITED", "first": 5, "filter": {"categories": [f"c{i}" for i in range(51)]}}, "BAD_INPUT"),
        (RELATED, {"a": "hep-th/9711200", "by": "COUPLING", "first": 501}, "BAD_INPUT"),
    ],
)
def test_hostile_arguments_are_refused_with_a_code(gql: GraphQLClient, query: str, variables: dict[str, Any], code: str) -> None:
    error = gql.error(query, variables)
    assert error["extensions"]["code"] == code, error


def test_a_cursor_of_another_order_is_refused(gql: GraphQLClient) -> None:
    page = gql(PAPERS, {"order": "SUBMITTED_ASC", "first": 1})["papers"]
    error = gql.error(PAPERS, {"order": "MOST_CITED", "first": 1, "after": page["pageInfo"]["endCursor"]})
    assert error["extensions"]["code"] == "BAD_INPUT"


COSTLY = """
{ papers(first: 200) { edges { node { related(first: 200) { edges { node { pithNumber } shared { pithNumber } } } } } } }
"""


def test_nested_pages_are_counted_by_the_node_limit(gql: GraphQLClient) -> None:
    error = gql.error(COSTLY)
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert "PITH_MAX_QUERY_NODES" in error["message"]
