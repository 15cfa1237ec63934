"""The registry's signing key: published (public half only), refused when unsafe, never leaked."""

from __future__ import annotations

import base64
import dataclasses
import logging
import os
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph import keystore
from pith_graph.app import create_app
from pith_graph.cli.main import main
from pith_graph.config import Settings

from .conftest import gql

SEED = bytes(range(100, 132))
REGISTER = """
mutation($input: PaperInput!) { registerPaper(input: $input) { pithNumber receipt { keyId signatureB64 } } }
"""
PAPER = {
    "source": {"id": "2611.04242", "version": 1},
    "title": "Keys",
    "abstract": "Abstract.",
    "submittedAt": "2026-11-01T10:00:00Z",
    "primaryCat": "cs.CR",
    "authors": ["Ada Lovelace"],
}


@pytest.fixture
def keyed(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("PITH_SIGNING_KEY", raising=False)
    monkeypatch.delenv("PITH_SIGNING_KEY_ID", raising=False)
    data_dir = tmp_path / "pith-data"
    monkeypatch.setenv("PITH_DATA_DIR", str(data_dir))
    keystore.generate_key(data_dir, "k1")
    keystore.rotate_key(data_dir, "k2", seed=SEED)
    return dataclasses.replace(settings, data_dir=data_dir)


def test_current_and_retired_public_keys_are_published(keyed: Settings, clean_graph: Driver) -> None:
    with TestClient(create_app(keyed)) as client:
        doc = client.get("/.well-known/pith/keys.json").json()
        assert client.get("/api/pith-number/keys").json() == doc
        receipt = gql(client, REGISTER, {"input": PAPER}).json()["data"]["registerPaper"]["receipt"]
    assert doc["key_id"] == "k2" == receipt["keyId"]
    assert doc["algorithm"] == "ed25519"
    by_id = {k["key_id"]: k for k in doc["keys"]}
    assert by_id["k1"]["status"] == "retired" and by_id["k1"]["retired_at"]
    assert by_id["k2"]["status"] == "current"
    for info in keystore.list_keys(keyed.data_dir):
        published = by_id[info.key_id]
        assert published["public_key_hex"] == info.public_key.hex
        assert published["public_key_fingerprint"] == info.public_key.fingerprint


def test_the_environment_key_is_published_as_current(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PITH_SIGNING_KEY", SEED.hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", "from-env")
    empty = dataclasses.replace(settings, data_dir=tmp_path / "nothing")
    with TestClient(create_app(empty)) as client:
        doc = client.get("/.well-known/pith/keys.json").json()
    assert doc["key_id"] == "from-env"
    assert doc["public_key_hex"] == keystore.load_signing_key_from_env().public_key.hex  # type: ignore[union-attr]


def test_a_key_file_readable_by_others_refuses_the_start(
    keyed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = keystore.keys_dir(keyed.data_dir) / "k2.key"
    os.chmod(key_file, 0o640)
    with pytest.raises(keystore.KeyStoreError, match="chmod 600"):
        with TestClient(create_app(keyed)):
            pass
    assert main(["serve"]) == 2
    assert "accessible by group/others" in capsys.readouterr().err
    os.chmod(key_file, 0o600)


def _secret_forms(seed: bytes) -> list[str]:
    secret_key = seed + keystore.load_signing_key_from_env({"PITH_SIGNING_KEY": seed.hex(), "PITH_SIGNING_KEY_ID": "x"}).public_key.raw  # type: ignore[union-attr]
    forms = []
    for raw in (seed, secret_key):
        forms += [raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]
    return forms


def test_the_private_key_never_appears_in_responses_logs_errors_or_exports(
    keyed: Settings,
    clean_graph: Driver,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    with TestClient(create_app(keyed), raise_server_exceptions=False) as client:
        pith = gql(client, REGISTER, {"input": PAPER}).json()["data"]["registerPaper"]["pithNumber"]
        for query in (
            "{ __schema { types { name fields { name } } } }",
            '{ signedTreeHead inclusionProof(pithNumber: "%s") { __typename } }' % pith,
            '{ exportBundle(pithNumber: "%s") graphState(pithNumber: "%s") }' % (pith, pith),
            '{ resolve(alias: "%s") { paper { receipt { keyId signatureB64 } } } }' % pith,
            "mutation { importRecord(record: {garbage: true}) { pithNumber } }",
            "{ nonsense }",
        ):
            seen.append(client.post("/graphql", json={"query": query}).text)
        suffix = pith.split(":")[-1]
        for path in (
            "/.well-known/pith/keys.json",
            f"/pith/{suffix}.json",
            f"/pith/{suffix}/bundle.json",
            f"/api/pith-number/{suffix}/graph.json",
        ):
            seen.append(client.get(path).text)
    for command in (["keys", "list"], ["keys", "publish"]):
        main(command)
    captured = capsys.readouterr()
    seen += [captured.out, captured.err, caplog.text]
    # A malformed environment key is refused without being echoed.
    bad = SEED.hex()[:-2]
    with pytest.raises(keystore.KeyStoreError) as refused:
        keystore.load_signing_key_from_env({"PITH_SIGNING_KEY": bad, "PITH_SIGNING_KEY_ID": "x"})
    seen.append(str(refused.value))
    assert bad not in seen[-1]
    everything = "\n".join(seen)
    assert '"k2"' in everything  # the public side is there
    for secret in _secret_forms(SEED):
        assert secret not in everything
