// Stored citation and reference counts of every paper (pith_graph/store/counts.py says what they
// mean and how writers keep them exact): the backfill for papers written before, then the indexes
// the dashboards read them through (pith_graph/store/dashboards.py).
//   citation_count  = CITES edges ending at the paper   (papers citing it)
//   reference_count = CITES edges starting at the paper (to papers and to unregistered works)
MATCH (p:Paper)
CALL (p) {
  SET p.citation_count = COUNT { (p)<-[:CITES]-() },
      p.reference_count = COUNT { (p)-[:CITES]->() }
} IN TRANSACTIONS OF 10000 ROWS;

// papers(order: MOST_CITED): a backward scan of (citation_count, pith_number), citedByAtLeast a
// range of it; SUBMITTED_ASC/DESC: (submitted_at, pith_number), years a range of it.
CREATE INDEX paper_most_cited IF NOT EXISTS FOR (p:Paper) ON (p.citation_count, p.pith_number);
CREATE INDEX paper_submitted_order IF NOT EXISTS FOR (p:Paper) ON (p.submitted_at, p.pith_number);
