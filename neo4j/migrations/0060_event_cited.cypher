// Signed citations name the paper they cite (Event.cited): a record counts the registered papers
// holding a signed citation of it, and its own signed citations of registered papers.
CREATE INDEX event_cited IF NOT EXISTS FOR (e:Event) ON (e.cited);

// Events stored before the property: take the pith number from the stored envelope. Its JSON has
// sorted keys and ", " / ": " separators, and a quote inside a string is escaped, so the text
// '"cited": "' occurs once, before the 36-character pith:YYYY:<26> value.
MATCH (e:Event {event_type: 'citation_signature'})
WHERE e.cited IS NULL AND e.envelope_json CONTAINS '"cited": "'
SET e.cited = substring(split(e.envelope_json, '"cited": "')[1], 0, 36);
