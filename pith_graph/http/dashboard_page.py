"""The HTML shell of the dashboard view, ``/explore/dashboard`` (``?q=`` any alias: the current
paper; ``category``, ``primaryOnly``, ``yearFrom``, ``yearTo``, ``citedByAtLeast``: the filter of
the category mix and the most cited papers; ``to``: the path finder's other end).

Static markup plus the committed bundle (``dashboard.js`` of ``make explorer``); the script fills
it from ``/graphql`` only: ``Paper.citationsByYear`` and ``related``, ``aggregate``, ``papers``
and ``citationPath``.
"""

from __future__ import annotations

from html import escape

from pith_graph.http.explore_page import STATIC_PREFIX, bundle_version

__all__ = ["dashboard_page"]


def dashboard_page(*, initial_query: str = "") -> str:
    version = bundle_version()
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pith-graph dashboard</title>
<link rel="stylesheet" href="{STATIC_PREFIX}/explore.css?v={version}">
<link rel="stylesheet" href="{STATIC_PREFIX}/dashboard.css?v={version}">
<script defer src="{STATIC_PREFIX}/dashboard.js?v={version}"></script>
</head>
<body data-view="dashboard">
<header>
  <a class="brand" href="/explore">pith-graph explorer</a> <span>dashboard</span>
  <form id="search-form" role="search" action="/explore/dashboard" method="get">
    <input id="q" name="q" type="search" autocomplete="off" value="{escape(initial_query)}"
      placeholder="the current paper: pith number, arXiv id or DOI"
      aria-label="the current paper: pith number, arXiv id or DOI">
    <button type="submit" id="search-button">Open</button>
  </form>
</header>
<main>
  <p id="message" role="status" hidden></p>
  <section id="paper-panels" hidden>
    <div id="paper-head" class="panel"></div>
    <div class="dash-grid">
      <section class="panel" id="citations-panel">
        <h3>Citations per year</h3>
        <div class="chart-box"><canvas id="citations-chart" aria-label="citations per year"></canvas></div>
        <p id="citations-status" class="dash-status"></p>
      </section>
      <section class="panel" id="related-panel">
        <h3>Related papers
          <select id="related-by" aria-label="related by">
            <option value="COCITATION" selected>co-cited with it</option>
            <option value="COUPLING">sharing its references</option>
          </select></h3>
        <table id="related-table" class="dash"></table>
        <p id="related-status" class="dash-status"></p>
      </section>
    </div>
  </section>
  <section id="set-panel" class="panel">
    <h3>The registry, filtered</h3>
    <form id="filter-form">
      <label>Categories <input name="category" type="text" placeholder="hep-th, gr-qc"></label>
      <label><input name="primaryOnly" type="checkbox"> primary only</label>
      <label>From <input name="yearFrom" type="number" min="0" max="9999"></label>
      <label>to <input name="yearTo" type="number" min="0" max="9999"></label>
      <label>Cited by at least <input name="citedByAtLeast" type="number" min="0"></label>
      <button type="submit" id="filter-button">Apply</button>
    </form>
    <div class="dash-grid">
      <div>
        <h3>Category mix</h3>
        <div class="chart-box"><canvas id="category-chart" aria-label="papers by primary category"></canvas></div>
        <p id="category-status" class="dash-status"></p>
      </div>
      <div>
        <h3>Citations into them per year</h3>
        <div class="chart-box"><canvas id="set-citations-chart" aria-label="citations per year of the filtered papers"></canvas></div>
        <p id="set-citations-status" class="dash-status"></p>
      </div>
    </div>
    <h3>Most cited</h3>
    <table id="top-table" class="dash"></table>
  </section>
  <section id="path-panel" class="panel">
    <h3>Path finder</h3>
    <form id="path-form">
      <input id="path-from" type="text" aria-label="from (any alias)" placeholder="from: any alias">
      <input id="path-to" type="text" aria-label="to (any alias)" placeholder="to: any alias">
      <label>at most <select id="path-depth"><option>2</option><option>3</option><option selected>4</option><option>6</option><option>8</option></select> steps</label>
      <label><input id="path-directed" type="checkbox" checked> following citations only</label>
      <button type="submit" id="path-button">Find a path</button>
    </form>
    <div id="path-graph" aria-label="citation path"></div>
    <p id="path-status" class="dash-status"></p>
  </section>
</main>
</body>
</html>
"""
