// Aggregate cells (pith_graph/store/counts.py says what they hold and how writers keep them exact):
// the unique keys and indexes the writers and the dashboards' aggregate read them through, the
// index that finds a transaction's not-yet-counted CITES edges, then the backfill (the same
// statements as counts.REBUILD_STATEMENTS; a test keeps them equal).
CREATE CONSTRAINT paper_cell_key IF NOT EXISTS FOR (c:PaperCell) REQUIRE c.key IS UNIQUE;
CREATE CONSTRAINT citation_cell_key IF NOT EXISTS FOR (c:CitationCell) REQUIRE c.key IS UNIQUE;
CREATE INDEX paper_cell_year IF NOT EXISTS FOR (c:PaperCell) ON (c.year);
CREATE INDEX citation_cell_year IF NOT EXISTS FOR (c:CitationCell) ON (c.year);
CREATE INDEX cites_counts_pending IF NOT EXISTS FOR ()-[r:CITES]-() ON (r.counts_pending);
CALL db.awaitIndexes(600);
MATCH (c:PaperCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS;
MATCH (c:CitationCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS;
MATCH (p:Paper)
CALL (p) {
  WITH {latest: coalesce(p.is_latest, false),
       versions: COUNT { (:Paper {source_id: p.source_id}) },
       year: p.year, license: coalesce(p.license, ''), primary: coalesce(p.primary_cat, ''),
       categories: coalesce(p.categories, [])} AS d
  SET p.count_cell = toString(d.latest) + '|' + toString(d.versions) + '|'
       + coalesce(toString(d.year), '') + '|' + d.license + '|' + d.primary + '|'
       + reduce(s = '', c IN d.categories | s + c + ',')
} IN TRANSACTIONS OF 10000 ROWS;
MATCH (p:Paper)
WITH p.count_cell AS key, count(*) AS papers, sum(p.citation_count) AS citations,
     head(collect(p)) AS p
WITH key, papers, citations, {latest: coalesce(p.is_latest, false),
       versions: COUNT { (:Paper {source_id: p.source_id}) },
       year: p.year, license: coalesce(p.license, ''), primary: coalesce(p.primary_cat, ''),
       categories: coalesce(p.categories, [])} AS d
MERGE (cell:PaperCell {key: key})
SET cell += d, cell.papers = papers, cell.citations = citations;
MATCH (c:Paper)-[:CITES]->(p:Paper)
WITH p.count_cell AS cell, c.year AS year, count(*) AS n
MATCH (pc:PaperCell {key: cell})
MERGE (y:CitationCell {key: cell + '#' + coalesce(toString(year), '')})
SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year, y.license = pc.license,
    y.primary = pc.primary, y.categories = pc.categories, y.cell = cell, y.citing_year = year,
    y.n = n;
