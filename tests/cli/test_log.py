"""`pith-graph log verify`: inclusion and consistency proofs checked offline with the public key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core.events import EventKind
from pith_graph.service import events as event_service
from pith_graph.service import log as log_service

PUBLIC = REGISTRY_KEY.public_key.hex


@pytest.fixture
def proofs(clean_graph: Driver, settings: Settings) -> dict[str, Any]:
    papers = [insert_paper(settings, r) for r in seed_records()]
    event = signed(
        EventKind.CITATION_SIGNATURE,
        papers[0],
        payload_for(EventKind.CITATION_SIGNATURE, cited=papers[1]),
    )

    async def go(driver: AsyncDriver) -> dict[str, Any]:
        db, now, origin = settings.neo4j_database, datetime.now(UTC), settings.log_origin
        await event_service.submit_event(driver, db, event.to_json(), now=now, trust=TRUST)
        return {
            "event": await log_service.inclusion_document(
                driver, db, REGISTRY_KEY, now, event_id=event.event_id, origin=origin
            ),
            "receipt": await log_service.inclusion_document(
                driver, db, REGISTRY_KEY, now, pith_number=papers[0], origin=origin
            ),
            "consistency": await log_service.consistency_document(
                driver, db, REGISTRY_KEY, now, 2, 3, origin=origin
            ),
        }

    return arun(settings, go)


def _file(tmp_path: Path, document: Any, name: str = "proof.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("which", ["event", "receipt", "consistency"])
def test_served_proofs_verify_offline(
    proofs: dict[str, Any], which: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "verify", _file(tmp_path, proofs[which]), "--public-key", PUBLIC]) == 0
    assert "verified" in capsys.readouterr().out


def test_a_whole_graphql_response_is_accepted(proofs: dict[str, Any], tmp_path: Path) -> None:
    response = {"data": {"inclusionProof": proofs["event"]}}
    assert main(["log", "verify", _file(tmp_path, response), "--public-key", PUBLIC]) == 0


def test_published_key_file_works(proofs: dict[str, Any], tmp_path: Path) -> None:
    key_file = _file(
        tmp_path, {"key_id": REGISTRY_KEY.key_id, "public_key_hex": PUBLIC}, "key.json"
    )
    assert main(["log", "verify", _file(tmp_path, proofs["event"]), "--key-file", key_file]) == 0


def test_tampered_audit_path_is_not_verified(
    proofs: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = proofs["event"]
    document["audit_path"][0] = "00" * 32
    assert main(["log", "verify", _file(tmp_path, document), "--public-key", PUBLIC]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().err


def test_forged_tree_head_is_not_verified(proofs: dict[str, Any], tmp_path: Path) -> None:
    document = proofs["consistency"]
    document["second_tree_head"]["tree_head"]["tree_size"] = 4
    assert main(["log", "verify", _file(tmp_path, document), "--public-key", PUBLIC]) == 1


def test_another_key_is_not_verified(proofs: dict[str, Any], tmp_path: Path) -> None:
    assert main(["log", "verify", _file(tmp_path, proofs["event"]), "--public-key", "11" * 32]) == 1


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    assert main(["log", "verify", str(tmp_path / "missing.json"), "--public-key", PUBLIC]) == 2
