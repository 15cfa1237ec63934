"""``pith-graph serve``: run the API on the configured Neo4j, or on the local launcher."""

from __future__ import annotations

import argparse
import sys

from pith_graph.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the API (starting the local Neo4j when NEO4J_URI is not set)",
        description="Serve /graphql, /healthz and /readyz. Without NEO4J_URI the local Neo4j "
        "launcher is built (once), started, migrated and stopped again on exit.",
    )
    parser.add_argument("--host", help="bind address (default: PITH_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="bind port (default: PITH_PORT or 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        help="API processes sharing the port (default: PITH_WORKERS or 1). More use more CPU "
        "cores; a GraphQL subscription then sees only the writes its own process accepted",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    parser.set_defaults(func=_serve)


def _raise_system_exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _serve(args: argparse.Namespace) -> int:
    import dataclasses
    import signal

    import uvicorn

    from pith_graph.app import create_app, freeze_start_up
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.keystore import KeyStoreError
    from pith_graph.service.keys import registry_signing_key

    settings = Settings.from_env()
    try:  # before anything starts: an unsafe key file (group/other-readable) refuses the start
        registry_signing_key(settings.data_dir)
    except KeyStoreError as exc:
        print(f"pith-graph serve: {exc}", file=sys.stderr)
        return 2
    if not settings.auth_required:
        print("pith-graph serve: PITH_AUTH=off: anyone can write", file=sys.stderr)
    if args.host:
        settings = dataclasses.replace(settings, host=args.host)
    if args.port:
        settings = dataclasses.replace(settings, port=args.port)
    if args.workers is not None:
        if not 1 <= args.workers <= 64:
            print(f"pith-graph serve: --workers must be 1..64, got {args.workers}", file=sys.stderr)
            return 2
        settings = dataclasses.replace(settings, workers=args.workers)
    _check_can_listen(settings.host, settings.port)
    # uvicorn shuts down gracefully on SIGTERM and then re-raises the signal under the handler it
    # found installed. With Python's default that kills the process before the local Neo4j is
    # stopped; this handler turns it into SystemExit, so the `with` below closes the store cleanly.
    signal.signal(signal.SIGTERM, _raise_system_exit)
    with connected_settings(settings) as ready:
        if ready.load_demo_on_start:  # PITH_LOAD_DEMO=1 (make serve): only into an empty graph
            from pith_graph.cli.demo import load_demo_if_empty

            load_demo_if_empty(ready)
        schedule = None
        if ready.harvest_interval > 0:  # PITH_HARVEST_INTERVAL: off by default
            from pith_graph.cli.harvest import HarvestSchedule

            schedule = HarvestSchedule(ready).start()
        options = {
            "host": ready.host,
            "port": ready.port,
            "log_level": args.log_level,
            # Access lines are logged at info: above it they are dropped anyway, and uvicorn
            # would still format each request's client and path to drop them.
            "access_log": args.log_level in ("info", "debug"),
            "proxy_headers": False,
            "ws_max_size": ready.max_body_bytes,
        }
        if ready.workers == 1:
            uvicorn.run(freeze_start_up(create_app(ready)), **options)
        else:
            _prepare_workers(ready)
            uvicorn.run("pith_graph.app:app_from_env", factory=True, workers=ready.workers, **options)
        if schedule is not None:
            schedule.stop()
    return 0


def _check_can_listen(host: str, port: int) -> None:
    """Refuse before Neo4j starts (which takes seconds) when the API's address is taken."""
    import socket

    from pith_graph.cli.errors import EXIT_BLOCKED, CliError

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError as exc:
        raise CliError(
            f"cannot listen on {host}:{port}",
            exc.strerror or str(exc),
            "stop the program using it, or choose another port with --port or PITH_PORT",
            EXIT_BLOCKED,
        ) from exc


def _prepare_workers(ready: Settings) -> None:
    """Hand the worker processes what this one settled, and migrate once, here.

    Workers are fresh interpreters that build their settings from the environment: they get
    the Neo4j URI (perhaps the local launcher's, started above) and the address. Migrations run
    before they start, so N workers do not race to apply them.
    """
    import os

    from pith_graph.store.driver import open_driver
    from pith_graph.store.migrations import apply_migrations

    if ready.migrate_on_start:
        with open_driver(ready) as driver:
            apply_migrations(driver, ready.neo4j_database)
    os.environ.update(
        NEO4J_URI=ready.neo4j_uri or "",
        PITH_HOST=ready.host,
        PITH_PORT=str(ready.port),
        PITH_MIGRATE_ON_START="0",
    )
