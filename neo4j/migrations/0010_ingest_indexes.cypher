// Bulk ingest looks papers up by arXiv id alone (citation edges name unversioned ids), and
// re-points unresolved references by (kind, value) -- the latter is the Work constraint of 0001.
CREATE INDEX paper_source_id IF NOT EXISTS FOR (p:Paper) ON (p.source_id);
