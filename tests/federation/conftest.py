"""Registries that talk to each other: each has its own Neo4j (Community edition holds one
database per server), started with the real launcher and small memory settings."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.neo4j_local import LocalNeo4j, LocalNeo4jError, free_port
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import apply_migrations

_DELETE_ALL_BUT_MIGRATIONS = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


@pytest.fixture(scope="session")
def second_neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = LocalNeo4j(
        data_dir=tmp_path_factory.mktemp("neo4j-second"),
        port=free_port(),
        heap=os.environ.get("PITH_TEST_SECOND_NEO4J_HEAP", "512m"),
        page_cache=os.environ.get("PITH_TEST_SECOND_NEO4J_PAGE_CACHE", "128m"),
    )
    try:
        server.start()
    except LocalNeo4jError as exc:
        pytest.fail(f"the second test Neo4j could not be started: {exc}", pytrace=False)
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def second_settings(
    second_neo4j_uri: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        neo4j_uri=second_neo4j_uri,
        neo4j_user=settings.neo4j_user,
        neo4j_password=settings.neo4j_password,
        neo4j_database=settings.neo4j_database,
        data_dir=tmp_path_factory.mktemp("pith-data-second"),
        auth_required=False,
        query_timeout=600.0,
    )


@pytest.fixture(scope="session")
def second_bolt(second_settings: Settings) -> Iterator[Driver]:
    with open_driver(second_settings) as driver:
        apply_migrations(driver, second_settings.neo4j_database)
        yield driver


@pytest.fixture
def second_clean(second_bolt: Driver, second_settings: Settings) -> Driver:
    with second_bolt.session(database=second_settings.neo4j_database) as session:
        session.run(_DELETE_ALL_BUT_MIGRATIONS).consume()
    return second_bolt
