"""`pith-graph witness`: configure witnessed logs and the witnesses asked, on the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core.note import ALG_COSIGNATURE_V1, NoteVerifier, parse_vkey, vkey
from pith_graph.core.signing import generate_signing_key

LOG_KEY = generate_signing_key("log", seed=b"\x41" * 32)
WITNESS_KEY = generate_signing_key("w", seed=b"\x42" * 32)


@pytest.fixture
def env(clean_graph: Driver, settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", str(settings.neo4j_uri))
    monkeypatch.setenv("PITH_WITNESS_NAME", "cli.test/witness")


def test_key_prints_a_cosignature_vkey(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["witness", "key"]) == 0
    verifier = parse_vkey(capsys.readouterr().out.strip())
    assert verifier.name == "cli.test/witness" and verifier.algorithm == ALG_COSIGNATURE_V1
    assert main(["witness", "key"]) == 0  # the same key the second time
    assert parse_vkey(capsys.readouterr().out.strip()) == verifier


def test_logs_and_witnesses_are_configured(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    log_vkey = vkey("log.test/x", LOG_KEY.public_key)
    assert main(["witness", "add-log", "log.test/x", log_vkey]) == 0
    witness_vkey = NoteVerifier.for_key("w.test/1", WITNESS_KEY.public_key, ALG_COSIGNATURE_V1).vkey
    assert main(["witness", "add-witness", "http://127.0.0.1:9/", witness_vkey]) == 0
    capsys.readouterr()
    assert main(["witness", "logs"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["origin"] == "log.test/x" and row["vkeys"] == [log_vkey] and row["size"] == 0
    assert main(["witness", "witnesses"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["name"] == "w.test/1" and row["url"] == "http://127.0.0.1:9/"
    assert main(["witness", "remove-witness", "w.test/1"]) == 0
    assert main(["witness", "remove-log", "log.test/x"]) == 0
    assert main(["witness", "remove-log", "log.test/x"]) == 2


def test_bad_input_exits_2(env: None) -> None:
    assert main(["witness", "add-log", "log.test/x", "not-a-vkey"]) == 2
    assert main(["witness", "add-log", "other.origin", vkey("log.test/x", LOG_KEY.public_key)]) == 2
    assert main(["witness", "add-witness", "http://x", vkey("log.test/x", LOG_KEY.public_key)]) == 2
