"""The explorer in a real browser, on the demo data served by ``pith-graph serve``.

Each test drives the page the way a reader would (type, click, page) and checks what is shown
against the GraphQL API's own answer, so the expectations follow the demo data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

OLD_STYLE_ID = "hep-th/9711200"
REVIEW_ID = "hep-th/9905111"  # the AdS/CFT review: 421 references in the demo's citation graph
JOURNAL_DOI = "10.1103/PhysRevD.76.013009"  # arXiv 0704.0001 in the demo's arxiv-browse records
FOUNDING_BODY = "XTYU6EUZWRI6EBU2PYG3UUWNUO"


def _get(url: str, accept: str = "*/*") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["content-type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["content-type"], exc.read()


def _graphql(base_url: str, query: str, **variables: Any) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def _paper(base_url: str, alias: str) -> dict[str, Any]:
    data = _graphql(
        base_url,
        "query($a: String!) { resolve(alias: $a) { paper { pithNumber pithBody title "
        "references(first: 0) { totalCount } citations(first: 0) { totalCount } } } }",
        a=alias,
    )
    paper: dict[str, Any] = data["resolve"]["paper"]
    return paper


def _search(page: Page, text: str) -> None:
    page.fill("#q", text)
    page.evaluate("delete document.body.dataset.loaded")
    page.click("#search-button")


def _wait_loaded(page: Page, pith: str) -> None:
    page.wait_for_function("p => document.body.dataset.loaded === p", arg=pith, timeout=60_000)


def test_search_by_doi_shows_the_card(page: Page, demo_server: str) -> None:
    expected = _paper(demo_server, f"doi:{JOURNAL_DOI}")
    page.goto("/explore")
    _search(page, JOURNAL_DOI)
    _wait_loaded(page, expected["pithNumber"])
    expect(page.locator("#card-title")).to_have_text(expected["title"])
    expect(page.locator("#card .pith-number")).to_have_text(expected["pithNumber"])
    expect(page.locator("#card [data-chip]")).to_have_count(4)


def test_search_by_old_style_arxiv_id_draws_the_neighborhood(
    page: Page, demo_server: str, artifacts: Path, offsite_requests: list[str]
) -> None:
    expected = _paper(demo_server, OLD_STYLE_ID)
    page.goto("/explore")
    _search(page, OLD_STYLE_ID)
    _wait_loaded(page, expected["pithNumber"])
    expect(page.locator("#card-title")).to_have_text(expected["title"])
    aliases = page.locator("#card ul.aliases li")
    expect(aliases.filter(has_text=OLD_STYLE_ID).first).to_be_visible()
    assert int(page.locator("#graph").get_attribute("data-nodes") or 0) > 10
    assert page.locator("#legend .legend-item").count() >= 1
    page.screenshot(path=str(artifacts / "explore-hep-th-9711200.png"), full_page=True)
    assert offsite_requests == [], "the page must not fetch anything from outside the app"


def test_search_by_title_lists_matches_and_opens_the_best(page: Page, demo_server: str) -> None:
    page.goto("/explore")
    _search(page, "large N limit of superconformal field theories")
    expect(page.locator("#results a.result").first).to_be_visible()
    best = page.locator("#results a.result").first.get_attribute("data-pith")
    assert best is not None
    _wait_loaded(page, best)
    expect(page.locator("#card-title")).to_contain_text("Superconformal", ignore_case=True)


def test_unknown_alias_says_so(page: Page) -> None:
    page.goto("/explore")
    _search(page, "qqqxxyz zzwwvvq")
    expect(page.locator("#message")).to_contain_text("No title matches")


def test_depth_and_direction_change_the_graph_and_a_click_opens_a_card(
    page: Page, demo_server: str
) -> None:
    start = _paper(demo_server, OLD_STYLE_ID)
    page.goto(f"/explore?q={OLD_STYLE_ID}&depth=1&direction=OUT")
    _wait_loaded(page, start["pithNumber"])
    graph = page.locator("#graph")
    out_1 = int(graph.get_attribute("data-nodes") or 0)
    assert out_1 == min(start["references"]["totalCount"], 100) + 1

    page.select_option("#direction", "BOTH")
    _wait_loaded(page, start["pithNumber"])
    both_1 = int(graph.get_attribute("data-nodes") or 0)
    assert both_1 > out_1
    page.select_option("#depth", "2")
    _wait_loaded(page, start["pithNumber"])
    assert int(graph.get_attribute("data-nodes") or 0) >= both_1
    assert "depth=2" in page.url and "direction=BOTH" in page.url

    # Click the first neighbour where the graph draws it: its card opens, the graph stays.
    target = page.evaluate(
        """() => {
            const node = window.pithExplorerGraph.nodes("[start != 'yes']")[0];
            const box = document.querySelector('#graph').getBoundingClientRect();
            const p = node.renderedPosition();
            return {id: node.id(), x: box.left + p.x, y: box.top + p.y};
        }"""
    )
    page.evaluate("delete document.body.dataset.loaded")
    page.mouse.click(target["x"], target["y"])
    _wait_loaded(page, target["id"])
    expect(page.locator("#card .pith-number")).to_have_text(target["id"])
    assert page.evaluate("window.pithExplorerGraph.$('node.selected').id()") == target["id"]
    expect(page.locator("#recentre")).to_be_visible()
    page.click("#recentre")
    _wait_loaded(page, target["id"])
    assert page.evaluate("window.pithExplorerGraph.$(\"node[start = 'yes']\").id()") == target["id"]


def test_references_page_forward_and_back_and_sort(page: Page, demo_server: str) -> None:
    start = _paper(demo_server, REVIEW_ID)
    total = start["references"]["totalCount"]
    assert total > 20
    page.goto(f"/explore?q={REVIEW_ID}&depth=1")
    _wait_loaded(page, start["pithNumber"])
    panel = page.locator("#refs-panel")
    expect(panel).to_have_attribute("data-total", str(total))
    page.select_option("#refs-size", "10")
    expect(panel).to_have_attribute("data-total", str(total))
    rows = page.locator("#refs-table tbody tr")
    expect(rows).to_have_count(10)
    first_page = rows.all_inner_texts()
    page.click("#refs-next")
    expect(panel).to_have_attribute("data-page", "2")
    expect(rows).to_have_count(10)
    assert rows.all_inner_texts() != first_page
    expect(page.locator("#refs-status")).to_contain_text(f"11\u201320 of {total}")
    page.click("#refs-prev")
    expect(panel).to_have_attribute("data-page", "1")
    assert rows.all_inner_texts() == first_page

    # Submitted: the server's order over all pages; the newest reference comes first.
    dates = page.locator("#refs-table tbody tr td:nth-child(5)")
    ascending = dates.all_inner_texts()
    page.click("#refs-table th[data-sort=submitted] button")
    expect(page.locator("#refs-table th[data-sort=submitted]")).to_contain_text("\u25bc")
    descending = dates.all_inner_texts()
    assert descending == sorted(descending, reverse=True) and descending[0] >= ascending[-1]
    # Title: sorts the page shown.
    page.click("#refs-table th[data-sort=title] button")
    titles = page.locator("#refs-table tbody tr td:nth-child(2)").all_inner_texts()
    assert titles == sorted(titles, key=str.casefold) or titles == sorted(titles)


def test_csv_download_has_every_reference(page: Page, demo_server: str, artifacts: Path) -> None:
    start = _paper(demo_server, OLD_STYLE_ID)
    page.goto(f"/explore?q={OLD_STYLE_ID}")
    _wait_loaded(page, start["pithNumber"])
    with page.expect_download() as info:
        page.click("#refs-csv")
    path = artifacts / "references-hep-th-9711200.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["position", "resolved", "pith_number", "arxiv_id"]
    assert len(rows) - 1 == start["references"]["totalCount"]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_citations_are_a_choice_of_the_table(page: Page, demo_server: str) -> None:
    start = _paper(demo_server, OLD_STYLE_ID)
    page.goto(f"/explore?q={OLD_STYLE_ID}&depth=1")
    _wait_loaded(page, start["pithNumber"])
    page.select_option("#refs-kind", "citations")
    expect(page.locator("#refs-panel")).to_have_attribute(
        "data-total", str(start["citations"]["totalCount"])
    )


def test_copy_button_copies_the_pith_number(page: Page, demo_server: str) -> None:
    start = _paper(demo_server, OLD_STYLE_ID)
    page.goto(f"/explore?q={OLD_STYLE_ID}")
    _wait_loaded(page, start["pithNumber"])
    page.click("#card .pith button.copy")
    expect(page.locator("#card .pith button.copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == start["pithNumber"]


def test_pith_page_is_a_card_for_browsers_and_json_for_clients(
    page: Page, demo_server: str
) -> None:
    founding = _paper(demo_server, f"pith:{FOUNDING_BODY}")
    response = page.goto(f"/pith/{FOUNDING_BODY}")
    assert response is not None and response.headers["content-type"].startswith("text/html")
    _wait_loaded(page, founding["pithNumber"])
    expect(page.locator("#card-title")).to_have_text(founding["title"])
    status, content_type, body = _get(f"{demo_server}/pith/{FOUNDING_BODY}", "application/json")
    assert status == 200 and content_type.startswith("application/json")
    assert json.loads(body)["pith_number"] == founding["pithNumber"]


def test_card_latex_and_badge_match_the_endpoints(page: Page, demo_server: str) -> None:
    founding = _paper(demo_server, f"pith:{FOUNDING_BODY}")
    page.goto("/explore?q=2603.13419")
    _wait_loaded(page, founding["pithNumber"])
    page.click("#card details.snippets summary")
    status, content_type, latex = _get(f"{demo_server}/pith/{FOUNDING_BODY}/latex")
    assert status == 200 and content_type.startswith("text/plain")
    assert page.locator("#card pre.latex").inner_text().strip() == latex.decode().strip()
    badge = page.locator("#card img.badge")
    expect(badge).to_be_visible()
    assert page.evaluate("document.querySelector('#card img.badge').naturalWidth") > 50
    status, content_type, svg = _get(f"{demo_server}/badge/{FOUNDING_BODY[:8]}.svg")
    assert status == 200 and content_type.startswith("image/svg+xml")
    assert f"pith:{FOUNDING_BODY[:8]}" in svg.decode()
    assert re.search(r"computed|anchored|attested|verified", svg.decode())
