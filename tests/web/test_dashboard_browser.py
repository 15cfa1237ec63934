"""The dashboard view in a real browser, on the demo data served by ``pith-graph serve``.

What the page draws (chart data, table rows, the path graph) is checked against the GraphQL
API's own answers, so the expectations follow the demo data.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

PAPER_ID = "hep-th/9711200"


def _graphql(base_url: str, query: str, **variables: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


_PAPER = """query($a: String!) { resolve(alias: $a) { paper {
  pithNumber title citationCount citationsByYear { year count }
  related(first: 10) { edges { node { pithNumber } } }
  citations(first: 5) { edges { node { pithNumber citations(first: 5) { edges { node { pithNumber } } } } } }
} } }"""
_SET = """query($f: PaperFilter) {
  aggregate(filter: $f, groupBy: PRIMARY_CATEGORY) { total groups { key count } }
  papers(filter: $f, first: 10) { edges { node { pithNumber } } }
}"""
_PATH = """query($a: String!, $b: String!) { citationPath(from: $a, to: $b, maxDepth: 4) {
  found length papers { pithNumber } } }"""


def _year_series(by_year: list[dict[str, int]]) -> tuple[list[str], list[int]]:
    counts = {y["year"]: y["count"] for y in by_year}
    years = list(range(min(counts), max(counts) + 1)) if counts else []
    return [str(y) for y in years], [counts.get(y, 0) for y in years]


def _category_series(groups: list[dict[str, Any]]) -> tuple[list[str], list[int]]:
    labels = [g["key"] or "?" for g in groups[:10]]
    counts = [g["count"] for g in groups[:10]]
    rest = sum(g["count"] for g in groups[10:])
    return (labels + ["other"], counts + [rest]) if rest else (labels, counts)


def _drawn(page: Page, canvas: str) -> tuple[list[str], list[int]]:
    locator = page.locator(canvas)
    return (
        json.loads(locator.get_attribute("data-labels") or "[]"),
        json.loads(locator.get_attribute("data-counts") or "[]"),
    )


def _wait(page: Page, key: str, value: str) -> None:
    try:
        page.wait_for_function(
            "([k, v]) => document.body.dataset[k] === v", arg=[key, value], timeout=60_000
        )
    except Exception as exc:
        shown = page.evaluate("[document.body.dataset, document.querySelector('#message').textContent, document.querySelector('#path-status').textContent]")
        raise AssertionError(f"waiting for {key}={value}; page shows {shown}") from exc


def _pith_links(page: Page, table: str) -> list[str]:
    return [
        str(a.get_attribute("data-pith")) for a in page.locator(f"{table} a.paper").all()
    ]


def test_dashboard_draws_the_paper_and_the_registry(page: Page, demo_server: str, artifacts: Path) -> None:
    paper = _graphql(demo_server, _PAPER, a=PAPER_ID)["resolve"]["paper"]
    registry = _graphql(demo_server, _SET, f={})
    page.goto(f"/explore/dashboard?q={PAPER_ID}")
    _wait(page, "dashboardLoaded", paper["pithNumber"])
    _wait(page, "setLoaded", "yes")
    expect(page.locator("#paper-title")).to_have_text(paper["title"])
    labels, counts = _drawn(page, "#citations-chart")
    assert (labels, counts) == _year_series(paper["citationsByYear"])
    assert sum(counts) == paper["citationCount"] > 0
    assert _pith_links(page, "#related-table") == [e["node"]["pithNumber"] for e in paper["related"]["edges"]]
    assert _drawn(page, "#category-chart") == _category_series(registry["aggregate"]["groups"])
    expect(page.locator("#category-status")).to_contain_text(str(registry["aggregate"]["total"]))
    assert _pith_links(page, "#top-table") == [e["node"]["pithNumber"] for e in registry["papers"]["edges"]]
    page.screenshot(path=str(artifacts / "dashboard-hep-th-9711200.png"), full_page=True)


def test_the_filter_narrows_the_category_mix_and_the_top_list(page: Page, demo_server: str, artifacts: Path) -> None:
    flt = {"categories": ["hep-th"], "yearFrom": 1998, "yearTo": 1999}
    want = _graphql(demo_server, _SET, f=flt)
    page.goto("/explore/dashboard")
    _wait(page, "setLoaded", "yes")
    page.fill("#filter-form input[name=category]", "hep-th")
    page.fill("#filter-form input[name=yearFrom]", "1998")
    page.fill("#filter-form input[name=yearTo]", "1999")
    page.evaluate("delete document.body.dataset.setLoaded")
    page.click("#filter-button")
    _wait(page, "setLoaded", "yes")
    assert _drawn(page, "#category-chart") == _category_series(want["aggregate"]["groups"])
    assert _pith_links(page, "#top-table") == [e["node"]["pithNumber"] for e in want["papers"]["edges"]]
    assert "category=hep-th" in page.url and "yearFrom=1998" in page.url
    page.screenshot(path=str(artifacts / "dashboard-filter-hep-th-1998-1999.png"), full_page=True)


def test_the_path_finder_draws_the_chain(page: Page, demo_server: str, artifacts: Path) -> None:
    paper = _graphql(demo_server, _PAPER, a=PAPER_ID)["resolve"]["paper"]
    # A paper citing a paper that cites hep-th/9711200: a chain of at most two citations.
    second = next(
        c2["node"]["pithNumber"]
        for c1 in paper["citations"]["edges"]
        for c2 in c1["node"]["citations"]["edges"]
    )
    want = _graphql(demo_server, _PATH, a=second, b=PAPER_ID)["citationPath"]
    assert want["found"]
    page.goto(f"/explore/dashboard?q={PAPER_ID}")
    _wait(page, "dashboardLoaded", paper["pithNumber"])
    page.fill("#path-from", second)
    page.fill("#path-to", PAPER_ID)
    page.click("#path-button")
    _wait(page, "pathFound", str(want["length"]))
    graph = page.locator("#path-graph")
    assert graph.get_attribute("data-nodes") == str(len(want["papers"]))
    assert graph.get_attribute("data-edges") == str(want["length"])
    drawn = page.evaluate("window.pithPathGraph.nodes().map((n) => n.id())")
    assert drawn == [p["pithNumber"] for p in want["papers"]]
    page.screenshot(path=str(artifacts / "dashboard-path.png"), full_page=True)
    # The other way round, following citations: what the API says (usually nothing).
    back = _graphql(demo_server, _PATH.replace("maxDepth: 4", "maxDepth: 2"), a=PAPER_ID, b=second)["citationPath"]
    page.fill("#path-from", PAPER_ID)
    page.fill("#path-to", second)
    page.select_option("#path-depth", "2")
    page.click("#path-button")
    _wait(page, "pathFound", str(back["length"]) if back["found"] else "none")
    if not back["found"]:
        expect(page.locator("#path-status")).to_contain_text("No citation chain")


def test_the_card_links_to_the_dashboard(page: Page, demo_server: str) -> None:
    paper = _graphql(demo_server, _PAPER, a=PAPER_ID)["resolve"]["paper"]
    page.goto(f"/explore?q={PAPER_ID}")
    page.wait_for_function("p => document.body.dataset.loaded === p", arg=paper["pithNumber"], timeout=60_000)
    page.click("#dashboard-link")
    _wait(page, "dashboardLoaded", paper["pithNumber"])
    assert "/explore/dashboard" in page.url
