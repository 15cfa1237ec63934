"""The HTML shell of the explorer: ``/explore`` and the browser view of ``/pith/<number>``.

The page is static markup plus the committed bundle in ``pith_graph/static/explore/`` (built by
``make explorer`` from ``web/explore/``); the script fills it from ``/graphql`` only. Asset URLs
carry the bundle's input hash so that browsers never keep a stale script.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from pathlib import Path

__all__ = ["STATIC_DIR", "STATIC_PREFIX", "bundle_version", "explorer_page"]

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "explore"
STATIC_PREFIX = "/static/explore"


@lru_cache(maxsize=1)
def bundle_version() -> str:
    build = json.loads((STATIC_DIR / "BUILD.json").read_text(encoding="utf-8"))
    return str(build["inputs_sha256"])[:12]


def explorer_page(*, title: str, initial_query: str = "", card_html: str = "") -> str:
    """The whole page; ``card_html`` (already escaped) is shown until the script takes over."""
    version = bundle_version()
    # Until a paper is chosen there is nothing to draw; the script shows the panels.
    panels_hidden = "" if initial_query else " hidden"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{STATIC_PREFIX}/explore.css?v={version}">
<script defer src="{STATIC_PREFIX}/explore.js?v={version}"></script>
</head>
<body data-initial-query="{escape(initial_query)}">
<header>
  <a class="brand" href="/explore">pith-graph explorer</a>
  <form id="search-form" role="search" action="/explore" method="get">
    <input id="q" name="q" type="search" autocomplete="off" value="{escape(initial_query)}"
      placeholder="pith number, arXiv id (hep-th/9711200, 2603.13419), DOI or title words"
      aria-label="pith number, arXiv id, DOI or title words">
    <button type="submit" id="search-button">Search</button>
  </form>
</header>
<main>
  <p id="message" role="status" hidden></p>
  <section id="results" class="panel" hidden></section>
  <div id="top">
    <section id="card" class="panel"{"" if card_html else " hidden"}>{card_html}</section>
    <section id="graph-panel" class="panel"{panels_hidden}>
      <div class="controls">
        <label>Depth <select id="depth"><option>1</option><option selected>2</option><option>3</option></select></label>
        <label>Direction <select id="direction">
          <option value="BOTH" selected>both</option>
          <option value="OUT">references (out)</option>
          <option value="IN">citing papers (in)</option>
        </select></label>
        <label>Layout <select id="layout">
          <option value="rings" selected>rings by distance</option>
          <option value="force">force-directed</option>
        </select></label>
        <span id="graph-status"></span>
      </div>
      <div id="graph" aria-label="citation neighborhood graph"></div>
      <div id="legend" aria-label="primary categories"></div>
    </section>
  </div>
  <section id="refs-panel" class="panel"{panels_hidden}>
    <div class="controls">
      <label>Show <select id="refs-kind">
        <option value="references" selected>references</option>
        <option value="citations">citations</option>
      </select></label>
      <label>Rows <select id="refs-size"><option>10</option><option selected>25</option><option>50</option><option>100</option></select></label>
      <button type="button" id="refs-prev" disabled>&larr; Previous</button>
      <button type="button" id="refs-next" disabled>Next &rarr;</button>
      <button type="button" id="refs-csv" disabled>Download CSV</button>
      <span id="refs-status"></span>
    </div>
    <table id="refs-table"></table>
  </section>
</main>
</body>
</html>
"""
