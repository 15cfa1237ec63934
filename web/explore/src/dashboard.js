// /explore/dashboard: citations per year and related papers of the current paper, the category
// mix and the most cited papers of a filter, and a path finder drawn as a graph.
import { gql } from "./api.js";
import { DASHBOARD_PAPER, DASHBOARD_SET, CITATION_PATH } from "./dashboard_queries.js";
import { el, clear } from "./dom.js";
import { DashboardChart, categorySeries, yearSeries } from "./charts.js";
import { PathGraph } from "./pathgraph.js";

const TOP = 10;
const RELATED = 10;
const $ = (selector) => document.querySelector(selector);

const state = { paper: null };

function say(text, kind = "info") {
  const box = $("#message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

function arxiv(p) {
  return p.source ? `${p.source.id}v${p.source.version}` : "";
}

function paperLink(p) {
  return el("a", { href: `/explore/dashboard?q=${encodeURIComponent(p.pithNumber)}`, class: "paper", "data-pith": p.pithNumber,
    onclick: (ev) => { ev.preventDefault(); openPaper(p.pithNumber); } }, p.title || p.pithNumber);
}

// The filter of the set panels, from the form (empty fields are no filter).
export function filterFromForm(form) {
  const flt = {};
  const cats = form.category.value.split(/[\s,]+/).filter(Boolean);
  if (cats.length) flt.categories = cats;
  if (form.primaryOnly.checked) flt.primaryOnly = true;
  for (const key of ["yearFrom", "yearTo", "citedByAtLeast"]) {
    const value = form[key].value.trim();
    if (value) flt[key] = Number(value);
  }
  return flt;
}

function table(id, head, rows) {
  const box = $(id);
  clear(box);
  box.append(el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
  box.dataset.rows = String(rows.length);
}

async function loadSet() {
  const panel = $("#set-panel");
  panel.setAttribute("aria-busy", "true");
  const flt = filterFromForm($("#filter-form"));
  try {
    const data = await gql(DASHBOARD_SET, { filter: flt, first: TOP });
    const cats = categorySeries(data.categories.groups);
    categoryChart.show(cats.labels, cats.counts, "papers");
    $("#category-status").textContent = `${data.categories.total} paper${data.categories.total === 1 ? "" : "s"} by primary category`;
    const years = yearSeries(data.citations.groups.map((g) => ({ year: Number(g.key), count: g.count })));
    setCitationsChart.show(years.labels, years.counts, "citations");
    $("#set-citations-status").textContent = `${data.citations.total} citation${data.citations.total === 1 ? "" : "s"} into them, by the citing paper's year`;
    table("#top-table", ["#", "Title", "arXiv", "Category", "Year", "Cited by"],
      data.papers.edges.map((e, i) => [String(i + 1), paperLink(e.node), arxiv(e.node), e.node.primaryCat,
        String(e.node.year), String(e.node.citationCount)]));
  } catch (err) {
    say(err.message, "error");
  } finally {
    panel.setAttribute("aria-busy", "false");
  }
}

async function loadPaper(alias) {
  const by = $("#related-by").value;
  const result = (await gql(DASHBOARD_PAPER, { alias, by, first: RELATED })).resolve;
  if (result.status !== "FOUND") {
    say(result.reason || `Nothing is registered under ${alias}.`, "error");
    return null;
  }
  const p = result.paper;
  state.paper = p;
  document.title = `Dashboard \u00b7 ${p.title}`;
  const head = $("#paper-head");
  clear(head);
  head.dataset.pith = p.pithNumber;
  head.append(el("h2", { id: "paper-title" }, p.title),
    el("p", { class: "meta" }, `${arxiv(p)} \u00b7 ${p.primaryCat} \u00b7 ${p.year} \u00b7 cited by ${p.citationCount} \u00b7 cites ${p.referenceCount} \u00b7 `,
      el("a", { href: `/explore?q=${encodeURIComponent(p.pithNumber)}`, id: "explorer-link" }, "open in the explorer")));
  const years = yearSeries(p.citationsByYear);
  citationsChart.show(years.labels, years.counts, "citing papers");
  $("#citations-status").textContent = `${p.citationCount} citing paper${p.citationCount === 1 ? "" : "s"} by year of submission`;
  const rel = p.related;
  table("#related-table", ["Score", "Title", "arXiv", "Shared"],
    rel.edges.map((e) => [String(e.score), paperLink(e.node), arxiv(e.node),
      el("span", { class: "shared" }, e.shared.map((s) => s.source.id).join(", "))]));
  $("#related-status").textContent = `${rel.totalCount} related paper${rel.totalCount === 1 ? "" : "s"} by ${by === "COCITATION" ? "co-citation" : "bibliographic coupling"}; showing ${rel.edges.length}`;
  if (!$("#path-from").value) $("#path-from").value = p.pithNumber;
  $("#paper-panels").hidden = false;
  return p;
}

async function openPaper(alias, { push = true } = {}) {
  delete document.body.dataset.dashboardLoaded;
  say("");
  try {
    const p = await loadPaper(alias);
    if (!p) return;
    if (push) {
      const url = new URL(window.location.href);
      url.searchParams.set("q", p.pithNumber);
      window.history.pushState({}, "", url);
    }
    $("#q").value = p.pithNumber;
    document.body.dataset.dashboardLoaded = p.pithNumber;
  } catch (err) {
    say(err.message, "error");
  }
}

async function findPath() {
  const from = $("#path-from").value.trim();
  const to = $("#path-to").value.trim();
  const status = $("#path-status");
  delete document.body.dataset.pathFound;
  if (!from || !to) {
    status.textContent = "Give two papers (any alias).";
    return;
  }
  status.textContent = "Searching\u2026";
  try {
    const data = await gql(CITATION_PATH, { from, to, maxDepth: Number($("#path-depth").value), directed: $("#path-directed").checked });
    const path = data.citationPath;
    if (!path.found) {
      pathGraph.clear();
      status.textContent = `No citation chain of at most ${$("#path-depth").value} steps.`;
      document.body.dataset.pathFound = "none";
      return;
    }
    const forward = path.citations.map((c, i) => c.source === path.papers[i].pithNumber);
    pathGraph.show(path.papers, forward);
    status.textContent = `${path.length} citation${path.length === 1 ? "" : "s"}: ` +
      path.papers.map((p) => arxiv(p)).join(forward.every(Boolean) ? " \u2192 " : " \u2014 ");
    document.body.dataset.pathFound = String(path.length);
  } catch (err) {
    pathGraph.clear();
    status.textContent = err.message;
    document.body.dataset.pathFound = "error";
  }
}

const citationsChart = new DashboardChart($("#citations-chart"), "bar");
const categoryChart = new DashboardChart($("#category-chart"), "doughnut");
const setCitationsChart = new DashboardChart($("#set-citations-chart"), "bar");
const pathGraph = new PathGraph($("#path-graph"), (pith) => openPaper(pith));

$("#search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $("#q").value.trim();
  if (q) openPaper(q);
});
$("#filter-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const url = new URL(window.location.href);
  const flt = filterFromForm($("#filter-form"));
  for (const key of ["category", "primaryOnly", "yearFrom", "yearTo", "citedByAtLeast"]) url.searchParams.delete(key);
  if (flt.categories) url.searchParams.set("category", flt.categories.join(","));
  for (const key of ["primaryOnly", "yearFrom", "yearTo", "citedByAtLeast"]) if (flt[key] !== undefined) url.searchParams.set(key, String(flt[key]));
  window.history.replaceState({}, "", url);
  delete document.body.dataset.setLoaded;
  loadSet().then(() => { document.body.dataset.setLoaded = "yes"; });
});
$("#related-by").addEventListener("change", () => { if (state.paper) openPaper(state.paper.pithNumber, { push: false }); });
$("#path-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  findPath();
});

function start() {
  const params = new URLSearchParams(window.location.search);
  const form = $("#filter-form");
  form.category.value = params.get("category") || "";
  form.primaryOnly.checked = params.get("primaryOnly") === "true";
  for (const key of ["yearFrom", "yearTo", "citedByAtLeast"]) form[key].value = params.get(key) || "";
  if (params.get("to")) $("#path-to").value = params.get("to");
  const q = params.get("q") || "";
  $("#q").value = q;
  loadSet().then(() => { document.body.dataset.setLoaded = "yes"; });
  if (q) openPaper(q, { push: false });
}

start();
document.body.dataset.ready = "yes";
