// Claims of a paper: one claim id per paper, and one claim per (kind, text) per paper, whatever
// writers race. A claim carries its paper's pith number and the SHA-256 of its kind and text.
MATCH (p:Paper)-[:HAS_CLAIM]->(c:Claim) WHERE c.pith_number IS NULL
SET c.pith_number = p.pith_number;

CREATE CONSTRAINT claim_id_per_paper IF NOT EXISTS
FOR (c:Claim) REQUIRE (c.pith_number, c.claim_id) IS UNIQUE;

CREATE CONSTRAINT claim_content_per_paper IF NOT EXISTS
FOR (c:Claim) REQUIRE (c.pith_number, c.content_sha256) IS UNIQUE;
