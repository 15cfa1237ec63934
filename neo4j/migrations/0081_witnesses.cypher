// Witnessing (C2SP tlog-witness): the logs this registry cosigns, one node per origin whose write
// lock makes "check the old size, then store the new checkpoint" atomic; the witnesses this
// registry asks, and the cosignatures they returned, one per (tree size, witness).
CREATE CONSTRAINT witnessed_log_origin IF NOT EXISTS
FOR (l:WitnessedLog) REQUIRE l.origin IS UNIQUE;
CREATE CONSTRAINT log_witness_name IF NOT EXISTS
FOR (w:LogWitness) REQUIRE w.name IS UNIQUE;
CREATE CONSTRAINT log_cosignature_key IF NOT EXISTS
FOR (c:LogCosignature) REQUIRE (c.size, c.witness) IS UNIQUE;
CREATE INDEX witness_evidence_origin IF NOT EXISTS FOR (e:WitnessEvidence) ON (e.origin);
