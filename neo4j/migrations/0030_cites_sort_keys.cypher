// Keyset pages of references and citations served by an index (pith_graph/store/citations.py).
// Each CITES edge carries the sort key of its far end, prefixed by the near end's pith number:
//   out_key     = citing pith + ' ' + cited sort key          (a paper's references)
//   in_key      = cited pith + ' ' + citing sort key           (a paper's citations)
//   out_cat_key = citing pith + ' ' + cited primary_cat + ' ' + cited sort key
//   in_cat_key  = cited pith + ' ' + citing primary_cat + ' ' + citing sort key
// where a paper's sort key is `submitted_at + ' ' + pith_number` and an unregistered Work's is
// `'~ ~' + kind + ':' + value` (after every paper; works have no in/category keys). A page is then
// one range seek on one index, read in index order and cut at the page size: page 1,000 reads as
// many index entries as page 1. The store writes the keys with every CITES edge
// (CITES_TO_PAPER_KEYS / CITES_TO_WORK_KEYS); the statements below backfill edges written before.
CREATE INDEX cites_out_key IF NOT EXISTS FOR ()-[r:CITES]-() ON (r.out_key);
CREATE INDEX cites_in_key IF NOT EXISTS FOR ()-[r:CITES]-() ON (r.in_key);
CREATE INDEX cites_out_cat_key IF NOT EXISTS FOR ()-[r:CITES]-() ON (r.out_cat_key);
CREATE INDEX cites_in_cat_key IF NOT EXISTS FOR ()-[r:CITES]-() ON (r.in_cat_key);

MATCH (c:Paper)-[r:CITES]->(t:Paper)
CALL (c, r, t) {
  SET r.out_key = c.pith_number + ' ' + coalesce(t.submitted_at, '~') + ' ' + t.pith_number,
      r.in_key = t.pith_number + ' ' + coalesce(c.submitted_at, '~') + ' ' + c.pith_number,
      r.out_cat_key = c.pith_number + ' ' + coalesce(t.primary_cat, '') + ' '
                      + coalesce(t.submitted_at, '~') + ' ' + t.pith_number,
      r.in_cat_key = t.pith_number + ' ' + coalesce(c.primary_cat, '') + ' '
                     + coalesce(c.submitted_at, '~') + ' ' + c.pith_number
} IN TRANSACTIONS OF 10000 ROWS;

MATCH (c:Paper)-[r:CITES]->(w:Work)
CALL (c, r, w) {
  SET r.out_key = c.pith_number + ' ~ ~' + w.kind + ':' + w.value,
      r.in_key = null, r.out_cat_key = null, r.in_cat_key = null
} IN TRANSACTIONS OF 10000 ROWS;
