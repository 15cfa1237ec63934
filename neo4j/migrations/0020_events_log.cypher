// Signed events, author keys and the transparency log (issue 6; schema/events.md, schema/log.md).
// An event is stored once: its content id is unique.
CREATE CONSTRAINT event_id IF NOT EXISTS
FOR (e:Event) REQUIRE e.event_id IS UNIQUE;

// Replay protection: one signer key never uses a nonce twice, even under racing submissions.
CREATE CONSTRAINT event_signer_nonce IF NOT EXISTS
FOR (e:Event) REQUIRE (e.signer_key, e.nonce) IS UNIQUE;

// The global feed and per-paper connections page by (created_at, event_id).
CREATE INDEX event_created_at IF NOT EXISTS FOR (e:Event) ON (e.created_at, e.event_id);
CREATE INDEX event_subject IF NOT EXISTS FOR (e:Event) ON (e.subject);

// The log: dense, unique indices; one head node whose write lock serialises appends.
CREATE CONSTRAINT log_entry_index IF NOT EXISTS
FOR (l:LogEntry) REQUIRE l.index IS UNIQUE;
CREATE INDEX log_entry_ref IF NOT EXISTS FOR (l:LogEntry) ON (l.ref);
CREATE INDEX log_entry_pith IF NOT EXISTS FOR (l:LogEntry) ON (l.pith_number, l.leaf_type);
CREATE CONSTRAINT log_head_id IF NOT EXISTS
FOR (h:LogHead) REQUIRE h.log_id IS UNIQUE;

// Author keys registered by the operator: one registration per (key, paper, author).
CREATE CONSTRAINT author_key_registration IF NOT EXISTS
FOR (k:AuthorKey) REQUIRE (k.fingerprint, k.pith_number, k.author) IS UNIQUE;
