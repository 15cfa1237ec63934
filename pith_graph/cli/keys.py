"""`pith-graph keys generate|rotate|list|publish`: manage the registry's signing keys."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pith_graph import keystore
from pith_graph.service.keys import published_keys


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="generate, rotate, list and publish signing keys")
    commands = parser.add_subparsers(dest="keys_command", metavar="SUBCOMMAND", required=True)
    generate = commands.add_parser("generate", help="create the first signing key")
    generate.add_argument("--key-id", default=None)
    generate.set_defaults(func=_generate)
    rotate = commands.add_parser("rotate", help="retire the current key and create a new one")
    rotate.add_argument("--key-id", default=None)
    rotate.set_defaults(func=_rotate)
    listing = commands.add_parser("list", help="list current and retired keys")
    listing.set_defaults(func=_list)
    publish = commands.add_parser("publish", help="print the public signing-key JSON document")
    publish.add_argument("--rotates-at", default=None, help="planned rotation time (ISO 8601)")
    publish.set_defaults(func=_publish)


def _run(action: Any) -> int:
    try:
        return int(action())
    except keystore.KeyStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _generate(args: argparse.Namespace) -> int:
    def action() -> int:
        info = keystore.generate_key(keystore.data_dir_from_env(), args.key_id)
        print(f"generated {info.key_id} (fingerprint {info.public_key.fingerprint})")
        return 0

    return _run(action)


def _rotate(args: argparse.Namespace) -> int:
    def action() -> int:
        info = keystore.rotate_key(keystore.data_dir_from_env(), args.key_id)
        print(f"rotated: {info.key_id} is current (fingerprint {info.public_key.fingerprint})")
        return 0

    return _run(action)


def _list(args: argparse.Namespace) -> int:
    def action() -> int:
        keys = keystore.list_keys(keystore.data_dir_from_env())
        if not keys:
            print("no keys; run `pith-graph keys generate`")
        for k in keys:
            retired = f" retired {k.retired_at}" if k.retired_at else ""
            print(
                f"{k.key_id}\t{k.status.value}\t{k.public_key.fingerprint}\tcreated {k.created_at}{retired}"
            )
        return 0

    return _run(action)


def _publish(args: argparse.Namespace) -> int:
    def action() -> int:
        document = published_keys(keystore.data_dir_from_env(), args.rotates_at)
        print(json.dumps(document, indent=2))
        return 0

    return _run(action)
