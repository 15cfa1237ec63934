from __future__ import annotations

from pathlib import Path

import pytest

from pith_graph.config import ConfigError, Settings


def test_defaults_use_the_local_launcher() -> None:
    settings = Settings.from_env({})
    assert settings.uses_local_neo4j
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.data_dir == Path(".pith")


def test_environment_is_read() -> None:
    settings = Settings.from_env(
        {
            "NEO4J_URI": "neo4j+s://abc.databases.neo4j.io",
            "NEO4J_USER": "reader",
            "NEO4J_PASSWORD": "s3cret",
            "NEO4J_DATABASE": "pith",
            "PITH_DATA_DIR": "/var/lib/pith",
            "PITH_HOST": "0.0.0.0",
            "PITH_PORT": "9000",
            "PITH_WORKERS": "3",
        }
    )
    assert not settings.uses_local_neo4j
    assert settings.neo4j_auth == ("reader", "s3cret")
    assert settings.neo4j_database == "pith"
    assert settings.data_dir == Path("/var/lib/pith")
    assert settings.public_base_url == "http://0.0.0.0:9000"
    assert settings.workers == 3


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PITH_PORT": "eighty"}, "PITH_PORT"),
        ({"PITH_PORT": "70000"}, "PITH_PORT"),
        ({"PITH_WORKERS": "0"}, "PITH_WORKERS"),
        ({"NEO4J_URI": "http://localhost:7474"}, "NEO4J_URI"),
        ({"PITH_NEO4J_APOC": "maybe"}, "PITH_NEO4J_APOC"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
