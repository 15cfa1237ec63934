// /explore and /pith/<number>: search, the card, the neighborhood graph and the table.
import { gql } from "./api.js";
import { RESOLVE, SEARCH, NEIGHBORHOOD } from "./queries.js";
import { el, clear } from "./dom.js";
import { renderCard } from "./card.js";
import { NeighborhoodGraph } from "./graph.js";
import { NeighbourTable } from "./refs.js";

const GRAPH_LIMIT = 100;
const SEARCH_PAGE = 20;

const $ = (selector) => document.querySelector(selector);

const state = { centre: null, paper: null };

function say(text, kind = "info") {
  const box = $("#message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

// Marks the page settled on a paper (card, table and graph drawn): tests and timings wait for it.
function loaded(pith) {
  document.body.dataset.readyAt = String(performance.now());
  document.body.dataset.loaded = pith;
}

function setUrl(params, replace = false) {
  const url = new URL(window.location.href);
  if (!url.pathname.startsWith("/explore")) url.pathname = "/explore";
  url.search = new URLSearchParams(params).toString();
  if (replace) window.history.replaceState(params, "", url);
  else window.history.pushState(params, "", url);
}

function graphParams() {
  return { depth: Number($("#depth").value), direction: $("#direction").value };
}

function showResults(title, papers) {
  const box = $("#results");
  clear(box);
  if (!papers.length) {
    box.hidden = true;
    return;
  }
  box.append(el("h2", {}, title), el("ol", {}, papers.map((p) => el("li", {},
    el("a", { href: `/pith/${p.pithNumber.split(":").pop()}`, class: "result", "data-pith": p.pithNumber,
      onclick: (ev) => { ev.preventDefault(); openAlias(p.pithNumber, { recentre: true }); } }, p.title),
    " ", el("span", { class: "meta" }, `${p.source.id}v${p.source.version} \u00b7 ${p.primaryCat} \u00b7 ${p.year}`)))));
  box.hidden = false;
}

async function loadGraph(pith) {
  const { depth, direction } = graphParams();
  const panel = $("#graph-panel");
  panel.setAttribute("aria-busy", "true");
  try {
    const asked = performance.now();
    const data = await gql(NEIGHBORHOOD, { alias: pith, depth, direction, limit: GRAPH_LIMIT });
    const hood = data.citationNeighborhood;
    const answered = performance.now();
    state.centre = hood.start.pithNumber;
    graph.show(hood, $("#layout").value);
    // Where the time goes, for scripts/explore_load_time.py: the query, then layout and drawing.
    document.body.dataset.graphQueryMs = String(answered - asked);
    document.body.dataset.graphDrawMs = String(performance.now() - answered);
    const button = $("#recentre");
    if (button) button.hidden = !state.paper || state.paper.pithNumber === state.centre;
    if (state.paper) graph.select(state.paper.pithNumber);
    $("#graph-status").textContent =
      `${hood.nodes.length + 1} paper${hood.nodes.length ? "s" : ""}, ${hood.edges.length} citation${hood.edges.length === 1 ? "" : "s"} within ${depth} hop${depth > 1 ? "s" : ""} ` +
      `(${direction.toLowerCase()}) of ${hood.start.source.id}${hood.truncated ? ` \u00b7 cut at ${GRAPH_LIMIT + 1} papers` : ""}`;
  } catch (err) {
    $("#graph-status").textContent = `Could not load the neighborhood: ${err.message}`;
  } finally {
    panel.setAttribute("aria-busy", "false");
  }
}

function showPaper(paper) {
  state.paper = paper;
  document.title = `${paper.title} \u00b7 ${paper.shortPithNumber}`;
  renderCard($("#card"), paper);
  const centre = el("button", { type: "button", id: "recentre", onclick: () => recentre() }, "Centre the graph here");
  centre.hidden = state.centre === paper.pithNumber;
  $("#card").append(centre);
  $("#card").hidden = false;
  $("#graph-panel").hidden = false;
  $("#refs-panel").hidden = false;
  return table.open(paper.pithNumber);
}

function recentre() {
  if (!state.paper) return;
  setUrl({ q: state.paper.pithNumber, ...graphParams() });
  $("#recentre").hidden = true;
  delete document.body.dataset.loaded;
  const pith = state.paper.pithNumber;
  return loadGraph(pith).then(() => loaded(pith));
}

// Open the card of one alias; with recentre, also redraw the graph around it.
async function openAlias(alias, { recentre: redraw = false, push = true } = {}) {
  delete document.body.dataset.loaded;
  say("");
  try {
    const result = (await gql(RESOLVE, { alias })).resolve;
    if (result.status !== "FOUND") {
      say(result.reason || `Nothing is registered under ${alias}.`, "error");
      return;
    }
    const tableLoaded = showPaper(result.paper);
    graph.select(result.paper.pithNumber);
    if (redraw) {
      if (push) setUrl({ q: result.paper.pithNumber, ...graphParams() });
      await loadGraph(result.paper.pithNumber);
    }
    await tableLoaded;
    loaded(result.paper.pithNumber);
  } catch (err) {
    say(err.message, "error");
  }
}

async function search(query, { push = true } = {}) {
  const q = query.trim();
  if (!q) return;
  delete document.body.dataset.loaded;
  say(`Looking up \u201c${q}\u201d\u2026`);
  if (push) setUrl({ q, ...graphParams() });
  let result;
  try {
    result = (await gql(RESOLVE, { alias: q })).resolve;
  } catch (err) {
    say(err.message, "error");
    return;
  }
  if (result.status === "FOUND") {
    showResults("", []);
    say("");
    await Promise.all([showPaper(result.paper), loadGraph(result.paper.pithNumber)]);
    loaded(result.paper.pithNumber);
    return;
  }
  if (result.status === "AMBIGUOUS") {
    say(`\u201c${q}\u201d names several papers: pick one.`);
    showResults("Candidates", result.candidates);
    return;
  }
  // Not an identifier we know: read it as words of a title.
  try {
    const hits = (await gql(SEARCH, { title: q, first: SEARCH_PAGE })).search;
    const papers = hits.edges.map((e) => e.node);
    if (!papers.length) {
      showResults("", []);
      say(result.status === "INVALID" ? `No title matches \u201c${q}\u201d (and as an identifier: ${result.reason})`
        : `Nothing found for \u201c${q}\u201d.`, "error");
      return;
    }
    say(`${hits.totalCount} title${hits.totalCount === 1 ? "" : "s"} match \u201c${q}\u201d; showing the best ${papers.length}.`);
    showResults("Titles", papers);
    await openAlias(papers[0].pithNumber, { recentre: true, push: false });
  } catch (err) {
    say(err.message, "error");
  }
}

const graph = new NeighborhoodGraph($("#graph"), $("#legend"), (pith) => {
  openAlias(pith);
});
const table = new NeighbourTable($("#refs-panel"), (pith) => openAlias(pith, { recentre: true }));

$("#search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  search($("#q").value);
});
for (const id of ["#depth", "#direction"]) {
  $(id).addEventListener("change", () => {
    if (state.centre) {
      setUrl({ q: state.centre, ...graphParams() }, true);
      delete document.body.dataset.loaded;
      const centre = state.centre;
      loadGraph(centre).then(() => loaded(centre));
    }
  });
}
$("#layout").addEventListener("change", () => graph.relayout($("#layout").value));
window.addEventListener("popstate", () => start(false));

function start(push) {
  const params = new URLSearchParams(window.location.search);
  if (params.get("depth")) $("#depth").value = params.get("depth");
  if (params.get("direction")) $("#direction").value = params.get("direction");
  const q = params.get("q") || document.body.dataset.initialQuery || "";
  $("#q").value = q;
  if (q) search(q, { push });
}

start(false);
document.body.dataset.ready = "yes";
