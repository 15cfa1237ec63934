// The path finder's drawing: the chain of papers left to right, each citing the next.
import cytoscape from "cytoscape";
import { categoryColour, nodeSize } from "./graph.js";

export function pathElements(papers, directedEdges) {
  const nodes = papers.map((p, i) => ({
    data: {
      id: p.pithNumber, label: p.source ? p.source.id : p.shortPithNumber, title: p.title,
      colour: categoryColour(p.primaryCat), size: nodeSize(p.citationCount), end: i === 0 || i === papers.length - 1 ? "yes" : "no",
    },
    position: { x: i * 140, y: (i % 2) * 40 },
  }));
  const edges = [];
  for (let i = 0; i + 1 < papers.length; i += 1) {
    const [a, b] = directedEdges[i] ? [papers[i], papers[i + 1]] : [papers[i + 1], papers[i]];
    edges.push({ data: { id: `${a.pithNumber}->${b.pithNumber}`, source: a.pithNumber, target: b.pithNumber } });
  }
  return [...nodes, ...edges];
}

const STYLE = [
  { selector: "node", style: {
    "background-color": "data(colour)", width: "data(size)", height: "data(size)", label: "data(label)",
    "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, "border-width": 1, "border-color": "#fff" } },
  { selector: "node[end = 'yes']", style: { "border-width": 4, "border-color": "#111" } },
  { selector: "edge", style: {
    width: 2, "line-color": "#888", "target-arrow-color": "#888", "target-arrow-shape": "triangle",
    "curve-style": "bezier" } },
];

export class PathGraph {
  constructor(container, onOpen) {
    this.container = container;
    this.onOpen = onOpen;
    this.cy = null;
  }

  show(papers, directedEdges) {
    if (this.cy) this.cy.destroy();
    this.cy = cytoscape({
      container: this.container, elements: pathElements(papers, directedEdges), style: STYLE,
      layout: { name: "preset", padding: 30 }, minZoom: 0.2, maxZoom: 2,
    });
    this.cy.on("tap", "node", (event) => this.onOpen(event.target.id()));
    this.container.dataset.nodes = String(this.cy.nodes().length);
    this.container.dataset.edges = String(this.cy.edges().length);
    window.pithPathGraph = this.cy;
  }

  clear() {
    if (this.cy) this.cy.destroy();
    this.cy = null;
    this.container.dataset.nodes = "0";
    this.container.dataset.edges = "0";
  }
}
