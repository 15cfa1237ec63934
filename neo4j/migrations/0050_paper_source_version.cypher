// At most one paper per (source kind, id, version): two registrations of one arXiv version with
// different metadata can never both commit, whatever reaches the database first.
CREATE CONSTRAINT paper_source_version IF NOT EXISTS
FOR (p:Paper) REQUIRE (p.source_kind, p.source_id, p.version) IS UNIQUE;
