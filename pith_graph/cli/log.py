"""`pith-graph log verify FILE`: check an inclusion or consistency proof, or a checkpoint, offline.

Only the registry's public key is needed: ``--public-key`` (64 hex) or ``--key-file`` (the
published signing-key JSON, ``public_key_hex``). FILE is a proof document (schema/log.md), a whole
GraphQL response holding one, or a C2SP checkpoint note (``/log/checkpoint``). With ``--witness
VKEY`` (repeatable) and ``--min-witnesses K``, the checkpoint (the proof's ``checkpoint`` for a
proof document) must also carry valid cosignatures of at least K of those witnesses, and be the
checkpoint of the proven tree. Exit 0 verified, 1 not verified, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pith_graph.core.log import verify_cosigned_checkpoint, verify_proof_document
from pith_graph.core.merkle import InvalidProof
from pith_graph.core.note import ALG_COSIGNATURE_V1, InvalidNote, NoteVerifier, parse_vkey
from pith_graph.core.signing import PublicKey


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("log", help="the transparency log: verify proofs offline")
    commands = parser.add_subparsers(dest="log_command", metavar="SUBCOMMAND", required=True)
    verify = commands.add_parser(
        "verify", help="verify an inclusion or consistency proof document, or a checkpoint note"
    )
    verify.add_argument("file", help="proof JSON as served by GraphQL, a checkpoint note, or -")
    key = verify.add_mutually_exclusive_group(required=True)
    key.add_argument("--public-key", help="the registry's raw Ed25519 public key, 64 hex")
    key.add_argument("--key-file", help="the published signing-key JSON document")
    verify.add_argument(
        "--witness",
        action="append",
        default=[],
        metavar="VKEY",
        help="a witness's cosignature/v1 vkey (name+id+base64 key); repeat for several",
    )
    verify.add_argument(
        "--min-witnesses",
        type=int,
        default=None,
        metavar="K",
        help="cosignatures required of the given witnesses (default: all of them)",
    )
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


def _witnesses(args: argparse.Namespace) -> tuple[list[NoteVerifier], int]:
    witnesses = [parse_vkey(v) for v in args.witness]
    if any(w.algorithm != ALG_COSIGNATURE_V1 for w in witnesses):
        raise ValueError("a --witness vkey is a cosignature/v1 key (algorithm 0x04)")
    needed = len(witnesses) if args.min_witnesses is None else args.min_witnesses
    if not 0 <= needed <= len(witnesses):
        raise ValueError(f"--min-witnesses {needed} is outside 0..{len(witnesses)}")
    return witnesses, needed


def _proven_tree(document: Any) -> tuple[int | None, str | None]:
    head = document.get("signed_tree_head") or document.get("second_tree_head") or {}
    tree = head.get("tree_head") or {}
    return tree.get("tree_size"), tree.get("root_hash")


def _verify(args: argparse.Namespace) -> int:
    try:
        key = _public_key(args)
        witnesses, needed = _witnesses(args)
        if args.file == "-":
            raw = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                raw = handle.read()
        document: Any = json.loads(raw) if raw.lstrip().startswith(("{", "[")) else None
    except (OSError, ValueError, KeyError, TypeError, InvalidNote) as exc:
        return _error(f"cannot read the key, the witnesses or the input: {exc}")
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        # A whole GraphQL response: take the one proof document in it.
        found = [v for v in document["data"].values() if isinstance(v, dict)]
        document = found[0] if len(found) == 1 else document
        if isinstance(document, dict) and isinstance(document.get("document"), dict):
            document = document["document"]
    try:
        if document is None:  # a checkpoint note
            checkpoint, cosigners = verify_cosigned_checkpoint(raw, key, witnesses, needed)
            print(
                f"verified: checkpoint {checkpoint.origin} size {checkpoint.size} "
                f"(root {checkpoint.root_hash.hex()}), cosigned by {len(cosigners)} of "
                f"{len(witnesses)} witnesses{': ' + ', '.join(cosigners) if cosigners else ''}"
            )
            return 0
        summary = verify_proof_document(document, key)
        if witnesses or args.min_witnesses:
            note = document.get("checkpoint")
            if not isinstance(note, str):
                raise InvalidProof("the proof carries no checkpoint to check witnesses on")
            checkpoint, cosigners = verify_cosigned_checkpoint(note, key, witnesses, needed)
            if (checkpoint.size, checkpoint.root_hash.hex()) != _proven_tree(document):
                raise InvalidProof("the checkpoint is not the one of the proven tree")
            summary += f"; checkpoint cosigned by {len(cosigners)} of {len(witnesses)} witnesses"
    except InvalidProof as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    print(f"verified: {summary}")
    return 0
