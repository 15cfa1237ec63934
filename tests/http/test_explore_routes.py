"""The explorer's HTTP routes: the page, its static bundle, badges and the LaTeX snippet."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from _api_seed import CENTRE, FOUNDING_PITH, SeededGraph
from starlette.testclient import TestClient

from pith_graph.http.explore_page import bundle_version

BODY = FOUNDING_PITH.split(":")[2]
SVG = "{http://www.w3.org/2000/svg}"


def test_explore_page_loads_the_bundle_from_the_app(http: TestClient) -> None:
    page = http.get("/explore?q=hep-th/9711200")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'/static/explore/explore.js?v={bundle_version()}' in page.text
    assert 'data-initial-query="hep-th/9711200"' in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "")  # no CDN, no absolute URL
    script = http.get(f"/static/explore/explore.js?v={bundle_version()}")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert http.get("/static/explore/explore.css").status_code == 200


def test_explore_page_escapes_the_query(http: TestClient) -> None:
    page = http.get('/explore', params={"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.text


def test_pith_html_is_the_card_with_chips(seeded: SeededGraph, http: TestClient) -> None:
    html = http.get(f"/pith/{BODY}", headers={"Accept": "text/html"})
    assert html.status_code == 200
    for chip in ("attested", "anchored", "stored", "refs"):
        assert f'data-chip="{chip}"' in html.text
    assert "\\pithnumber{" + BODY + "}" in html.text
    assert f'data-initial-query="{FOUNDING_PITH}"' in html.text
    assert http.get(f"/pith/{BODY}", headers={"Accept": "application/json"}).json()[
        "pith_number"
    ] == FOUNDING_PITH


@pytest.mark.parametrize("suffix", [BODY, "XTYU6EUZ", "pith:XTYU6EUZ", FOUNDING_PITH, "2603.13419"])
def test_badge_for_any_alias(seeded: SeededGraph, http: TestClient, suffix: str) -> None:
    response = http.get(f"/badge/{suffix}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.text)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "pith:XTYU6EUZ" and texts[1] in {"computed", "anchored", "unverified"}


def test_badge_of_an_old_style_id(seeded: SeededGraph, http: TestClient) -> None:
    response = http.get(f"/badge/{CENTRE}.svg")
    assert response.status_code == 200 and "pith:" in response.text


def test_badge_errors_are_badges_or_json(seeded: SeededGraph, http: TestClient) -> None:
    missing = http.get("/badge/hep-th/9901999.svg")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("image/svg")
    assert "not found" in missing.text
    ET.fromstring(missing.text)
    as_json = http.get("/badge/hep-th/9901999.svg", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json()["error"]["code"] == "NOT_FOUND"
    invalid = http.get("/badge/not-an-alias!.svg")
    assert invalid.status_code == 400 and "invalid" in invalid.text


def test_latex_snippet(seeded: SeededGraph, http: TestClient) -> None:
    response = http.get("/pith/2603.13419/latex")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert "\\usepackage{pith}" in response.text
    assert "\\pithnumber{" + BODY + "}" in response.text
    missing = http.get("/pith/hep-th/9901999/latex")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


def test_bundle_and_record_routes_still_answer(seeded: SeededGraph, http: TestClient) -> None:
    # The explorer's /pith/…/latex sits before reference_routes' catch-all without shadowing it.
    assert http.get(f"/pith/{BODY}.json").json()["pith_number"] == FOUNDING_PITH
    assert http.get(f"/pith/{BODY}/bundle.json").status_code == 200
