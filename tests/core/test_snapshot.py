"""snapshot.py: our section hash rule (REFERENCE.md says the reference preimage is unknown)."""

from __future__ import annotations


def test_snapshot_section_hash_is_our_documented_rule() -> None:
    from pith_graph.core.canonical import canonical_bytes, sha256_digest
    from pith_graph.core.snapshot import section_sha256, with_section_sha256

    section = {"count": 0, "items": []}
    assert section_sha256(section) == sha256_digest(canonical_bytes(section)).hex
    assert section_sha256(with_section_sha256(section)) == section_sha256(section)
