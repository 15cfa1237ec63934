"""Three registries on loopback, each served by the real app: an origin (the session's Neo4j), a
mirror that follows it from ``serve``'s configuration (``mirror_origin``) and a witness that
cosigns its checkpoints (both on the second Neo4j; the witness integrates no log of its own).

The mirror follows registrations, citations, events and a key rotation (the origin restarted on
the same address with its new key); resolve, records, citations and events answer the same on
both, and the two graphs' content hashes are equal. A forked origin (its history rewritten under
the same key) is detected by the mirror and by the witness.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from conformance.test_tlog_go import graphql, http_get
from events_support import arun, payload_for, signed
from live_server import live_server
from neo4j import Driver

from pith_graph import keystore
from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.core.log import verify_cosigned_checkpoint
from pith_graph.core.merkle import InvalidProof
from pith_graph.core.metadata import parse_metadata
from pith_graph.core.note import parse_vkey
from pith_graph.neo4j_local import free_port
from pith_graph.service import events as event_service
from pith_graph.service import mirror
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store import witness as witness_store
from pith_graph.store.citation_writer import add_citations
from pith_graph.store.driver import open_driver
from pith_graph.store.paper_writer import write_papers

ORIGIN = "origin.test/federated"
WITNESS = "witness.test/federation"


def raw_paper(i: int) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": f"2607.{20000 + i:05d}", "version": 1},
        "title": f"Federated paper {i}",
        "abstract": "An abstract.",
        "license": "http://creativecommons.org/licenses/by/4.0/",
        "primary_cat": "hep-th",
        "cross_cats": [],
        "submitted_at": "2026-07-01T10:00:00Z",
        "authors": ["A. Author"],
    }


def register(settings: Settings, start: int, count: int) -> list[str]:
    key = keystore.load_signing_key(settings.data_dir)
    metas = [prepare(parse_metadata(raw_paper(i))) for i in range(start, start + count)]
    rows = registration_rows(metas, key, datetime_now())
    with open_driver(settings) as driver:
        write_papers(driver, settings.neo4j_database, rows)
        # Each paper cites the one before it, and an unregistered work.
        add_citations(driver, settings.neo4j_database, [
            row for i in range(start, start + count) for row in (
                {"citing": f"2607.{20000 + i:05d}", "kind": "arxiv", "target": f"2607.{20000 + i - 1:05d}", "position": 0, "raw": None},
                {"citing": f"2607.{20000 + i:05d}", "kind": "doi", "target": f"10.9999/unregistered.{i}", "position": 1, "raw": "Unregistered, 2020"},
            )
        ])  # fmt: skip
    return [r["paper"]["pith_number"] for r in rows]


def datetime_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def content_hash(settings: Settings) -> dict[str, str]:
    return arun(settings, lambda d: mirror.content_hash(d, settings.neo4j_database))


def wait_until(what: str, check: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except (OSError, InvalidProof):
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def cosigned_size(origin_url: str, settings: Settings, vkey: str) -> int:
    note = http_get(f"{origin_url}/log/checkpoint")
    key = keystore.load_signing_key(settings.data_dir).public_key
    return verify_cosigned_checkpoint(note, key, [parse_vkey(vkey)], 1)[0].size


def answers(base: str, arxiv_id: str) -> dict[str, Any]:
    """What a client asks about one paper: resolve, the record, its references, citations and events."""
    data = graphql(base, f"""{{ resolve(alias: "arXiv:{arxiv_id}") {{ status paper {{
        pithNumber canonicalSha256 citationCount referenceCount events(first: 100) record
        references(first: 50) {{ totalCount edges {{ resolved node {{ pithNumber }} }} }}
        citations(first: 50) {{ totalCount edges {{ node {{ pithNumber }} }} }} }} }} }}""")
    paper = data["resolve"]["paper"]
    record = paper.pop("record")
    # Links name the host that serves them; the rest of the record is the origin's.
    paper["record"] = {k: record.get(k) for k in ("pith_number", "canonical_sha256", "canonical_record", "receipt", "aliases", "events", "source")}
    return data


def test_a_mirror_and_a_witness_follow_an_origin_through_a_key_rotation_and_catch_its_fork(
    clean_graph: Driver, settings: Settings, second_clean: Driver, second_settings: Settings,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.INFO, logger="pith_graph.service.mirror")
    origin_settings = dataclasses.replace(settings, data_dir=tmp_path / "origin", log_origin_setting=ORIGIN, log_interval=0.2)
    keystore.generate_key(origin_settings.data_dir, "origin-key-1")
    witness_settings = dataclasses.replace(second_settings, data_dir=tmp_path / "witness", witness_name_setting=WITNESS, log_interval=0.0)
    port = free_port()
    origin_url = f"http://127.0.0.1:{port}"
    mirror_settings = dataclasses.replace(
        second_settings, data_dir=tmp_path / "mirror", log_interval=0.2, mirror_origin=origin_url, mirror_interval=0.3
    )
    db = settings.neo4j_database

    def configure_witness(witness_url: str) -> str:
        vkey = http_get(f"{witness_url}/witness/vkey").strip()
        log_vkeys = http_get(f"{origin_url}/log/vkeys").split()
        arun(second_settings, lambda d: witness_store.put_witnessed_log(d, db, ORIGIN, log_vkeys, origin_url))
        arun(settings, lambda d: witness_store.put_log_witness(d, db, WITNESS, witness_url, vkey))
        return vkey

    def in_step() -> bool:
        return content_hash(origin_settings) == content_hash(mirror_settings)

    with live_server(witness_settings) as (witness_url, _):
        with live_server(origin_settings, port=port):
            witness_vkey = configure_witness(witness_url)
            papers = register(origin_settings, 0, 30)
            trust = keystore.trust_store_for(origin_settings.data_dir)
            event = signed(EventKind.CITATION_SIGNATURE, papers[3], payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]))
            arun(origin_settings, lambda d: event_service.submit_event(d, db, event.to_json(), now=datetime_now(), trust=trust))
            wait_until("the witness's cosignature", lambda: cosigned_size(origin_url, origin_settings, witness_vkey) >= 61)
            with live_server(mirror_settings) as (mirror_url, _):
                wait_until("the mirror in step", in_step)
                hashes = content_hash(mirror_settings)
                assert set(hashes) == {"papers", "aliases", "citations", "events", "all"}
                for arxiv_id in ("2607.20003", "2607.20001"):
                    assert answers(origin_url, arxiv_id) == answers(mirror_url, arxiv_id)
                assert answers(mirror_url, "2607.20001")["resolve"]["paper"]["citations"]["totalCount"] == 1
                # The mirror says what it mirrors, and where each record came from.
                manifest = json.loads(http_get(f"{mirror_url}/pith-mirrors.json"))
                assert manifest["mirrors"][0]["base_url"] == mirror_url
                assert manifest["mirrors"][0]["status"] == "mirror"
                assert manifest["mirrors"][0]["mirrored_from"] == [origin_url]
                assert {"base_url": origin_url, "status": "primary"}.items() <= manifest["mirrors"][1].items()
                assert json.loads(http_get(f"{origin_url}/pith-mirrors.json"))["mirrors"][0]["status"] == "primary"
                body = papers[0].rsplit(":", 1)[-1]
                assert json.loads(http_get(f"{mirror_url}/pith/{body}.json"))["mirrored_from"] == origin_url
                assert "mirrored_from" not in json.loads(http_get(f"{origin_url}/pith/{body}.json"))
                asked = f'{{ resolve(alias: "{papers[0]}") {{ paper {{ mirroredFrom }} }} }}'
                assert graphql(mirror_url, asked)["resolve"]["paper"]["mirroredFrom"] == origin_url
                assert graphql(origin_url, asked)["resolve"]["paper"]["mirroredFrom"] is None

                # 2. The origin rotates its key (announced by the old one) and comes back.
        old_key = keystore.load_signing_key(origin_settings.data_dir).public_key
        new_info = keystore.rotate_key(origin_settings.data_dir, "origin-key-2")
        assert new_info.rotation is not None and new_info.rotation["retired_key_id"] == "origin-key-1"
        with live_server(origin_settings, port=port):
            vkeys = http_get(f"{origin_url}/log/vkeys").split()
            assert len(vkeys) == 2  # the new key first, the retired one beside it
            # The witness follows the rotation from the origin's key list: its operator adds nothing.
            # Each citing paper's citations get a log leaf of their own (30 receipt leaves, 30
            # citations leaves and an event so far); the mirror fetches them with the papers.
            more = register(origin_settings, 30, 10)
            wait_until("the origin's checkpoint", lambda: "\n81\n" in http_get(f"{origin_url}/log/checkpoint"))
            with live_server(mirror_settings) as (mirror_url, _):
                wait_until("the mirror in step after the rotation", in_step)
                receipts = second_clean.execute_query(
                    "MATCH (r:Receipt) RETURN r.public_key_fingerprint AS f, count(*) AS n ORDER BY f"
                ).records
                assert sorted(r["n"] for r in receipts) == [10, 30]  # receipts under both keys, all verified
                assert {old_key.fingerprint, new_info.public_key.fingerprint} == {r["f"] for r in receipts}
                assert answers(origin_url, "2607.20035") == answers(mirror_url, "2607.20035")
                wait_until("a cosignature under the new key", lambda: cosigned_size(origin_url, origin_settings, witness_vkey) >= 81)
                witnessed = arun(second_settings, lambda d: witness_store.witnessed_log(d, db, ORIGIN))
                assert witnessed is not None and len(witnessed["vkeys"]) == 2
                assert more[0] in {r["pith"] for r in second_clean.execute_query("MATCH (p:Paper) RETURN p.pith_number AS pith").records}

                # 3. The origin rewrites its history under the same key: both notice, nothing is imported.
                before = content_hash(mirror_settings)
                clean_graph.execute_query(
                    "MATCH (n) WHERE n:LogEntry OR n:LogTile OR n:LogCheckpoint OR n:LogIntegration OR n:LogHead "
                    "OR n:LogCosignature OR n:Paper OR n:Receipt OR n:Alias OR n:Event OR n:Work DETACH DELETE n"
                )
                register(origin_settings, 100, 45)  # another history, longer than the one seen
                wait_until("the rewritten checkpoint", lambda: "\n90\n" in http_get(f"{origin_url}/log/checkpoint"))
                wait_until("the mirror's refusal", lambda: "STOPPED" in caplog.text)
                with pytest.raises(mirror.ForkDetected) as info:
                    arun(mirror_settings, lambda d: mirror.follow_once(d, db, origin_url, keystore.trust_store_for(mirror_settings.data_dir)))
                assert "\n81\n" in info.value.evidence["previous_checkpoint"] and "\n90\n" in info.value.evidence["checkpoint"]
                assert info.value.evidence["consistency_proof"]
                refused = wait_until("the witness's refusal", lambda: [
                    e for e in arun(second_settings, lambda d: witness_store.witness_evidence(d, db, ORIGIN)) if e["status"] == 422
                ])  # fmt: skip
                assert refused[0]["cosigned_size"] == 81
                assert content_hash(mirror_settings) == before
