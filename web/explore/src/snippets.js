// The LaTeX snippet and badge links the reference system offers for a paper.
// Same text as pith_graph/core/snippets.py (GET /pith/<number>/latex); a browser test compares them.

export function latexSnippet(pithBody) {
  return `% preamble\n\\usepackage{pith}\n% where the paper is identified\n\\pithnumber{${pithBody}}\n`;
}

export function badgeMarkdown(origin, pithBody) {
  return `[![pith:${pithBody.slice(0, 8)}](${origin}/badge/${pithBody}.svg)](${origin}/pith/${pithBody})`;
}
