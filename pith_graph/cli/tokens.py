"""`pith-graph tokens create|list|revoke`: the bearer API tokens that may write.

``create`` prints the token once (only its SHA-256 is stored); ``list`` shows ids, scopes,
labels and revocation times, never secrets; ``revoke TOKEN_ID`` takes effect on the next request.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pith_graph.core.tokens import Scope

EXIT_OK, EXIT_REFUSED, EXIT_UNAVAILABLE = 0, 2, 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("tokens", help="create, list and revoke API tokens for writes")
    commands = parser.add_subparsers(dest="tokens_command", metavar="SUBCOMMAND", required=True)
    create = commands.add_parser("create", help="create a token (printed once) with scopes")
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=[s.value for s in Scope],
        help="repeat for several: register, attest, import, admin (admin implies all)",
    )
    create.add_argument("--label", default=None, help="who or what the token is for")
    create.set_defaults(func=_create)
    listing = commands.add_parser("list", help="list tokens (ids, scopes, labels; no secrets)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)
    revoke = commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id")
    revoke.set_defaults(func=_revoke)


@contextmanager
def _database() -> Iterator[tuple[Any, str]]:
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.config import Settings
    from pith_graph.store.driver import open_driver
    from pith_graph.store.migrations import apply_migrations

    with connected_settings(Settings.from_env(), quiet=True) as ready, open_driver(ready) as driver:
        apply_migrations(driver, ready.neo4j_database)
        yield driver, ready.neo4j_database


def _run(action: Callable[[Any, str], int]) -> int:
    from pith_graph.service.errors import ServiceError
    from pith_graph.store.errors import StoreUnavailable

    try:
        with _database() as (driver, database):
            return action(driver, database)
    except ServiceError as exc:
        print(f"pith-graph tokens: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except StoreUnavailable as exc:
        print(f"pith-graph tokens: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE


def _create(args: argparse.Namespace) -> int:
    from pith_graph.service import tokens

    def action(driver: Any, database: str) -> int:
        token, info = tokens.create_token(driver, database, args.scope, args.label)
        print(token)
        print(
            f"created token {info['token_id']} (scopes: {', '.join(info['scopes'])}); "
            "it is shown only now: send it as 'Authorization: Bearer <token>'",
            file=sys.stderr,
        )
        return EXIT_OK

    return _run(action)


def _list(args: argparse.Namespace) -> int:
    from pith_graph.service import tokens

    def action(driver: Any, database: str) -> int:
        rows = tokens.list_tokens(driver, database)
        if args.json:
            print(json.dumps(rows, indent=2))
            return EXIT_OK
        if not rows:
            print("no tokens; create one with `pith-graph tokens create --scope register`")
        for row in rows:
            state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
            label = row["label"] or ""
            print(f"{row['token_id']}\t{','.join(row['scopes'])}\t{state}\t{row['created_at']}\t{label}")
        return EXIT_OK

    return _run(action)


def _revoke(args: argparse.Namespace) -> int:
    from pith_graph.service import tokens

    def action(driver: Any, database: str) -> int:
        at = tokens.revoke_token(driver, database, args.token_id)
        print(f"revoked {args.token_id} at {at}")
        return EXIT_OK

    return _run(action)
