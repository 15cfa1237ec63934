// Mirrors (pith-graph mirror follow): one node per followed origin registry, holding the keys
// trusted for it (first contact or --origin-key), the last checkpoint verified and how far its
// log has been imported, so a sync resumes where it stopped and detects a rewritten history.
CREATE CONSTRAINT mirror_origin_url IF NOT EXISTS
FOR (m:MirrorOrigin) REQUIRE m.url IS UNIQUE;
