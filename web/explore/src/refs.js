// The references (or citations) table: keyset paging, sorting and a CSV download.
import { gql } from "./api.js";
import { neighboursPage } from "./queries.js";
import { el, clear } from "./dom.js";
import { toCsv } from "./csv.js";

const MAX_CSV_ROWS = 10000;
const CSV_PAGE = 100;

const COLUMNS = [
  { key: "position", label: "#", value: (r) => (r.position ?? "") },
  { key: "title", label: "Title", value: (r) => (r.node ? r.node.title : r.raw || "") },
  { key: "arxiv", label: "arXiv", value: (r) => (r.node ? r.node.source.id : r.work ? r.work.value : "") },
  { key: "category", label: "Category", value: (r) => (r.node ? r.node.primaryCat : "") },
  { key: "submitted", label: "Submitted", value: (r) => (r.node ? r.node.submittedAt.slice(0, 10) : "") },
  { key: "pith", label: "Pith", value: (r) => (r.node ? r.node.shortPithNumber : "unregistered") },
];

export function csvRows(edges) {
  const header = ["position", "resolved", "pith_number", "arxiv_id", "version", "title",
    "primary_cat", "submitted_at", "work_kind", "work_value", "raw"];
  const rows = edges.map((e) => [
    e.position ?? "", e.resolved, e.node ? e.node.pithNumber : "", e.node ? e.node.source.id : "",
    e.node ? e.node.source.version : "", e.node ? e.node.title : "", e.node ? e.node.primaryCat : "",
    e.node ? e.node.submittedAt : "", e.work ? e.work.kind : "", e.work ? e.work.value : "", e.raw ?? "",
  ]);
  return [header, ...rows];
}

export class NeighbourTable {
  constructor(root, onOpen) {
    this.root = root;
    this.onOpen = onOpen;
    this.table = root.querySelector("#refs-table");
    this.status = root.querySelector("#refs-status");
    this.prev = root.querySelector("#refs-prev");
    this.next = root.querySelector("#refs-next");
    this.kindSelect = root.querySelector("#refs-kind");
    this.sizeSelect = root.querySelector("#refs-size");
    this.csv = root.querySelector("#refs-csv");
    this.alias = null;
    this.order = "SUBMITTED_ASC";
    this.clientSort = null; // {key, dir}: sorts the shown page only
    this.cursors = [null]; // cursor before each visited page
    this.pageIndex = 0;
    this.prev.addEventListener("click", () => this.go(this.pageIndex - 1));
    this.next.addEventListener("click", () => this.go(this.pageIndex + 1));
    this.kindSelect.addEventListener("change", () => this.restart());
    this.sizeSelect.addEventListener("change", () => this.restart());
    this.csv.addEventListener("click", () => this.download());
  }

  get kind() { return this.kindSelect.value; }
  get size() { return Number(this.sizeSelect.value); }

  open(alias) {
    this.alias = alias;
    this.order = "SUBMITTED_ASC";
    return this.restart();
  }

  restart() {
    this.cursors = [null];
    this.pageIndex = 0;
    this.clientSort = null;
    return this.go(0);
  }

  async fetchPage(first, after) {
    const data = await gql(neighboursPage(this.kind), {
      alias: this.alias, first, after, order: this.order,
    });
    return data.resolve.paper.page;
  }

  async go(index) {
    if (!this.alias || index < 0 || index >= this.cursors.length) return;
    this.root.setAttribute("aria-busy", "true");
    try {
      const page = await this.fetchPage(this.size, this.cursors[index]);
      this.pageIndex = index;
      if (page.pageInfo.hasNextPage) this.cursors[index + 1] = page.pageInfo.endCursor;
      else this.cursors.length = index + 1;
      this.page = page;
      this.render();
    } catch (err) {
      this.status.textContent = `Could not load ${this.kind}: ${err.message}`;
    } finally {
      this.root.setAttribute("aria-busy", "false");
    }
  }

  sortBy(key) {
    if (key === "submitted") {
      // The server orders by submission date across all pages.
      this.order = this.order === "SUBMITTED_ASC" ? "SUBMITTED_DESC" : "SUBMITTED_ASC";
      this.restart();
      return;
    }
    const dir = this.clientSort && this.clientSort.key === key && this.clientSort.dir === 1 ? -1 : 1;
    this.clientSort = { key, dir };
    this.render();
  }

  rows() {
    const edges = [...this.page.edges];
    if (this.clientSort) {
      const column = COLUMNS.find((c) => c.key === this.clientSort.key);
      edges.sort((a, b) => {
        const x = column.value(a), y = column.value(b);
        const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return cmp * this.clientSort.dir;
      });
    }
    return edges;
  }

  arrow(key) {
    if (key === "submitted") return this.order === "SUBMITTED_ASC" ? " \u25b2" : " \u25bc";
    if (this.clientSort && this.clientSort.key === key) return this.clientSort.dir === 1 ? " \u25b2" : " \u25bc";
    return "";
  }

  render() {
    const page = this.page;
    clear(this.table);
    const head = el("tr", {}, COLUMNS.map((c) => el("th", { scope: "col", "data-sort": c.key },
      el("button", { type: "button", class: "sort", onclick: () => this.sortBy(c.key) }, c.label + this.arrow(c.key)))));
    const body = this.rows().map((r) => el("tr", { class: r.resolved ? "resolved" : "unresolved" },
      COLUMNS.map((c) => {
        const text = String(c.value(r));
        if (c.key === "title" && r.node) {
          return el("td", {}, el("a", { href: `/pith/${r.node.pithNumber.split(":").pop()}`,
            onclick: (ev) => { ev.preventDefault(); this.onOpen(r.node.pithNumber); } }, text));
        }
        return el("td", {}, text);
      })));
    this.table.append(el("thead", {}, head), el("tbody", {}, body));
    const start = this.pageIndex * this.size;
    const shown = page.edges.length;
    this.status.textContent = page.totalCount === 0
      ? `No ${this.kind}.`
      : `${this.kind} ${start + 1}\u2013${start + shown} of ${page.totalCount} \u00b7 page ${this.pageIndex + 1} of ${Math.max(1, Math.ceil(page.totalCount / this.size))}`;
    this.root.dataset.page = String(this.pageIndex + 1);
    this.root.dataset.total = String(page.totalCount);
    this.prev.disabled = this.pageIndex === 0;
    this.next.disabled = !page.pageInfo.hasNextPage;
    this.csv.disabled = page.totalCount === 0;
  }

  async download() {
    if (!this.alias) return;
    this.csv.disabled = true;
    try {
      const edges = [];
      let after = null;
      do {
        const page = await this.fetchPage(CSV_PAGE, after);
        edges.push(...page.edges);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && edges.length < MAX_CSV_ROWS);
      const blob = new Blob([toCsv(csvRows(edges))], { type: "text/csv;charset=utf-8" });
      const link = el("a", { href: URL.createObjectURL(blob), download: `${this.kind}-${this.alias.split(":").pop()}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (err) {
      this.status.textContent = `CSV download failed: ${err.message}`;
    } finally {
      this.csv.disabled = false;
    }
  }
}
