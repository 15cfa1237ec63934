// API tokens (issue 7): only the SHA-256 of a token is stored; its public id is unique.
CREATE CONSTRAINT api_token_id IF NOT EXISTS
FOR (t:ApiToken) REQUIRE t.token_id IS UNIQUE;
