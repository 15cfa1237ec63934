// Citation-count cells (pith_graph/store/counts.py): the papers of one aggregate cell with one
// citation count, so that an aggregate with citedByAtLeast reads cells, not papers. The unique
// key the writers merge on, the index the aggregate's count range reads, then the backfill (the
// same statements as counts.COUNT_CELL_STATEMENTS; a test keeps them equal).
CREATE CONSTRAINT citation_count_cell_key IF NOT EXISTS FOR (c:CitationCountCell) REQUIRE c.key IS UNIQUE;
CREATE INDEX citation_count_cell_count IF NOT EXISTS FOR (c:CitationCountCell) ON (c.citation_count);
CALL db.awaitIndexes(600);
MATCH (c:CitationCountCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS;
MATCH (p:Paper) WHERE p.count_cell IS NOT NULL
WITH p.count_cell AS cell, coalesce(p.citation_count, 0) AS count, count(*) AS papers
MATCH (pc:PaperCell {key: cell})
MERGE (y:CitationCountCell {key: cell + '@' + toString(count)})
SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year, y.license = pc.license,
    y.primary = pc.primary, y.categories = pc.categories, y.cell = cell,
    y.citation_count = count, y.papers = papers;
