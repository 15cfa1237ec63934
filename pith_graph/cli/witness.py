"""`pith-graph witness`: which logs this registry witnesses, and which witnesses it asks.

    pith-graph witness key                          this registry's witness name and vkey
    pith-graph witness add-log ORIGIN VKEY... [--url URL]
                                                    cosign checkpoints of that log (its note vkeys);
                                                    its key rotations are followed from URL's
                                                    /.well-known/pith/keys.json (default https://ORIGIN)
    pith-graph witness remove-log ORIGIN
    pith-graph witness logs                         witnessed logs, their latest cosigned size
    pith-graph witness add-witness URL VKEY         ask that witness (POST URL/add-checkpoint)
    pith-graph witness remove-witness NAME
    pith-graph witness witnesses                    witnesses asked, the size each cosigned
    pith-graph witness evidence [ORIGIN]            refused checkpoints kept as evidence of a fork

Exit 0 done, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from neo4j import AsyncDriver

from pith_graph.cli._async_db import run_with_driver
from pith_graph.config import Settings
from pith_graph.core.note import ALG_COSIGNATURE_V1, ALG_ED25519, InvalidNote, parse_vkey
from pith_graph.service import witness as service
from pith_graph.store import witness as store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "witness", help="witnessing: logs this registry cosigns, witnesses it asks (C2SP)"
    )
    commands = parser.add_subparsers(dest="witness_command", metavar="SUBCOMMAND", required=True)
    commands.add_parser("key", help="this registry's witness name and cosignature vkey").set_defaults(func=_key)
    add_log = commands.add_parser("add-log", help="witness a log: its origin and note vkey(s)")
    add_log.add_argument("origin")
    add_log.add_argument("vkeys", nargs="+", metavar="VKEY")
    add_log.add_argument("--url", help="the log's base URL, where its key rotations are read (default https://ORIGIN)")
    add_log.set_defaults(func=_add_log)
    remove_log = commands.add_parser("remove-log", help="stop witnessing a log")
    remove_log.add_argument("origin")
    remove_log.set_defaults(func=_remove_log)
    commands.add_parser("logs", help="the logs witnessed (JSON lines)").set_defaults(func=_logs)
    add_witness = commands.add_parser("add-witness", help="ask a witness to cosign our checkpoints")
    add_witness.add_argument("url", help="the witness's submission prefix (its base URL)")
    add_witness.add_argument("vkey", help="its cosignature/v1 vkey (`pith-graph witness key` there)")
    add_witness.set_defaults(func=_add_witness)
    remove_witness = commands.add_parser("remove-witness", help="stop asking a witness")
    remove_witness.add_argument("name")
    remove_witness.set_defaults(func=_remove_witness)
    commands.add_parser("witnesses", help="the witnesses asked (JSON lines)").set_defaults(func=_witnesses)
    evidence = commands.add_parser("evidence", help="refused checkpoints kept as evidence")
    evidence.add_argument("origin", nargs="?")
    evidence.set_defaults(func=_evidence)


def _fail(message: str) -> int:
    print(f"pith-graph witness: {message}", file=sys.stderr)
    return 2


def _key(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    key = service.witness_signing_key(settings.data_dir)
    verifier = service.witness_verifier(settings.witness_name, key)
    print(verifier.vkey)
    return 0


def _add_log(args: argparse.Namespace) -> int:
    try:
        verifiers = [parse_vkey(v) for v in args.vkeys]
    except InvalidNote as exc:
        return _fail(str(exc))
    if any(v.algorithm != ALG_ED25519 or v.name != args.origin for v in verifiers):
        return _fail("each VKEY is an Ed25519 note key named after the ORIGIN (GET <log>/log/vkeys)")
    if args.url is not None and not args.url.startswith(("http://", "https://")):
        return _fail(f"{args.url!r} is not an http(s) URL")

    async def go(driver: AsyncDriver, settings: Settings) -> None:
        await store.put_witnessed_log(driver, settings.neo4j_database, args.origin, args.vkeys, args.url)

    run_with_driver(go)
    print(f"witnessing {args.origin} ({len(verifiers)} key(s))")
    return 0


def _remove_log(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> bool:
        return await store.delete_witnessed_log(driver, settings.neo4j_database, args.origin)

    if not run_with_driver(go):
        return _fail(f"{args.origin!r} is not witnessed")
    return 0


def _print_rows(rows: list[dict[str, Any]]) -> int:
    for row in rows:
        print(json.dumps(row, sort_keys=True))
    return 0


def _logs(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> list[dict[str, Any]]:
        return await store.witnessed_logs(driver, settings.neo4j_database)

    return _print_rows(run_with_driver(go))


def _add_witness(args: argparse.Namespace) -> int:
    try:
        verifier = parse_vkey(args.vkey)
    except InvalidNote as exc:
        return _fail(str(exc))
    if verifier.algorithm != ALG_COSIGNATURE_V1:
        return _fail("a witness vkey is a cosignature/v1 key (algorithm 0x04)")
    if not args.url.startswith(("http://", "https://")):
        return _fail(f"{args.url!r} is not an http(s) URL")

    async def go(driver: AsyncDriver, settings: Settings) -> None:
        await store.put_log_witness(driver, settings.neo4j_database, verifier.name, args.url, args.vkey)

    run_with_driver(go)
    print(f"asking {verifier.name} at {args.url}")
    return 0


def _remove_witness(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> bool:
        return await store.delete_log_witness(driver, settings.neo4j_database, args.name)

    if not run_with_driver(go):
        return _fail(f"{args.name!r} is not a configured witness")
    return 0


def _witnesses(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> list[dict[str, Any]]:
        return await store.log_witnesses(driver, settings.neo4j_database)

    return _print_rows(run_with_driver(go))


def _evidence(args: argparse.Namespace) -> int:
    async def go(driver: AsyncDriver, settings: Settings) -> list[dict[str, Any]]:
        return await store.witness_evidence(driver, settings.neo4j_database, args.origin)

    return _print_rows(run_with_driver(go))
