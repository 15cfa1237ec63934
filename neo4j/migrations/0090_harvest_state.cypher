// OAI-PMH harvesting: one state node per harvested source and set (resumption token, last
// datestamp, the lease that keeps two harvests of one source from running at once).
CREATE CONSTRAINT harvest_state_id IF NOT EXISTS
FOR (h:HarvestState) REQUIRE h.harvest_id IS UNIQUE;
