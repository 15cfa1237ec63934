// GraphQL documents of the explorer: shallow (depth <= 5) and paged by at most 100.

const CARD_FIELDS = `
  pithNumber shortPithNumber pithBody title authors authorsText primaryCat categories
  submittedAt year doi journalRef isLatest
  source { id version }
  aliases { kind value }
  receipt { keyId signatureStatus signedAt publicKeyFingerprint }
  verificationStatus attestationState
  integrity { clean summary { critical advisory informational }
    findings { detector findingType severity verdictClass note evidenceHash } }
  citations(first: 0) { totalCount }
  references(first: 0) { totalCount }
`;

const LIST_FIELDS = `pithNumber shortPithNumber title primaryCat year source { id version }`;

export const RESOLVE = `query Resolve($alias: String!) {
  resolve(alias: $alias) {
    status code reason
    paper { ${CARD_FIELDS} }
    candidates { ${LIST_FIELDS} }
  }
}`;

export const SEARCH = `query Search($title: String!, $first: Int!) {
  search(title: $title, first: $first) {
    totalCount
    edges { score node { ${LIST_FIELDS} } }
  }
}`;

export const NEIGHBORHOOD = `query Neighborhood($alias: String!, $depth: Int!, $direction: Direction!, $limit: Int!) {
  citationNeighborhood(alias: $alias, depth: $depth, direction: $direction, limit: $limit) {
    truncated
    start { ${LIST_FIELDS} citations(first: 0) { totalCount } }
    nodes { distance paper { ${LIST_FIELDS} citations(first: 0) { totalCount } } }
    edges { source target }
  }
}`;

// One page of references or citations; `$kind` picks the connection by aliasing both.
export function neighboursPage(kind) {
  const field = kind === "citations" ? "citations" : "references";
  return `query Page($alias: String!, $first: Int!, $after: String, $order: SortOrder!) {
  resolve(alias: $alias) {
    paper {
      page: ${field}(first: $first, after: $after, order: $order) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor resolved position raw
          work { kind value }
          node { ${LIST_FIELDS} submittedAt authorsText }
        }
      }
    }
  }
}`;
}
