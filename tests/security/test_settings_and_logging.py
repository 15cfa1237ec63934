"""Security settings are safe by default and named when wrong; expected errors log quietly."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from pith_graph.app import create_app
from pith_graph.config import ConfigError, Settings


def test_defaults_are_safe() -> None:
    settings = Settings.from_env({})
    assert settings.auth_required
    assert settings.cors_origins == ()
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.graphql_introspection
    assert settings.query_timeout == 30.0
    assert (settings.max_query_depth, settings.max_aliases, settings.max_query_tokens) == (12, 30, 2000)
    assert settings.max_query_nodes == 50_000


def test_security_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "PITH_AUTH": "off",
            "PITH_CORS_ORIGINS": "https://a.example, https://b.example/",
            "PITH_MAX_BODY_BYTES": "4096",
            "PITH_GRAPHQL_INTROSPECTION": "0",
            "PITH_QUERY_TIMEOUT": "2.5",
            "PITH_MAX_QUERY_DEPTH": "8",
            "PITH_MAX_ALIASES": "5",
            "PITH_MAX_QUERY_TOKENS": "500",
            "PITH_MAX_QUERY_NODES": "1000",
        }
    )
    assert not settings.auth_required
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.max_body_bytes == 4096 and not settings.graphql_introspection
    assert settings.query_timeout == 2.5
    assert (settings.max_query_depth, settings.max_aliases, settings.max_query_tokens) == (8, 5, 500)
    assert settings.max_query_nodes == 1000


@pytest.mark.parametrize(
    "env",
    [
        {"PITH_AUTH": "maybe"},
        {"PITH_CORS_ORIGINS": "example.org"},
        {"PITH_MAX_BODY_BYTES": "12"},
        {"PITH_QUERY_TIMEOUT": "forever"},
        {"PITH_QUERY_TIMEOUT": "0"},
        {"PITH_MAX_QUERY_DEPTH": "0"},
        {"PITH_GRAPHQL_INTROSPECTION": "perhaps"},
    ],
)
def test_bad_security_settings_name_the_variable(env: dict[str, str]) -> None:
    (name,) = env
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env)


def test_expected_errors_are_logged_without_a_traceback(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings)) as client:
        for query in (
            '{ resolve(alias: "pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA") { paper { pithNumber } } }',
            '{ search(title: "") { totalCount } }',
            "{ nonsense }",
            "{ serviceVersion ",
        ):
            body = client.post("/graphql", json={"query": query}).json()
            assert body.get("errors") is None or body["errors"][0]["extensions"]["code"] != "INTERNAL"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
