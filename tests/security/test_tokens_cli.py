"""`pith-graph tokens create|list|revoke` in-process, against the session Neo4j."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.core import tokens as core


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri or "")
    monkeypatch.setenv("PITH_DATA_DIR", str(settings.data_dir))


def test_create_list_revoke(
    env: None, clean_graph: Driver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tokens", "create", "--scope", "register", "--scope", "attest", "--label", "ci"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    token_id = core.parse_token(token)
    assert token_id is not None, token
    assert "shown only now" in out.err

    assert main(["tokens", "list"]) == 0
    listing = capsys.readouterr().out
    assert token_id in listing and "register,attest" in listing and "active" in listing
    # the secret may itself hold "_" (urlsafe base64), so cut the known prefix off, not at a "_"
    secret = token.removeprefix(f"{core.TOKEN_PREFIX}{token_id}_")
    assert len(secret) == 43 and secret not in listing  # never the secret

    assert main(["tokens", "revoke", token_id]) == 0
    assert f"revoked {token_id}" in capsys.readouterr().out
    assert main(["tokens", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["token_id"] == token_id and row["revoked_at"] is not None and "sha256" not in row


def test_revoking_an_unknown_token_fails(
    env: None, clean_graph: Driver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tokens", "revoke", "0000000000000000"]) == 2
    assert "no API token" in capsys.readouterr().err


def test_unknown_scope_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["tokens", "create", "--scope", "root"])


def test_token_format_round_trips() -> None:
    token_id, token = core.new_token()
    assert core.parse_token(token) == token_id
    assert core.hash_matches(token, core.token_sha256(token))
    assert not core.hash_matches(token + "x", core.token_sha256(token))
    assert core.allows(["admin"], core.Scope.IMPORT) and not core.allows(["register"], core.Scope.IMPORT)


@given(st.text())
def test_parse_token_never_raises_on_arbitrary_text(text: str) -> None:
    assert core.parse_token(text) is None or text.startswith(core.TOKEN_PREFIX)
