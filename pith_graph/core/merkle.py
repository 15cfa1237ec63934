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
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from pith_graph.core.errors import PithError

__all__ = [
    "EMPTY_ROOT",
    "ENTRIES_LEVEL",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "InvalidProof",
    "NodeReader",
    "check_tiles",
    "consistency_proof",
    "edge_tiles",
    "extend_tiles",
    "format_tile_path",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "parse_tile_path",
    "root_hash",
    "stored_consistency_proof",
    "stored_inclusion_proof",
    "stored_range_hash",
    "stored_root",
    "tile_node_reader",
    "tiles_needed",
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


# --- Tiles (C2SP tlog-tiles) ----------------------------------------------------------------
#
# The tree is stored as tiles of height 8: tile (L, N) holds, for i in 0..255, the hash of the
# complete subtree of 256**L leaves starting at leaf (N*256 + i) * 256**L, i.e. the node at
# height 8L and index N*256 + i. A node at a height between two tile levels is the root of a
# run of at most 128 aligned hashes of one tile, so any complete subtree costs one tile read and
# any tree head or proof O(log N) of them. Entry bundles are kept as "level -1" tiles.

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
ENTRIES_LEVEL = -1
_HASH = 32

#: ``node(height, index)``: the hash of the complete subtree of ``2**height`` leaves at ``index``.
NodeReader = Callable[[int, int], bytes]


def _perfect_root(hashes: Sequence[bytes]) -> bytes:
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def format_tile_path(level: int, index: int, width: int | None = None) -> str:
    """``tile/<L>/<N>[.p/<W>]`` (``tile/entries/…`` for level -1), N in x001/x234/067 groups."""
    if index < 0 or level < ENTRIES_LEVEL or level > 63:
        raise InvalidProof(f"no tile at level {level}, index {index}")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    encoded = "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])
    head = "entries" if level == ENTRIES_LEVEL else str(level)
    tail = "" if width is None or width == TILE_WIDTH else f".p/{width}"
    return f"tile/{head}/{encoded}{tail}"


_TILE_PATH = re.compile(
    r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*)([0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


def parse_tile_path(path: str) -> tuple[int, int, int]:
    """``(level, index, width)`` of a tile path (level -1: an entry bundle; width 256: full).

    Only the canonical spelling is accepted (no redundant leading ``x000`` groups).
    """
    match = _TILE_PATH.fullmatch(path) if isinstance(path, str) and len(path) < 200 else None
    if match is None:
        raise InvalidProof(f"{path!r} is not a tile path tile/<L>/<N>[.p/<W>]")
    head, groups, last, width_text = match.groups()
    level = ENTRIES_LEVEL if head == "entries" else int(head)
    if level > 63:
        raise InvalidProof(f"tile level {level} is above 63")
    index = int("".join(g[1:4] for g in groups.split("/") if g) + last)
    width = TILE_WIDTH if width_text is None else int(width_text)
    if width > TILE_WIDTH or format_tile_path(level, index, width) != path:
        raise InvalidProof(f"{path!r} is not the canonical path of its tile")
    return level, index, width


def edge_tiles(size: int) -> list[tuple[int, int, int]]:
    """The partial tiles ``(level, index, width)`` of a tree of ``size`` leaves (rightmost edge)."""
    out = []
    count, level = size, 0
    while count:
        if count % TILE_WIDTH:
            out.append((level, count // TILE_WIDTH, count % TILE_WIDTH))
        count //= TILE_WIDTH
        level += 1
    return out


def extend_tiles(
    old_size: int, leaf_hashes: Sequence[bytes], edge: Mapping[tuple[int, int], bytes]
) -> dict[tuple[int, int], bytes]:
    """The tiles that change when ``leaf_hashes`` are appended to a tree of ``old_size``.

    ``edge`` holds the current content of the partial tiles :func:`edge_tiles` names (keyed by
    ``(level, index)``). Returns ``{(level, index): concatenated hashes}`` for every tile written,
    full or partial.
    """
    changed: dict[tuple[int, int], bytes] = {}
    hashes, start, level = list(leaf_hashes), old_size, 0
    while hashes:
        index, width = divmod(start, TILE_WIDTH)
        current = edge.get((level, index), b"") if width else b""
        if len(current) < width * _HASH:
            raise InvalidProof(f"tile {level}/{index} has {len(current) // _HASH} hashes, not {width}")
        buffer = bytearray(current[: width * _HASH])
        above: list[bytes] = []
        position = start
        for h in hashes:
            buffer += h
            position += 1
            if position % TILE_WIDTH == 0:
                tile = bytes(buffer)
                changed[(level, position // TILE_WIDTH - 1)] = tile
                above.append(_perfect_root([tile[i : i + _HASH] for i in range(0, len(tile), _HASH)]))
                buffer = bytearray()
        if buffer:
            changed[(level, position // TILE_WIDTH)] = bytes(buffer)
        hashes, start, level = above, start // TILE_WIDTH, level + 1
    return changed


def _tile_of(height: int, index: int) -> tuple[int, int, int, int]:
    """(tile level, tile index, first position, count) of the hashes that make a node."""
    level, rest = divmod(height, TILE_HEIGHT)
    first = index << rest
    return level, first // TILE_WIDTH, first % TILE_WIDTH, 1 << rest


def tile_node_reader(tiles: Mapping[tuple[int, int], bytes]) -> NodeReader:
    """A :data:`NodeReader` over tiles read from storage."""

    def node(height: int, index: int) -> bytes:
        level, tile, first, count = _tile_of(height, index)
        data = tiles.get((level, tile))
        if data is None or len(data) < (first + count) * _HASH:
            raise InvalidProof(f"tile {level}/{tile} does not hold node ({height}, {index})")
        run = data[first * _HASH : (first + count) * _HASH]
        return _perfect_root([run[i : i + _HASH] for i in range(0, len(run), _HASH)])

    return node


def tiles_needed(compute: Callable[[NodeReader], object]) -> set[tuple[int, int]]:
    """The ``(level, index)`` of every tile that ``compute(node)`` reads (a dry run)."""
    needed: set[tuple[int, int]] = set()

    def record(height: int, index: int) -> bytes:
        level, tile, _, _ = _tile_of(height, index)
        needed.add((level, tile))
        return EMPTY_ROOT

    compute(record)
    return needed


def _decomposition(start: int, size: int) -> Iterable[tuple[int, int]]:
    """The complete subtrees ``(height, index)`` of leaves ``[start, start+size)``, largest first."""
    offset = start
    for height in range(size.bit_length() - 1, -1, -1):
        if size >> height & 1:
            yield height, offset >> height
            offset += 1 << height


def stored_range_hash(start: int, end: int, node: NodeReader) -> bytes:
    """``MTH(D[start:end])`` for the ranges RFC 6962's recursion produces (``start`` aligned)."""
    parts = [node(h, i) for h, i in _decomposition(start, end - start)]
    if not parts:
        return EMPTY_ROOT
    root = parts[-1]
    for part in reversed(parts[:-1]):
        root = node_hash(part, root)
    return root


def stored_root(size: int, node: NodeReader) -> bytes:
    """The root of the tree of ``size`` leaves from stored complete subtrees."""
    return stored_range_hash(0, size, node)


def stored_inclusion_proof(index: int, size: int, node: NodeReader) -> list[bytes]:
    """:func:`inclusion_proof` of leaf ``index`` in the tree of ``size``, from stored subtrees."""
    if not 0 <= index < size:
        raise InvalidProof(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            path.append(stored_range_hash(lo + k, hi, node))
            hi = lo + k
        else:
            path.append(stored_range_hash(lo, lo + k, node))
            lo = lo + k
    path.reverse()
    return path


def stored_consistency_proof(first: int, second: int, node: NodeReader) -> list[bytes]:
    """:func:`consistency_proof` from ``first`` to ``second`` leaves, from stored subtrees."""
    if not 0 < first <= second:
        raise InvalidProof(f"no consistency proof from size {first} to size {second}")
    path: list[bytes] = []
    m, lo, hi, complete = first, 0, second, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            path.append(stored_range_hash(lo + k, hi, node))
            hi = lo + k
        else:
            path.append(stored_range_hash(lo, lo + k, node))
            m, lo, complete = m - k, lo + k, False
    if not complete:
        path.append(stored_range_hash(lo, hi, node))
    path.reverse()
    return path


def check_tiles(size: int, tiles: Mapping[tuple[int, int], bytes], root: bytes) -> None:
    """Authenticate ``tiles`` against the tree of ``size`` leaves with ``root``.

    Every full tile given must hash (as a perfect subtree) to its hash in the tile above, and the
    root computed from the edge tiles must be ``root``; so every hash of every tile given is
    proven part of the tree. ``tiles`` must hold every tile of level 1 and above and the partial
    level-0 tile; level-0 full tiles are checked when given. Raises :class:`InvalidProof`.
    """
    for (level, index), data in tiles.items():
        if level < 0 or len(data) != TILE_WIDTH * _HASH:
            continue
        parent = tiles.get((level + 1, index // TILE_WIDTH))
        position = index % TILE_WIDTH
        if parent is None or len(parent) < (position + 1) * _HASH:
            raise InvalidProof(f"tile {level}/{index} has no parent hash to check it against")
        digest = _perfect_root([data[i : i + _HASH] for i in range(0, len(data), _HASH)])
        if parent[position * _HASH : (position + 1) * _HASH] != digest:
            raise InvalidProof(f"tile {level}/{index} does not hash to its parent's entry")
    if stored_root(size, tile_node_reader(tiles)) != root:
        raise InvalidProof(f"the tiles do not give the root of the tree of size {size}")
