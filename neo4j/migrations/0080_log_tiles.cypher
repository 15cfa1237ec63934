// The transparency log as C2SP tiles: (:LogTile {level, index}) holds the hashes of a tile of
// height 8 (level -1: an entry bundle), (:LogCheckpoint {size}) each signed checkpoint, and the
// single (:LogIntegration) node the size integrated so far, whose write lock serialises the
// integrators.
CREATE CONSTRAINT log_tile_key IF NOT EXISTS
FOR (t:LogTile) REQUIRE (t.level, t.index) IS UNIQUE;
CREATE CONSTRAINT log_checkpoint_size IF NOT EXISTS
FOR (c:LogCheckpoint) REQUIRE c.size IS UNIQUE;
CREATE CONSTRAINT log_integration_id IF NOT EXISTS
FOR (i:LogIntegration) REQUIRE i.log_id IS UNIQUE;

// An existing registry's log moves into tiles once: its entries start out not integrated, and the
// integrator (on start-up and every PITH_LOG_INTERVAL) tiles them from leaf 0 in batches, hashing
// the same leaves in the same order, so the first checkpoint has the root the old log had.
MERGE (i:LogIntegration {log_id: 'main'}) ON CREATE SET i.size = 0;
