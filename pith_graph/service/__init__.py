"""Use cases: parse, hash and sign, then one write through the store."""
