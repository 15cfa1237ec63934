"""`pith-graph mirror follow URL`: follow another registry (see :mod:`pith_graph.service.mirror`).

    pith-graph mirror follow URL [--origin-key HEX] [--watch [--interval S]]
    pith-graph mirror list
    pith-graph mirror hash      (compare with the origin's: equal once in step)

Exit 0 synced, 1 the sync failed (origin unreachable, untrusted keys or tiles, or another
follower of this data directory is running), 2 bad input, 3 the origin's history was rewritten:
nothing was imported from it, the evidence (both checkpoints, the failed proof) is printed as
JSON on stdout.

One follower per data directory: ``follow`` holds ``$PITH_DATA_DIR/mirror/follower.lock``, the
lock ``serve``'s background follower takes. A second one-off ``follow`` says who holds it and
exits 1; with ``--watch`` it waits for the holder to exit and then takes over.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from neo4j import AsyncDriver
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from pith_graph import keystore
from pith_graph.cli._async_db import run_with_driver
from pith_graph.config import Settings
from pith_graph.core.signing import PublicKey
from pith_graph.service import mirror as service
from pith_graph.store import mirror as store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("mirror", help="follow another registry's log and records")
    commands = parser.add_subparsers(dest="mirror_command", metavar="SUBCOMMAND", required=True)
    follow = commands.add_parser("follow", help="sync from the registry at URL (once, or --watch)")
    follow.add_argument("url", help="the origin registry's base URL")
    follow.add_argument("--origin-key", help="the origin's Ed25519 public key, 64 hex (else trust on first use)")
    follow.add_argument("--watch", action="store_true", help="keep following, one sync every --interval")
    follow.add_argument("--interval", type=float, default=10.0, help="seconds between syncs with --watch")
    follow.set_defaults(func=_follow)
    commands.add_parser("list", help="the origins followed (JSON lines)").set_defaults(func=_list)
    commands.add_parser(
        "hash", help="content hash of this graph's papers, aliases, citations and events (JSON)"
    ).set_defaults(func=_hash)


def _fail(message: str, code: int = 2) -> int:
    print(f"pith-graph mirror: {message}", file=sys.stderr)
    return code


def _follow(args: argparse.Namespace) -> int:
    if not args.url.startswith(("http://", "https://")):
        return _fail(f"{args.url!r} is not an http(s) URL")
    try:
        origin_key = PublicKey("origin", bytes.fromhex(args.origin_key)) if args.origin_key else None
    except ValueError as exc:
        return _fail(f"--origin-key: {exc}")
    if args.interval < 0.1:
        return _fail("--interval is at least 0.1 s")

    data_dir = Settings.from_env().data_dir
    waiting = False
    while True:
        with service.follower_lock(data_dir) as held:
            if held:
                return _follow_holding_the_lock(args, origin_key)
        holder = service.follower_lock_holder(data_dir)
        message = (
            f"another follower{f' (pid {holder})' if holder else ''} holds "
            f"{service.follower_lock_path(data_dir)}: one follower per data directory"
        )
        if not args.watch:
            return _fail(f"{message}; stop it, or use --watch to wait and take over", 1)
        if not waiting:
            print(f"pith-graph mirror: {message}; waiting for it to exit", file=sys.stderr, flush=True)
            waiting = True
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0


def _follow_holding_the_lock(args: argparse.Namespace, origin_key: PublicKey | None) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> int:
        trust = keystore.trust_store_for(settings.data_dir)
        while True:
            with Progress(
                TextColumn("mirror {task.description}"), BarColumn(), TaskProgressColumn(),
                TimeRemainingColumn(), transient=True, disable=not sys.stderr.isatty(),
            ) as bar:  # fmt: skip
                task = bar.add_task(args.url, total=None)

                def moved(done: int, total: int, bar: Progress = bar, task: TaskID = task) -> None:
                    bar.update(task, completed=done, total=total)

                try:
                    report = await service.follow_once(
                        driver, settings.neo4j_database, args.url, trust, origin_key=origin_key,
                        progress=moved,
                    )  # fmt: skip
                except service.ForkDetected as exc:
                    print(json.dumps({"code": exc.code, "message": str(exc), **exc.evidence}, indent=2))
                    return _fail(f"STOPPED: {exc}", 3)
                except service.MirrorError as exc:
                    if not args.watch:
                        return _fail(f"{exc.code}: {exc}", 1)
                    print(f"pith-graph mirror: {exc.code}: {exc}", file=sys.stderr)
                else:
                    print(
                        f"synced {report.origin} size {report.size}: {report.entries} entries, "
                        f"{report.bundles_imported} bundles, {report.papers_created} new papers, "
                        f"{report.events_imported} new events, {len(report.refused)} refused"
                    )
                    for line in report.refused:
                        print(f"refused: {line}", file=sys.stderr)
            if not args.watch:
                return 0
            await asyncio.sleep(args.interval)

    try:
        return run_with_driver(go)
    except KeyboardInterrupt:
        return 0


def _list(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> list[dict[str, Any]]:
        return await store.mirror_origins(driver, settings.neo4j_database)

    for row in run_with_driver(go):
        print(json.dumps(row, sort_keys=True))
    return 0


def _hash(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> dict[str, str]:
        return await service.content_hash(driver, settings.neo4j_database)

    print(json.dumps(run_with_driver(go), indent=2, sort_keys=True))
    return 0
