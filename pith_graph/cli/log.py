"""`pith-graph log verify FILE`: check an inclusion or consistency proof offline (schema/log.md).

Only the registry's public key is needed: ``--public-key`` (64 hex) or ``--key-file`` (the
published signing-key JSON, ``public_key_hex``). Exit 0 verified, 1 not verified, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pith_graph.core.log import verify_proof_document
from pith_graph.core.merkle import InvalidProof
from pith_graph.core.signing import PublicKey


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("log", help="the transparency log: verify proofs offline")
    commands = parser.add_subparsers(dest="log_command", metavar="SUBCOMMAND", required=True)
    verify = commands.add_parser("verify", help="verify an inclusion or consistency proof document")
    verify.add_argument("file", help="proof JSON as served by GraphQL, or - for stdin")
    key = verify.add_mutually_exclusive_group(required=True)
    key.add_argument("--public-key", help="the registry's raw Ed25519 public key, 64 hex")
    key.add_argument("--key-file", help="the published signing-key JSON document")
    verify.set_defaults(func=_verify)


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _public_key(args: argparse.Namespace) -> PublicKey:
    if args.key_file:
        with open(args.key_file, encoding="utf-8") as handle:
            doc = json.load(handle)
        return PublicKey(str(doc.get("key_id") or "registry"), bytes.fromhex(doc["public_key_hex"]))
    return PublicKey("registry", bytes.fromhex(args.public_key))


def _verify(args: argparse.Namespace) -> int:
    try:
        key = _public_key(args)
        if args.file == "-":
            document = json.loads(sys.stdin.read())
        else:
            with open(args.file, encoding="utf-8") as handle:
                document = json.load(handle)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _error(f"cannot read the key or the proof: {exc}")
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        # A whole GraphQL response: take the one proof document in it.
        found = [v for v in document["data"].values() if isinstance(v, dict)]
        document = found[0] if len(found) == 1 else document
    try:
        summary = verify_proof_document(document, key)
    except InvalidProof as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    print(f"verified: {summary}")
    return 0
