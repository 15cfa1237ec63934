// The paper's card: identity, aliases, receipt, the four status chips, LaTeX and badge snippets.
import { el, clear, copyButton } from "./dom.js";
import { latexSnippet, badgeMarkdown } from "./snippets.js";

// The reference system's record pages show verification_status as these four chips.
export const CHIPS = [
  { name: "attested", flag: "author_attested", help: "an author attested this record" },
  { name: "anchored", flag: "externally_anchored", help: "an external timestamp anchors it" },
  { name: "stored", flag: "storage_verified", help: "an archive copy is attested" },
  { name: "refs", flag: "references_resolved", help: "every reference is a registered paper" },
];

function chip(spec, status) {
  const on = Boolean(status && status[spec.flag]);
  return el(
    "span",
    { class: `chip ${on ? "on" : "off"}`, "data-chip": spec.name, "data-state": on ? "on" : "off",
      title: `${spec.name}: ${on ? "yes" : "no"} (${spec.help})` },
    on ? "\u2713 " : "\u2013 ",
    spec.name,
  );
}

// Integrity findings (pith.integrity.v1 events), worst first; each links to the signed events.
const SEVERITY_ORDER = { critical: 0, advisory: 1, informational: 2 };

function integritySection(paper) {
  const integrity = paper.integrity;
  if (!integrity) return [];
  const href = `/pith/${paper.pithBody}/integrity.json`;
  const findings = [...integrity.findings].sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3)
      || a.detector.localeCompare(b.detector));
  const s = integrity.summary;
  const verdict = findings.length === 0 ? "no findings"
    : `${s.critical} critical \u00b7 ${s.advisory} advisory \u00b7 ${s.informational} informational`;
  return el(
    "section",
    { class: `integrity ${integrity.clean ? "clean" : "flagged"}`, "data-clean": String(integrity.clean),
      "aria-label": "integrity findings" },
    el("h3", {}, "Integrity ", el("span", { class: "verdict" }, verdict)),
    findings.length
      ? el("ul", { class: "findings" }, findings.map((f) => el(
          "li",
          { class: `finding severity-${f.severity}`, "data-detector": f.detector, "data-severity": f.severity },
          el("span", { class: "severity" }, f.severity), " ",
          el("code", { class: "detector" }, f.detector), " ",
          el("span", { class: "note" }, f.note), " ",
          el("a", { href: `${href}#${f.evidenceHash}`, class: "evidence", title: `evidence ${f.evidenceHash}` },
            "evidence"),
        )))
      : [],
    el("p", {}, el("a", { href, class: "integrity-link" }, "integrity.json (signed findings)")),
  );
}

function row(label, ...value) {
  return [el("dt", {}, label), el("dd", {}, ...value)];
}

export function renderCard(container, paper) {
  clear(container);
  const origin = window.location.origin;
  const status = paper.verificationStatus || {};
  const receipt = paper.receipt;
  const aliases = [...paper.aliases].sort((a, b) => a.kind.localeCompare(b.kind));
  container.dataset.pith = paper.pithNumber;
  container.append(
    el("h2", { class: "title", id: "card-title" }, paper.title),
    el("p", { class: "authors" }, paper.authorsText || paper.authors.join(", ")),
    el(
      "p",
      { class: "pith" },
      el("a", { href: `/pith/${paper.pithBody}`, class: "pith-number" }, paper.pithNumber),
      " ",
      copyButton(paper.pithNumber),
      " ",
      el("span", { class: "short" }, paper.shortPithNumber),
    ),
    el("div", { class: "chips", "aria-label": "verification status" },
      el("span", { class: `state state-${paper.attestationState}` }, paper.attestationState),
      CHIPS.map((spec) => chip(spec, status))),
    integritySection(paper),
    el(
      "dl",
      { class: "facts" },
      row("arXiv", el("a", { href: `https://arxiv.org/abs/${paper.source.id}v${paper.source.version}` },
        `${paper.source.id}v${paper.source.version}`), paper.isLatest ? " (latest version)" : " (older version)"),
      row("Category", paper.categories.join(" ") || paper.primaryCat),
      row("Submitted", paper.submittedAt),
      paper.journalRef ? row("Journal", paper.journalRef) : [],
      paper.doi ? row("DOI", paper.doi) : [],
      row("Cited by", String(paper.citations.totalCount), " \u00b7 cites ", String(paper.references.totalCount),
        " \u00b7 ", el("a", { href: `/explore/dashboard?q=${encodeURIComponent(paper.pithNumber)}`, id: "dashboard-link" }, "dashboard")),
      row(
        "Receipt",
        receipt
          ? el("span", { class: "receipt", "data-receipt": receipt.signatureStatus },
              `${receipt.signatureStatus} \u00b7 ${receipt.keyId} \u00b7 signed ${receipt.signedAt}`)
          : el("span", { class: "receipt", "data-receipt": "none" }, "no receipt"),
      ),
      row("Aliases", el("ul", { class: "aliases" },
        aliases.map((a) => el("li", { "data-kind": a.kind }, el("span", { class: "kind" }, a.kind), " ", el("code", {}, a.value))))),
    ),
    el(
      "details",
      { class: "snippets" },
      el("summary", {}, "Cite, badge and links"),
      el("p", {}, el("img", { src: `/badge/${paper.pithBody}.svg`, alt: `pith badge ${paper.shortPithNumber}`, class: "badge" })),
      el("p", {}, "LaTeX ", copyButton(latexSnippet(paper.pithBody))),
      el("pre", { class: "latex" }, latexSnippet(paper.pithBody)),
      el("p", {}, "Badge (Markdown) ", copyButton(badgeMarkdown(origin, paper.pithBody))),
      el("pre", { class: "badge-md" }, badgeMarkdown(origin, paper.pithBody)),
      el("p", { class: "links" },
        el("a", { href: `/pith/${paper.pithBody}.json` }, "record JSON"), " \u00b7 ",
        el("a", { href: `/pith/${paper.pithBody}/latex` }, "LaTeX"), " \u00b7 ",
        el("a", { href: `/api/pith-number/${paper.pithBody}/graph.json` }, "graph.json"), " \u00b7 ",
        el("a", { href: `/pith/${paper.pithBody}/bundle.json` }, "bundle"), " \u00b7 ",
        el("a", { href: `/pith/${paper.pithBody}/integrity.json` }, "integrity")),
    ),
  );
}
