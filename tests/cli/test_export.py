"""`pith-graph export --all DIR` then `pith-graph bundle import DIR` into an empty registry."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from events_support import (
    REGISTRY_KEY,
    TRUST,
    arun,
    insert_paper,
    payload_for,
    seed_records,
    signed,
)
from neo4j import AsyncDriver, Driver

from pith_graph.cli.export import _tiles
from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.core.log import parse_entry_bundle
from pith_graph.core.merkle import leaf_hash, root_hash
from pith_graph.core.note import open_note, parse_checkpoint, parse_vkey
from pith_graph.service import events as event_service
from pith_graph.store.graph_content import VOLATILE_PROPERTIES

# What bundles carry: papers, their aliases and receipts, the events about them. Not carried: a
# paper's abstract (not in its canonical record), when an event was accepted (the importer's
# clock), and the importer's own marks (imported, import_token); authors are compared as a set
# (an imported paper lists them in its canonical record's order).
CARRIED = ("Paper", "Alias", "Receipt", "Event")
# A bundle carries the canonical record, not the source's per-version submission time that the
# integrity layer reads (version_created_at): the rebuilt registry has it only after re-ingest.
NOT_CARRIED = VOLATILE_PROPERTIES | {
    "abstract", "accepted_at", "imported", "import_token", "version_created_at",
}


@pytest.fixture
def env(
    data_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, clean_graph: Driver
) -> Settings:
    monkeypatch.setenv("NEO4J_URI", str(settings.neo4j_uri))
    monkeypatch.setenv("PITH_SIGNING_KEY", REGISTRY_KEY.export_seed().hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", REGISTRY_KEY.key_id)
    return settings


def _carried_hash(bolt: Driver, dump: Path | None = None) -> dict[str, str]:
    """Per label of CARRIED, a hash of its nodes' content and their relationships among CARRIED."""
    out = {}
    everything = []
    for label in CARRIED:
        records, _, _ = bolt.execute_query(
            "MATCH (n) WHERE $label IN labels(n) "
            "OPTIONAL MATCH (n)-[r]->(m) WHERE any(l IN labels(m) WHERE l IN $carried) "
            "RETURN properties(n) AS props, collect([type(r), m.pith_number, m.event_id]) AS out",
            label=label, carried=list(CARRIED),
        )  # fmt: skip
        rows = sorted(
            json.dumps([{k: sorted(v) if k == "authors" else v for k, v in r["props"].items() if k not in NOT_CARRIED},
                        sorted(map(str, r["out"]))], sort_keys=True, default=str)  # fmt: skip
            for r in records
        )
        out[label] = f"{len(rows)}:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
        everything += rows
    if dump is not None:
        dump.write_text("\n".join(everything))
    return out


def test_export_all_then_import_rebuilds_the_registry(
    env: Settings, bolt: Driver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    papers = [insert_paper(env, r) for r in seed_records()]
    events = [
        signed(EventKind.CITATION_SIGNATURE, papers[0], payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1])),
        signed(EventKind.STORAGE_ATTESTATION, papers[1], payload_for(EventKind.STORAGE_ATTESTATION), nonce="01" * 8),
    ]  # fmt: skip

    async def go(driver: AsyncDriver) -> None:
        for e in events:
            await event_service.submit_event(
                driver, env.neo4j_database, e.to_json(), now=datetime.now(UTC), trust=TRUST
            )

    arun(env, go)
    before = _carried_hash(bolt)
    out = tmp_path / "export"
    assert main(["export", "--all", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["papers"] == len(papers) == len(list((out / "bundles").glob("*.json")))
    # The log as files: the checkpoint verifies with the exported vkeys, the entry bundles'
    # leaves hash to its root.
    verifiers = [parse_vkey(line) for line in (out / "log" / "vkeys").read_text().split()]
    text, _ = open_note((out / "log" / "checkpoint").read_text(), verifiers)
    checkpoint = parse_checkpoint(text)
    assert checkpoint.size == manifest["log_size"] == len(papers) + len(events)
    leaves = []
    for level, index, width in _tiles(checkpoint.size):
        from pith_graph.core.merkle import format_tile_path

        assert (out / "log" / format_tile_path(level, index, width)).is_file()
        if level == -1:
            leaves += parse_entry_bundle((out / "log" / format_tile_path(level, index, width)).read_bytes())
    assert root_hash([leaf_hash(leaf) for leaf in leaves]) == checkpoint.root_hash
    assert main(["export", "--all", str(out)]) == 4  # never into a non-empty directory

    bolt.execute_query("MATCH (n) WHERE NOT n:SchemaMigration DETACH DELETE n")
    capsys.readouterr()
    assert main(["bundle", "import", str(out)]) == 0
    assert f"imported {len(papers)} of {len(papers)} bundles" in capsys.readouterr().out
    assert _carried_hash(bolt) == before


def test_tiles_of_a_tree_cover_every_level() -> None:
    assert _tiles(0) == []
    assert _tiles(3) == [(0, 0, 3), (-1, 0, 3)]
    tiles = _tiles(256 * 256 + 5)
    assert (0, 255, 256) in tiles and (0, 256, 5) in tiles and (1, 0, 256) in tiles
    assert (2, 0, 1) in tiles and (-1, 256, 5) in tiles
