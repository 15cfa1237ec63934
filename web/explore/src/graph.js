// The citation-neighborhood graph: nodes coloured by primary category, sized by citations.
import cytoscape from "cytoscape";
import { el, clear } from "./dom.js";

const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
];

// A category keeps its colour across graphs: the colour comes from its name.
export function categoryColour(category) {
  let hash = 0;
  for (const ch of category || "") hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

export function nodeSize(citations) {
  return Math.round(8 + 4 * Math.log2(1 + (citations || 0)));
}

function nodeData(paper, distance) {
  return {
    id: paper.pithNumber,
    label: paper.source ? paper.source.id : paper.shortPithNumber,
    title: paper.title,
    category: paper.primaryCat,
    colour: categoryColour(paper.primaryCat),
    citations: paper.citations ? paper.citations.totalCount : 0,
    size: nodeSize(paper.citations ? paper.citations.totalCount : 0),
    distance,
  };
}

export function toElements(hood) {
  const nodes = [{ data: { ...nodeData(hood.start, 0), start: "yes" } }];
  for (const n of hood.nodes) nodes.push({ data: nodeData(n.paper, n.distance) });
  const present = new Set(nodes.map((n) => n.data.id));
  const edges = hood.edges
    .filter((e) => present.has(e.source) && present.has(e.target))
    .map((e) => ({ data: { id: `${e.source}->${e.target}`, source: e.source, target: e.target } }));
  return [...nodes, ...edges];
}

const STYLE = [
  { selector: "node", style: {
    "background-color": "data(colour)", width: "data(size)", height: "data(size)",
    label: "data(label)", "font-size": 8, color: "#333", "text-valign": "bottom",
    "text-margin-y": 2, "border-width": 1, "border-color": "#fff" } },
  { selector: "node[start = 'yes']", style: { "border-width": 4, "border-color": "#111" } },
  { selector: "node.selected", style: { "border-width": 4, "border-color": "#f5c400" } },
  { selector: "edge", style: {
    width: 1, "line-color": "#bbb", "target-arrow-color": "#bbb",
    "target-arrow-shape": "triangle", "arrow-scale": 0.6, "curve-style": "bezier" } },
];

// Rings around the start paper: nearer hops inside, and within a hop the much-cited papers
// inside (one ring per band of node sizes), so a hundred neighbours make a few compact rings.
// Quick to compute; "force" (cose) shows clusters but takes seconds on a busy CPU.
const RING_BAND = 12;
export const LAYOUTS = {
  rings: {
    name: "concentric", animate: false, padding: 20, minNodeSpacing: 4,
    concentric: (node) => (4 - node.data("distance")) * 1000 + node.data("size"),
    levelWidth: () => RING_BAND,
  },
  force: {
    name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: false,
    nodeRepulsion: () => 8000, idealEdgeLength: () => 60, numIter: 500, padding: 20,
  },
};

export class NeighborhoodGraph {
  constructor(container, legend, onSelect) {
    this.container = container;
    this.legend = legend;
    this.onSelect = onSelect;
    this.cy = null;
  }

  show(hood, layout = "rings") {
    const elements = toElements(hood);
    if (this.cy) this.cy.destroy();
    this.cy = cytoscape({
      container: this.container,
      elements,
      style: STYLE,
      layout: LAYOUTS[layout] || LAYOUTS.rings,
      minZoom: 0.1,
      maxZoom: 4,
      wheelSensitivity: 0.3,
    });
    // A lone paper or a small graph would be blown up to the maximum zoom by the fit.
    if (this.cy.zoom() > 1.5) {
      this.cy.zoom(1.5);
      this.cy.center();
    }
    this.cy.on("tap", "node", (event) => {
      this.select(event.target.id());
      this.onSelect(event.target.id());
    });
    this.container.dataset.nodes = String(this.cy.nodes().length);
    this.container.dataset.edges = String(this.cy.edges().length);
    this.renderLegend(elements);
    this.container.dataset.layout = layout;
    // Tests and scripts read the graph through this handle (no private state).
    window.pithExplorerGraph = this.cy;
  }

  relayout(layout) {
    if (!this.cy) return;
    this.cy.layout(LAYOUTS[layout] || LAYOUTS.rings).run();
    this.container.dataset.layout = layout;
  }

  select(id) {
    if (!this.cy) return;
    this.cy.nodes().removeClass("selected");
    this.cy.getElementById(id).addClass("selected");
  }

  renderLegend(elements) {
    const counts = new Map();
    for (const e of elements) {
      if (e.data.category === undefined) continue;
      counts.set(e.data.category, (counts.get(e.data.category) || 0) + 1);
    }
    clear(this.legend);
    for (const [category, count] of [...counts].sort((a, b) => b[1] - a[1])) {
      this.legend.append(el("span", { class: "legend-item" },
        el("span", { class: "swatch", style: `background:${categoryColour(category)}` }),
        `${category || "?"} (${count})`));
    }
  }
}
