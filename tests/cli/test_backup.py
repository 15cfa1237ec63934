"""`pith-graph db backup / restore / check` on the real launcher: a hep-th registry (papers and
citations, like the demo's) plus registrations, backed up, restored into an empty data directory, the same graph content; the log
and a sample of receipts verified offline with the restored public keys only."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.cli.errors import EXIT_BLOCKED
from pith_graph.config import Settings
from pith_graph.core.canonical import Digest
from pith_graph.core.merkle import leaf_hash, root_hash
from pith_graph.core.note import open_note, parse_checkpoint, parse_vkey, vkey
from pith_graph.core.receipts import Receipt, verify_receipt
from pith_graph.core.signing import PublicKey
from pith_graph.keystore import load_signing_key, trust_store_for
from pith_graph.neo4j_local import LocalNeo4j, free_port
from pith_graph.service import log as log_service
from pith_graph.store.driver import open_async_driver
from pith_graph.store.graph_content import graph_content_hash

SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
REGISTER = "mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber } }"


def _cli(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    environment.update(PITH_DATA_DIR=str(data_dir), PITH_LOAD_DEMO="0", **env)
    return subprocess.run(
        [sys.executable, "-m", "pith_graph.cli", *args],
        env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _server(data_dir: Path) -> LocalNeo4j:
    return LocalNeo4j(data_dir=data_dir / "neo4j", port=free_port(), heap="512m", page_cache="128m")


def _paper(n: int) -> dict[str, Any]:
    return {
        "source": {"id": f"2612.{n:05d}", "version": 1}, "title": f"Backed-up paper {n}",
        "abstract": "Abstract.", "submittedAt": "2026-12-01T10:00:00Z", "primaryCat": "cs.DL",
        "authors": ["Karen Spärck Jones"],
    }  # fmt: skip


def _verify_offline(uri: str, data_dir: Path, origin: str) -> int:
    """The log's checkpoint and the sample's receipts verify with data_dir's public keys."""
    trust = trust_store_for(data_dir)
    index = json.loads((data_dir / "keys" / "keys.json").read_text())["keys"]
    with GraphDatabase.driver(uri) as driver:
        (head,), _, _ = driver.execute_query(
            "MATCH (i:LogIntegration) RETURN i.size AS size, i.checkpoint AS note"
        )
        entries, _, _ = driver.execute_query(
            "MATCH (l:LogEntry) WHERE l.index < $size RETURN l.leaf_json AS leaf ORDER BY l.index",
            size=head["size"],
        )
        receipts, _, _ = driver.execute_query(
            "MATCH (p:Paper)-[:HAS_RECEIPT]->(r:Receipt) RETURN properties(r) AS r "
            "ORDER BY p.pith_number LIMIT 25"
        )
    verifiers = []
    for key in index:
        public = PublicKey(key["key_id"], bytes.fromhex(key["public_key_hex"]))
        verifiers.append(parse_vkey(vkey(origin, public)))
    text, _ = open_note(head["note"], verifiers)
    checkpoint = parse_checkpoint(text)
    assert checkpoint.size == head["size"] == len(entries) > 0
    assert root_hash([leaf_hash(e["leaf"].encode()) for e in entries]) == checkpoint.root_hash
    for row in receipts:
        receipt = Receipt.from_json(row["r"])
        verify_receipt(receipt, Digest(bytes.fromhex(receipt.canonical_sha256)), trust)
    assert len(receipts) == 25
    return checkpoint.size


def test_backup_restore_into_an_empty_data_directory_keeps_graph_log_and_receipts(
    tmp_path: Path,
) -> None:
    source, target, backup = tmp_path / "source", tmp_path / "target", tmp_path / "registry.backup"
    server = _server(source).start()
    try:
        # The demo's kind of registry (hep-th papers with their citations), a slice of it: the
        # whole demo takes minutes to load on a busy machine.
        loaded = _cli("ingest", str(SLICE / "hepth_slice_papers.jsonl.gz"),
                      str(SLICE / "hepth_slice_citations.tsv"), data_dir=source, NEO4J_URI=server.uri)  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
        settings = Settings(neo4j_uri=server.uri, data_dir=source, auth_required=False, query_timeout=600.0)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            for n in range(5):
                body = client.post("/graphql", json={"query": REGISTER, "variables": {"input": _paper(n)}}).json()
                assert "errors" not in body, body

        async def integrate() -> None:
            driver = open_async_driver(settings)
            try:
                await log_service.ensure_integrated(
                    driver, "neo4j", load_signing_key(source), settings.log_origin
                )
            finally:
                await driver.close()

        asyncio.run(integrate())
        with GraphDatabase.driver(server.uri) as driver:
            _, before = graph_content_hash(driver, "neo4j")
        # Offline means offline: refused, with the reason and the pid, while Neo4j runs.
        refused = _cli("db", "backup", str(backup), data_dir=source)
        assert refused.returncode == EXIT_BLOCKED
        assert "while the local Neo4j runs" in refused.stderr and str(server.pid) in refused.stderr
    finally:
        server.stop()

    made = _cli("db", "backup", str(backup), data_dir=source)
    assert made.returncode == 0, made.stderr
    with tarfile.open(backup) as archive:
        names = set(archive.getnames())
    assert {"manifest.json", "neo4j.dump", "keys/keys.json"} <= names
    assert not [n for n in names if n.endswith(".key")]  # no private seed by default

    checked = _cli("db", "check", data_dir=source)
    assert checked.returncode == 0 and checked.stdout.startswith("consistent"), checked.stderr

    restored = _cli("db", "restore", str(backup), data_dir=target)
    assert restored.returncode == 0, restored.stderr
    assert "no private signing seed" in restored.stderr
    again = _cli("db", "restore", str(backup), data_dir=target)
    assert again.returncode == EXIT_BLOCKED and "already holds a database" in again.stderr

    server = _server(target).start()
    try:
        with GraphDatabase.driver(server.uri) as driver:
            _, after = graph_content_hash(driver, "neo4j")
        assert after == before
        assert _verify_offline(server.uri, target, settings.log_origin) >= 5
    finally:
        server.stop()


def test_a_private_key_is_backed_up_only_when_asked_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "source"
    server = _server(source).start()
    try:
        assert _cli("keys", "generate", data_dir=source).returncode in (0, 1)
    finally:
        server.stop()
    backup = tmp_path / "with-key.backup"
    made = _cli("db", "backup", str(backup), "--include-private-key", data_dir=source)
    assert made.returncode == 0, made.stderr
    assert "WARNING" in made.stderr and "private" in made.stderr
    with tarfile.open(backup) as archive:
        assert [n for n in archive.getnames() if n.endswith(".key")]
    assert (backup.stat().st_mode & 0o077) == 0


def test_backup_with_neo4j_uri_points_to_the_servers_own_backups(tmp_path: Path) -> None:
    result = _cli("db", "backup", str(tmp_path / "x"), data_dir=tmp_path, NEO4J_URI="bolt://127.0.0.1:1")
    assert result.returncode == 2 and "use that server's own backups" in result.stderr


@pytest.fixture(autouse=True)
def _no_signing_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PITH_SIGNING_KEY", raising=False)
    monkeypatch.delenv("PITH_SIGNING_KEY_ID", raising=False)
