"""Two registries on loopback, each on its own Neo4j: the origin asks the witness to cosign every
checkpoint; a client demands k of n witnesses; a rewritten origin history is refused by the
witness and kept as evidence."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conformance.test_tlog_go import append_events, http_get, run_checker, tlogcheck  # noqa: F401
from events_support import arun
from live_server import live_server
from neo4j import Driver

from pith_graph import keystore
from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core.log import verify_cosigned_checkpoint
from pith_graph.core.merkle import InvalidProof
from pith_graph.core.note import ALG_COSIGNATURE_V1, NoteVerifier, parse_vkey
from pith_graph.core.signing import generate_signing_key
from pith_graph.service.witness import origin_hash
from pith_graph.store import witness as witness_store

ORIGIN = "origin.test/log"
WITNESS = "witness.test/w1"


@pytest.fixture
def pair(
    clean_graph: Driver, settings: Settings, second_clean: Driver, second_settings: Settings
) -> Iterator[dict[str, str]]:
    origin_settings = dataclasses.replace(settings, log_origin_setting=ORIGIN, log_interval=0.2)
    witness_settings = dataclasses.replace(second_settings, witness_name_setting=WITNESS)
    with live_server(origin_settings) as (origin_url, _), live_server(witness_settings) as (witness_url, _):
        log_vkeys = http_get(f"{origin_url}/log/vkeys").split()
        witness_vkey = http_get(f"{witness_url}/witness/vkey").strip()
        db = settings.neo4j_database
        arun(second_settings, lambda d: witness_store.put_witnessed_log(d, db, ORIGIN, log_vkeys))
        arun(settings, lambda d: witness_store.put_log_witness(d, db, WITNESS, witness_url, witness_vkey))
        yield {"origin": origin_url, "witness": witness_url, "witness_vkey": witness_vkey}


def _public_key(settings: Settings) -> str:
    return keystore.load_signing_key(settings.data_dir).public_key.hex


def cosigned(origin_url: str, size: int, settings: Settings, vkey: str) -> str:
    deadline = time.monotonic() + 90
    key = keystore.load_signing_key(settings.data_dir).public_key
    note = ""
    while time.monotonic() < deadline:
        try:
            note = http_get(f"{origin_url}/log/checkpoint")
            checkpoint, _names = verify_cosigned_checkpoint(note, key, [parse_vkey(vkey)], 1)
            if checkpoint.size >= size:
                return note
        except (InvalidProof, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"no cosigned checkpoint of size {size}: {note!r}")


def test_the_witness_cosigns_and_clients_demand_k_of_n(
    pair: dict[str, str], settings: Settings, second_settings: Settings, tlogcheck: str, tmp_path: Path  # noqa: F811
) -> None:
    append_events(settings, 0, 300)
    cosigned(pair["origin"], 300, settings, pair["witness_vkey"])
    append_events(settings, 300, 500)  # the next cosignature needs a consistency proof 300 -> 800
    note = cosigned(pair["origin"], 800, settings, pair["witness_vkey"])
    (tmp_path / "checkpoint").write_text(note, encoding="utf-8")
    public = _public_key(settings)
    silent = generate_signing_key("w2", seed=b"\x33" * 32)  # a witness that never cosigned
    other = NoteVerifier.for_key("witness.test/w2", silent.public_key, ALG_COSIGNATURE_V1).vkey
    file = str(tmp_path / "checkpoint")
    assert main(["log", "verify", file, "--public-key", public, "--witness", pair["witness_vkey"]]) == 0
    assert main(["log", "verify", file, "--public-key", public, "--witness", pair["witness_vkey"],
                 "--witness", other, "--min-witnesses", "1"]) == 0  # fmt: skip
    assert main(["log", "verify", file, "--public-key", public, "--witness", pair["witness_vkey"],
                 "--witness", other, "--min-witnesses", "2"]) == 1  # fmt: skip

    result = run_checker(tlogcheck, "-log", f"{pair['origin']}/log", "-witness", pair["witness_vkey"], "-min-witnesses", "1")
    assert result.returncode == 0, result.stderr
    assert '"cosignatures_valid":1' in result.stdout
    monitored = http_get(f"{pair['witness']}/witness/{origin_hash(ORIGIN)}/checkpoint")
    assert "\n800\n" in monitored


def test_a_rewritten_origin_history_is_refused_by_the_witness(
    pair: dict[str, str], settings: Settings, second_settings: Settings, clean_graph: Driver
) -> None:
    append_events(settings, 0, 100)
    cosigned(pair["origin"], 100, settings, pair["witness_vkey"])
    # The origin rewrites its history under the same key: other entries, a longer tree.
    clean_graph.execute_query(
        "MATCH (n) WHERE n:LogEntry OR n:LogTile OR n:LogCheckpoint OR n:LogIntegration "
        "OR n:LogHead OR n:LogCosignature DETACH DELETE n"
    )
    append_events(settings, 5000, 150)
    deadline = time.monotonic() + 60
    db = second_settings.neo4j_database
    while time.monotonic() < deadline:
        evidence = arun(second_settings, lambda d: witness_store.witness_evidence(d, db, ORIGIN))
        if evidence:
            break
        time.sleep(0.3)
    assert evidence and evidence[0]["status"] == 422 and evidence[0]["cosigned_size"] == 100
    note = http_get(f"{pair['origin']}/log/checkpoint")
    while "\n150\n" not in note and time.monotonic() < deadline:
        time.sleep(0.3)
        note = http_get(f"{pair['origin']}/log/checkpoint")
    assert "\n150\n" in note and WITNESS not in note  # served, but no witness vouches for it
    logs = arun(second_settings, lambda d: witness_store.witnessed_logs(d, db))
    assert logs[0]["size"] == 100  # the witness still stands by the history it saw
