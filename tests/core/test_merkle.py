"""RFC 6962 / 9162 Merkle tree: published vectors, round trips, and tampering.

The vectors are the Certificate Transparency reference ones (shared by Trillian): leaves,
roots of sizes 1..8, audit paths and consistency proofs from google/certificate-transparency-go
``merkletree/merkle_tree_test.go`` (TestAddLeaf, TestPathToCurrentRoot, TestSnapshotConsistency).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.merkle import (
    EMPTY_ROOT,
    InvalidProof,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (0-based leaf index, tree size, audit path); CT numbers leaves from 1.
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert root_hash([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_rfc6962_vectors(size: int) -> None:
    assert root_hash(HASHES[:size]).hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_vectors_and_verify(index: int, size: int, path: list[str]) -> None:
    proof = inclusion_proof(HASHES[:size], index)
    assert [p.hex() for p in proof] == path
    verify_inclusion(HASHES[index], index, size, proof, bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_vectors_and_verify(
    first: int, second: int, path: list[str]
) -> None:
    proof = consistency_proof(HASHES[:second], first)
    assert [p.hex() for p in proof] == path
    verify_consistency(
        first, second, proof, bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
    )


@given(st.integers(1, 70), st.data())
def test_every_inclusion_proof_verifies_and_a_flipped_hash_fails(
    size: int, data: st.DataObject
) -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    root = root_hash(hashes)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(hashes, index)
    verify_inclusion(hashes[index], index, size, proof, root)
    if proof:
        broken = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        with pytest.raises(InvalidProof):
            verify_inclusion(hashes[index], index, size, broken, root)
    with pytest.raises(InvalidProof):
        verify_inclusion(leaf_hash(b"other"), index, size, proof, root)


@given(st.integers(1, 70), st.data())
def test_every_consistency_proof_verifies_and_a_wrong_old_root_fails(
    size: int, data: st.DataObject
) -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    first = data.draw(st.integers(1, size))
    proof = consistency_proof(hashes, first)
    old, new = root_hash(hashes[:first]), root_hash(hashes)
    verify_consistency(first, size, proof, old, new)
    if first < size:
        with pytest.raises(InvalidProof):
            verify_consistency(first, size, proof, leaf_hash(b"forged"), new)


def test_out_of_range_index_is_refused() -> None:
    with pytest.raises(InvalidProof, match="outside"):
        verify_inclusion(HASHES[0], 8, 8, [], bytes.fromhex(ROOTS[7]))
