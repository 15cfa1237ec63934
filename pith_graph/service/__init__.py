"""Use cases: parse, hash and sign first, then ONE write through the store."""
