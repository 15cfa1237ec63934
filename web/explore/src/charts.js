// Charts of the dashboard (Chart.js, bundled and pinned; registered piecemeal to keep it small).
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend,
  LinearScale, Tooltip,
} from "chart.js";

// Slices by rank, so that neighbouring slices never share a colour.
const SLICES = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#bcbd22", "#17becf", "#393b79",
];

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend,
  LinearScale, Tooltip);

// Years without citations are shown as zero bars, so the time axis is not distorted.
export function yearSeries(byYear) {
  if (!byYear.length) return { labels: [], counts: [] };
  const counts = new Map(byYear.map((y) => [Number(y.year), y.count]));
  const years = [...counts.keys()];
  const labels = [];
  const values = [];
  for (let y = Math.min(...years); y <= Math.max(...years); y += 1) {
    labels.push(String(y));
    values.push(counts.get(y) || 0);
  }
  return { labels, counts: values };
}

// At most `top` slices; the rest are summed as "other".
export function categorySeries(groups, top = 10) {
  const head = groups.slice(0, top);
  const rest = groups.slice(top).reduce((sum, g) => sum + g.count, 0);
  const labels = head.map((g) => g.key || "?");
  const counts = head.map((g) => g.count);
  if (rest) {
    labels.push("other");
    counts.push(rest);
  }
  return { labels, counts };
}

export class DashboardChart {
  constructor(canvas, kind) {
    this.canvas = canvas;
    this.kind = kind;
    this.chart = null;
  }

  show(labels, counts, label) {
    if (this.chart) this.chart.destroy();
    const colours = this.kind === "doughnut"
      ? labels.map((l, i) => (l === "other" ? "#cccccc" : SLICES[i % SLICES.length]))
      : "#2456a6";
    this.chart = new Chart(this.canvas, {
      type: this.kind,
      data: { labels, datasets: [{ label, data: counts, backgroundColor: colours }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: this.kind === "doughnut", position: "right" } },
        ...(this.kind === "bar" ? { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } : {}),
      },
    });
    // What is drawn, for tests and scripts: the labels and values of the one data set.
    this.canvas.dataset.labels = JSON.stringify(labels);
    this.canvas.dataset.counts = JSON.stringify(counts);
  }
}
