"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.

RFC 6962 section 2.1 (kept unchanged by RFC 9162 section 2.1.1):

* the hash of an empty tree is ``SHA-256()``;
* a leaf hash is ``SHA-256(0x00 || leaf)``;
* an interior node is ``SHA-256(0x01 || left || right)``, where the ``n`` leaves are split at
  ``k``, the largest power of two smaller than ``n``.

Proof *generation* follows RFC 6962 sections 2.1.1 (PATH) and 2.1.2 (PROOF/SUBPROOF); proof
*verification* follows the iterative algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2. A proof
that does not verify raises :class:`InvalidProof`; nothing here returns ``False``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pith_graph.core.errors import PithError

__all__ = [
    "EMPTY_ROOT",
    "InvalidProof",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class InvalidProof(PithError, ValueError):
    """An inclusion or consistency proof that does not verify, or whose sizes are impossible."""


def leaf_hash(leaf: bytes) -> bytes:
    """``MTH({d(0)}) = SHA-256(0x00 || d(0))`` (RFC 6962 section 2.1)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` (RFC 6962 section 2.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n > 1``)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of *leaf hashes*."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(root_hash(leaf_hashes[:k]), root_hash(leaf_hashes[k:]))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """``PATH(m, D[n])`` of RFC 6962 section 2.1.1: the audit path of leaf ``index``."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise InvalidProof(f"leaf index {index} is outside a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(leaf_hashes[:k], index), root_hash(leaf_hashes[k:])]
    return [*inclusion_proof(leaf_hashes[k:], index - k), root_hash(leaf_hashes[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], first_size: int) -> list[bytes]:
    """``PROOF(m, D[n])`` of RFC 6962 section 2.1.2, between ``first_size`` and ``len(leaf_hashes)``."""
    n = len(leaf_hashes)
    if not 0 < first_size <= n:
        raise InvalidProof(f"no consistency proof from size {first_size} to size {n}")
    return _subproof(first_size, leaf_hashes, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root_hash(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root_hash(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root_hash(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify that leaf hash ``leaf`` is at ``index`` of the tree with ``root`` (RFC 9162 2.1.3.2)."""
    # 1. the index must lie inside the tree
    if not 0 <= index < tree_size:
        raise InvalidProof(f"leaf index {index} is outside a tree of size {tree_size}")
    # 2. fold the path, left or right by the bits of the index
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise InvalidProof(f"inclusion proof for index {index} has too many hashes")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    # 3. the path is used up exactly and lands on the root
    if sn != 0:
        raise InvalidProof(f"inclusion proof for index {index} has too few hashes")
    if r != root:
        raise InvalidProof(
            f"inclusion proof for index {index} in size {tree_size} gives root {r.hex()}, "
            f"not {root.hex()}"
        )


def verify_consistency(
    first_size: int,
    second_size: int,
    proof: Sequence[bytes],
    first_root: bytes,
    second_root: bytes,
) -> None:
    """Verify that the tree of ``second_root`` extends the one of ``first_root`` (RFC 9162 2.1.4.2)."""
    # 1. sizes
    if not 0 < first_size <= second_size:
        raise InvalidProof(f"no consistency between sizes {first_size} and {second_size}")
    if first_size == second_size:
        if proof:
            raise InvalidProof("a consistency proof between equal sizes must be empty")
        if first_root != second_root:
            raise InvalidProof(f"equal sizes {first_size} with different roots")
        return
    if not proof:
        raise InvalidProof(f"empty consistency proof from {first_size} to {second_size}")
    # 2. a power-of-two first tree is itself the first node of the path
    path = list(proof)
    if first_size & (first_size - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 3. rebuild both roots from the path
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise InvalidProof(f"consistency proof {first_size}->{second_size} is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # 4. both roots match and the path is used up
    if sn != 0:
        raise InvalidProof(f"consistency proof {first_size}->{second_size} is too short")
    if fr != first_root:
        raise InvalidProof(f"consistency proof does not give the size-{first_size} root")
    if sr != second_root:
        raise InvalidProof(f"consistency proof does not give the size-{second_size} root")
