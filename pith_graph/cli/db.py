"""``pith-graph db``: migrate the database, or run the local Neo4j in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from pith_graph.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("db", help="database: migrate, start the local Neo4j, status, backup, restore, check")
    commands = parser.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    migrate = commands.add_parser("migrate", help="apply pending migrations (a no-op when none)")
    migrate.set_defaults(func=_migrate)
    start = commands.add_parser(
        "start", help="run the local Neo4j launcher in the foreground until Ctrl-C / SIGTERM"
    )
    start.set_defaults(func=_start)
    status = commands.add_parser("status", help="print the applied migration version")
    status.set_defaults(func=_status)
    from pith_graph.cli import backup

    backup.register(commands)


def _migrate(args: argparse.Namespace) -> int:
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.store.driver import open_driver
    from pith_graph.store.migrations import applied_version, apply_migrations

    with connected_settings(Settings.from_env()) as settings, open_driver(settings) as driver:
        applied = apply_migrations(driver, settings.neo4j_database)
        version = applied_version(driver, settings.neo4j_database)
    if applied:
        print(f"applied migrations {', '.join(f'{v:04d}' for v in applied)}; now at {version:04d}")
    else:
        print(f"nothing to apply; database at migration {version:04d}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.store.driver import open_driver
    from pith_graph.store.migrations import applied_version, load_migrations

    with connected_settings(Settings.from_env()) as settings, open_driver(settings) as driver:
        version = applied_version(driver, settings.neo4j_database)
    latest = max((m.version for m in load_migrations()), default=0)
    print(f"database at migration {version:04d}; latest available {latest:04d}")
    return 0 if version == latest else 1


def _start(args: argparse.Namespace) -> int:
    from pith_graph.cli._neo4j import connected_settings

    settings = Settings.from_env()
    if not settings.uses_local_neo4j:
        print("NEO4J_URI is set: nothing local to start", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with connected_settings(settings):
        print("pith-graph: Neo4j running; Ctrl-C to stop", file=sys.stderr)
        stop.wait()
    return 0
