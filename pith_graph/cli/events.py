"""`pith-graph events author-key add`: register an author's public key for a paper (operator)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncDriver

from pith_graph.cli._async_db import run_with_driver
from pith_graph.config import Settings
from pith_graph.service import events as service


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("events", help="signed events: author key registration")
    commands = parser.add_subparsers(dest="events_command", metavar="SUBCOMMAND", required=True)
    author_key = commands.add_parser("author-key", help="author keys")
    keys = author_key.add_subparsers(dest="author_key_command", metavar="ACTION", required=True)
    add = keys.add_parser("add", help="register PUBLIC_KEY_HEX for AUTHOR of PITH")
    add.add_argument("pith")
    add.add_argument("author")
    add.add_argument("public_key_hex")
    add.add_argument(
        "--identity-verified",
        action="store_true",
        help="the operator verified the author's identity (strong claims)",
    )
    add.set_defaults(func=_add)


def _add(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> str:
        return await service.register_author_key(
            driver, settings.neo4j_database, pith_number=args.pith, author=args.author,
            public_key_hex=args.public_key_hex, identity_verified=args.identity_verified,
            now=datetime.now(UTC),
        )  # fmt: skip

    try:
        fingerprint = run_with_driver(go)
    except service.EventRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"registered key {fingerprint} for {args.author!r} of {args.pith}")
    return 0
