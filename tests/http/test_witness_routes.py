"""POST /add-checkpoint as tlog-witness says: cosign a consistent checkpoint, refuse the rest with
the spec's status codes, keep a validly signed fork as evidence."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator

import pytest
from events_support import arun
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.core.merkle import EMPTY_ROOT, consistency_proof, leaf_hash, root_hash
from pith_graph.core.note import (
    ALG_COSIGNATURE_V1,
    format_checkpoint,
    parse_vkey,
    sign_note,
    split_signature_lines,
    verify_cosignature,
    vkey,
)
from pith_graph.core.signing import generate_signing_key
from pith_graph.core.witness import format_add_checkpoint
from pith_graph.service.witness import origin_hash
from pith_graph.store import witness as store

LOG = "other-log.test/log"
LOG_KEY = generate_signing_key("log", seed=b"\x21" * 32)
STRANGER = generate_signing_key("stranger", seed=b"\x22" * 32)
LEAVES = [leaf_hash(f"leaf {i}".encode()) for i in range(40)]
FORK = [leaf_hash(f"fork {i}".encode()) for i in range(40)]


def note(size: int, leaves: list[bytes] = LEAVES, key=LOG_KEY, origin: str = LOG) -> str:
    return sign_note(format_checkpoint(origin, size, root_hash(leaves[:size])), origin, key)


@pytest.fixture
def witness(clean_graph: Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    configured = dataclasses.replace(
        settings, witness_name_setting="witness.test/w1", data_dir=tmp_path_factory.mktemp("witness")
    )
    arun(settings, lambda d: store.put_witnessed_log(d, settings.neo4j_database, LOG, [vkey(LOG, LOG_KEY.public_key)]))
    with TestClient(create_app(configured), raise_server_exceptions=False) as client:
        yield client


def post(client: TestClient, old: int, proof: list[bytes], checkpoint: str):  # type: ignore[no-untyped-def]
    return client.post("/add-checkpoint", content=format_add_checkpoint(old, proof, checkpoint))


def test_cosigns_a_consistent_history(witness: TestClient) -> None:
    verifier = parse_vkey(witness.get("/witness/vkey").text.strip())
    assert verifier.algorithm == ALG_COSIGNATURE_V1 and verifier.name == "witness.test/w1"
    first = post(witness, 0, [], note(10))
    assert first.status_code == 200, first.text
    (signature,) = split_signature_lines(first.text)
    assert verify_cosignature(note(10).split("\n\n")[0] + "\n", signature, verifier) > 0
    second = post(witness, 10, consistency_proof(LEAVES[:25], 10), note(25))
    assert second.status_code == 200, second.text
    same = post(witness, 25, [], note(25))
    assert same.status_code == 200
    monitored = witness.get(f"/witness/{origin_hash(LOG)}/checkpoint")
    assert monitored.status_code == 200 and "\n25\n" in monitored.text
    assert monitored.text.count("\u2014 ") == 2  # the log's signature and ours


def test_refusals_have_the_spec_status_codes(witness: TestClient, settings: Settings) -> None:
    assert post(witness, 0, [], note(10)).status_code == 200
    stale = post(witness, 3, consistency_proof(LEAVES[:12], 3), note(12))
    assert stale.status_code == 409
    assert stale.headers["content-type"].startswith("text/x.tlog.size") and stale.text == "10\n"
    assert post(witness, 0, [], note(5, origin="unknown.test/log")).status_code == 404
    assert post(witness, 10, consistency_proof(LEAVES[:12], 10), note(12, key=STRANGER)).status_code == 403
    assert post(witness, 13, [], note(12)).status_code == 400
    assert witness.post("/add-checkpoint", content=b"old x\n\n" + note(12).encode()).status_code == 400
    assert witness.post("/add-checkpoint", content=b"garbage").status_code == 400
    # A fork: the same key signs another history; its proof cannot verify against what we cosigned.
    forked = post(witness, 10, consistency_proof(FORK[:20], 10), note(20, leaves=FORK))
    assert forked.status_code == 422
    assert post(witness, 10, [], note(10, leaves=FORK)).status_code == 422
    assert post(witness, 10, [EMPTY_ROOT], note(10)).status_code == 422
    evidence = arun(settings, lambda d: store.witness_evidence(d, settings.neo4j_database, LOG))
    assert len(evidence) == 3 and all(e["status"] == 422 and e["cosigned_size"] == 10 for e in evidence)
    # ... and the witness still stands by its size-10 checkpoint
    assert post(witness, 10, consistency_proof(LEAVES[:30], 10), note(30)).status_code == 200


def test_an_empty_tree_must_have_the_empty_root(witness: TestClient) -> None:
    bad = sign_note(format_checkpoint(LOG, 0, hashlib.sha256(b"x").digest()), LOG, LOG_KEY)
    assert post(witness, 0, [], bad).status_code == 422
    good = sign_note(format_checkpoint(LOG, 0, EMPTY_ROOT), LOG, LOG_KEY)
    assert post(witness, 0, [], good).status_code == 200
