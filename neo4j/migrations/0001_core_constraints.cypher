// The registry's identity invariants, enforced by the database itself so that two racing
// registrations of the same paper can never both commit.
CREATE CONSTRAINT schema_migration_version IF NOT EXISTS
FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE;

CREATE CONSTRAINT paper_pith_number IF NOT EXISTS
FOR (p:Paper) REQUIRE p.pith_number IS UNIQUE;

CREATE CONSTRAINT paper_canonical_sha256 IF NOT EXISTS
FOR (p:Paper) REQUIRE p.canonical_sha256 IS UNIQUE;

// An alias is a (kind, normalised value) pair; one node per pair, linked to every paper it names.
CREATE CONSTRAINT alias_kind_value IF NOT EXISTS
FOR (a:Alias) REQUIRE (a.kind, a.value) IS UNIQUE;

// A cited work that is not registered (yet), keyed like an alias.
CREATE CONSTRAINT work_kind_value IF NOT EXISTS
FOR (w:Work) REQUIRE (w.kind, w.value) IS UNIQUE;

// Lookups the resolvers make: pith prefixes (STARTS WITH uses a range index), arXiv id + version,
// dashboards' sort and filter keys, and title search.
CREATE INDEX paper_pith_body IF NOT EXISTS FOR (p:Paper) ON (p.pith_body);
CREATE INDEX paper_source IF NOT EXISTS FOR (p:Paper) ON (p.source_id, p.version);
CREATE INDEX paper_submitted_at IF NOT EXISTS FOR (p:Paper) ON (p.submitted_at);
CREATE INDEX paper_primary_cat IF NOT EXISTS FOR (p:Paper) ON (p.primary_cat);
CREATE FULLTEXT INDEX paper_title IF NOT EXISTS FOR (p:Paper) ON EACH [p.title];
