// GraphQL documents of the dashboard view (/explore/dashboard): small pages, shallow selections.

const ROW = `pithNumber shortPithNumber pithBody title primaryCat year submittedAt citationCount
  referenceCount source { id version }`;

export const DASHBOARD_PAPER = `query DashboardPaper($alias: String!, $by: RelatedBy!, $first: Int!) {
  resolve(alias: $alias) {
    status reason
    paper {
      ${ROW}
      citationsByYear { year count }
      related(by: $by, first: $first) {
        totalCount
        edges { score node { ${ROW} } shared { pithNumber shortPithNumber title source { id } } }
      }
    }
  }
}`;

export const DASHBOARD_SET = `query DashboardSet($filter: PaperFilter, $first: Int!) {
  categories: aggregate(filter: $filter, groupBy: PRIMARY_CATEGORY) { total groups { key count } }
  citations: aggregate(filter: $filter, groupBy: YEAR, of: CITATIONS) { total groups { key count } }
  papers(filter: $filter, order: MOST_CITED, first: $first) {
    edges { node { ${ROW} } }
  }
}`;

export const CITATION_PATH = `query CitationPath($from: String!, $to: String!, $maxDepth: Int!, $directed: Boolean!) {
  citationPath(from: $from, to: $to, maxDepth: $maxDepth, directed: $directed) {
    found length
    papers { ${ROW} }
    citations { source target }
  }
}`;
