"""Tiles of height 8: paths, incremental integration and O(log N) proofs equal to the full tree's."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pith_graph.core.log import (
    entry_bundle,
    integrate_entries,
    integration_edge,
    parse_entry_bundle,
)
from pith_graph.core.merkle import (
    ENTRIES_LEVEL,
    InvalidProof,
    consistency_proof,
    edge_tiles,
    format_tile_path,
    inclusion_proof,
    leaf_hash,
    parse_tile_path,
    root_hash,
    stored_consistency_proof,
    stored_inclusion_proof,
    stored_root,
    tile_node_reader,
    tiles_needed,
)


def _entries(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def _grow(entries: list[bytes], steps: list[int]) -> tuple[dict[tuple[int, int], bytes], list[int]]:
    tiles: dict[tuple[int, int], bytes] = {}
    size, sizes = 0, []
    for step in steps:
        new = entries[size : size + step]
        edge = {k: tiles[k] for k in integration_edge(size) if k in tiles}
        changed, root = integrate_entries(size, new, edge)
        tiles.update(changed)
        size += len(new)
        assert root == root_hash([leaf_hash(e) for e in entries[:size]])
        sizes.append(size)
    return tiles, sizes


def test_tile_path_encoding_of_the_spec() -> None:
    assert format_tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert format_tile_path(2, 5, 17) == "tile/2/005.p/17"
    assert format_tile_path(ENTRIES_LEVEL, 0) == "tile/entries/000"
    assert parse_tile_path("tile/0/x001/x234/067.p/5") == (0, 1234067, 5)
    assert parse_tile_path("tile/entries/x001/000") == (ENTRIES_LEVEL, 1000, 256)


@pytest.mark.parametrize(
    "bad",
    ["tile/0/1", "tile/0/x000/001", "tile/0/001.p/0", "tile/0/001.p/256", "tile/64/000",
     "tile/00/000", "tile/0/001.p/07", "tile/data/000", "tile/0/x001"],
)  # fmt: skip
def test_non_canonical_tile_paths_are_refused(bad: str) -> None:
    with pytest.raises(InvalidProof):
        parse_tile_path(bad)


@given(st.integers(0, 10**12), st.one_of(st.none(), st.integers(1, 255)), st.integers(-1, 63))
def test_tile_path_round_trip(index: int, width: int | None, level: int) -> None:
    path = format_tile_path(level, index, width)
    assert parse_tile_path(path) == (level, index, width or 256)


def test_the_spec_example_of_a_70000_leaf_tree() -> None:
    assert edge_tiles(70000) == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]
    assert edge_tiles(256) == [(1, 0, 1)]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 700), min_size=1, max_size=8), st.data())
def test_stored_proofs_equal_the_full_tree_proofs(steps: list[int], data: st.DataObject) -> None:
    entries = _entries(sum(steps))
    tiles, sizes = _grow(entries, steps)
    hashes = [leaf_hash(e) for e in entries]
    node = tile_node_reader(tiles)
    for size in sizes:  # every checkpointed size stays provable from the current tiles
        assert stored_root(size, node) == root_hash(hashes[:size])
        index = data.draw(st.integers(0, size - 1))
        assert stored_inclusion_proof(index, size, node) == inclusion_proof(hashes[:size], index)
        first = data.draw(st.integers(1, size))
        assert stored_consistency_proof(first, size, node) == consistency_proof(hashes[:size], first)


def test_entry_bundles_hold_the_entries() -> None:
    entries = _entries(600)
    tiles, _ = _grow(entries, [100, 300, 200])
    assert parse_entry_bundle(tiles[(ENTRIES_LEVEL, 0)]) == entries[:256]
    assert parse_entry_bundle(tiles[(ENTRIES_LEVEL, 2)]) == entries[512:]
    assert entry_bundle([b"ab"]) == b"\x00\x02ab"
    with pytest.raises(InvalidProof):
        parse_entry_bundle(b"\x00\x05ab")


def test_a_proof_reads_few_tiles() -> None:
    size = 1 << 20
    needed = tiles_needed(lambda node: stored_inclusion_proof(123456, size, node))
    assert len(needed) <= 8
    assert tiles_needed(lambda node: stored_root(size, node)) == {(2, 0)}


def test_a_missing_tile_is_an_error_not_a_wrong_answer() -> None:
    with pytest.raises(InvalidProof):
        stored_root(300, tile_node_reader({}))
    assert hashlib.sha256(b"").digest() == stored_root(0, tile_node_reader({}))
