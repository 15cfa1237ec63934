// Integrity findings (pith_graph/store/integrity.py). A finding is its evidence hash: stored once,
// whatever races; its events (emission, rescission, revival) are ordinary (:Event) nodes.
CREATE CONSTRAINT integrity_finding_hash IF NOT EXISTS
FOR (f:IntegrityFinding) REQUIRE f.evidence_hash IS UNIQUE;
CREATE INDEX integrity_finding_subject IF NOT EXISTS FOR (f:IntegrityFinding) ON (f.subject);
CREATE INDEX integrity_finding_detector IF NOT EXISTS
FOR (f:IntegrityFinding) ON (f.detector, f.evidence_hash);

// One watermark node per detector: the version and inputs of its last run.
CREATE CONSTRAINT integrity_run_name IF NOT EXISTS
FOR (r:IntegrityRun) REQUIRE r.name IS UNIQUE;

// Papers changed since the last run carry a marker token (set by every paper/citation writer).
CREATE INDEX paper_integrity_dirty IF NOT EXISTS FOR (p:Paper) ON (p.integrity_dirty);

// Another source's canonical record for an already registered version (metadata_conflict).
CREATE CONSTRAINT source_claim_key IF NOT EXISTS
FOR (c:SourceClaim) REQUIRE (c.paper_sha256, c.canonical_sha256) IS UNIQUE;

// Findings naming another paper (the duplicate, the cited work): re-examined when it changes.
CREATE INDEX integrity_finding_related IF NOT EXISTS FOR (f:IntegrityFinding) ON (f.related);

// The one node whose write lock serialises the writes of concurrent integrity runs.
CREATE CONSTRAINT integrity_lock_id IF NOT EXISTS
FOR (l:IntegrityLock) REQUIRE l.lock_id IS UNIQUE;
