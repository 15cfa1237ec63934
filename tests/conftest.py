"""The one real Neo4j of the test session, and a clean graph for each test that asks for one.

With ``NEO4J_URI`` set, that server is used (and must be disposable: tests delete its data).
Otherwise the project's own launcher (``neo4j/launcher``) is built if needed and started on a free
port with a throw-away store. If it cannot start, every test that needs it errors with the
launcher's own output: the suite never skips and never falls back to anything else.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import _hang_report
import pytest
from _api_seed import SeededGraph, seed_api_graph
from neo4j import Driver
from starlette.testclient import TestClient

from pith_graph.config import Settings
from pith_graph.neo4j_local import LocalNeo4j, LocalNeo4jError, free_port
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import apply_migrations

FIXTURES = Path(__file__).parent / "fixtures"

# The session server's URI once it is known, for the hang report.
_session_uri: list[str] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[object]:
    capture = item.config.pluginmanager.getplugin("capturemanager")  # None under -p no:capture
    timer = _hang_report.watching(
        item.nodeid,
        lambda: _session_uri[0] if _session_uri else None,
        capture.global_and_fixture_disabled if capture is not None else contextlib.nullcontext,
    )
    try:
        return (yield)
    finally:
        timer.cancel()


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("NEO4J_URI", "").strip()
    if configured:
        _session_uri.append(configured)
        yield configured
        return
    server = LocalNeo4j(
        data_dir=tmp_path_factory.mktemp("neo4j"),
        port=free_port(),
        heap=os.environ.get("PITH_TEST_NEO4J_HEAP", "1g"),
        page_cache=os.environ.get("PITH_TEST_NEO4J_PAGE_CACHE", "512m"),
    )
    try:
        server.start()
    except LocalNeo4jError as exc:
        pytest.fail(f"the test Neo4j could not be started: {exc}", pytrace=False)
    # PITH_TEST_ROUTING=1: talk to the launcher through the routing scheme (neo4j://), the code
    # path of a cluster or Aura (a routing table is fetched, reads go to readers).
    routed = os.environ.get("PITH_TEST_ROUTING", "").strip() == "1"
    _session_uri.append(server.uri)
    try:
        yield server.uri.replace("bolt://", "neo4j://", 1) if routed else server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def settings(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at the session's Neo4j, with a throw-away data directory.

    Writes are open here (``PITH_AUTH=off``) so that feature tests need no token; the token
    checks are tested with ``auth_required=True`` in tests/security. Rate limits are off. The query timeout is
    generous: a cold Neo4j on a loaded test machine can take tens of seconds to plan a query.
    """
    base = Settings.from_env()
    return Settings(
        neo4j_uri=neo4j_uri,
        neo4j_user=base.neo4j_user,
        neo4j_password=base.neo4j_password,
        neo4j_database=base.neo4j_database,
        data_dir=tmp_path_factory.mktemp("pith-data"),
        auth_required=False,
        query_timeout=600.0,
        # The in-process test client is no loopback address: feature tests would share one
        # budget. The limits themselves are tested over real HTTP in tests/http/test_edge.py.
        rate_limit="off",
        # No background log integrator: its own queries would show in the tests that count
        # queries or writes. Proofs and tree heads integrate on demand; tests/http/test_log_routes
        # and the served instances of tests/federation run it.
        log_interval=0.0,
    )


@pytest.fixture(scope="session")
def bolt(settings: Settings) -> Iterator[Driver]:
    """A plain driver for setting up and reading back the graph, migrations applied once."""
    with open_driver(settings) as driver:
        apply_migrations(driver, settings.neo4j_database)
        yield driver


_DELETE_ALL_BUT_MIGRATIONS = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


# The modules that read the demo share one load of it (the load is the slow part, about a minute
# of CPU): they run last, in this order, on the graph the ``demo`` fixture fills. The integrity
# links module writes an event into the demo, so it comes after the browser tests.
_DEMO_MODULES = (
    "tests/cli/test_demo.py",
    "tests/cli/test_demo_readme.py",
    "tests/web/",
    "tests/http/test_integrity_links.py",
)


def _demo_rank(item: pytest.Item) -> int:
    path = Path(str(item.path)).resolve().relative_to(Path(__file__).resolve().parent.parent)
    for rank, prefix in enumerate(_DEMO_MODULES, start=1):
        if path.as_posix().startswith(prefix):
            return rank
    return 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_demo_rank)  # stable: each group keeps its collection order


@pytest.fixture(scope="session")
def demo(bolt: Driver, settings: Settings) -> Settings:
    """The demo sample (``pith-graph demo load``, what ``make serve`` loads) in the session graph.

    Loaded once for every module that reads it; those modules run last (see ``_DEMO_MODULES``),
    so no test empties the graph after this. Returns the settings it was loaded with (the
    session's), whose data directory holds the key that signed it.
    """
    from pith_graph.cli.main import main

    with bolt.session(database=settings.neo4j_database) as session:
        session.run(_DELETE_ALL_BUT_MIGRATIONS).consume()
    with pytest.MonkeyPatch.context() as env:
        # As an operator runs it: `pith-graph demo load`, configured by the environment.
        env.setenv("NEO4J_URI", settings.neo4j_uri or "")
        env.setenv("PITH_DATA_DIR", str(settings.data_dir))
        assert main(["demo", "load"]) == 0
    return settings


@pytest.fixture
def clean_graph(bolt: Driver, settings: Settings) -> Driver:
    """An empty graph (migrations kept) for this test; yields the driver to inspect it with."""
    with bolt.session(database=settings.neo4j_database) as session:
        session.run(_DELETE_ALL_BUT_MIGRATIONS).consume()
    return bolt


@pytest.fixture(scope="module")
def seeded(bolt: Driver, settings: Settings) -> SeededGraph:
    """The API tests' hep-th slice (tests/_api_seed.py), written once per module."""
    return seed_api_graph(bolt, settings.neo4j_database)


@pytest.fixture(scope="module")
def http(settings: Settings) -> Iterator[TestClient]:
    """A client over the real app, for a module's tests."""
    from pith_graph.app import create_app

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
