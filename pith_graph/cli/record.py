"""`pith-graph record build|verify`: make a signed v1 record from metadata; check one."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from pith_graph import keystore
from pith_graph.core import (
    InvalidMetadata,
    InvalidRecord,
    build_record_document,
    canonical_record,
    issue_receipt,
    parse_metadata,
    pith_number_for,
    record_digest,
    verify_record_document,
)
from pith_graph.core.document import DEFAULT_BASE_URL


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("record", help="build or verify pith_number_record documents")
    commands = parser.add_subparsers(dest="record_command", metavar="SUBCOMMAND", required=True)

    build = commands.add_parser(
        "build", help="metadata JSON on stdin -> signed v1 record on stdout"
    )
    build.add_argument(
        "--base-url", default=DEFAULT_BASE_URL, help="base URL of links (default %(default)s)"
    )
    build.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
    build.set_defaults(func=_build)

    verify = commands.add_parser(
        "verify", help="check hash, number, aliases and receipt of a record"
    )
    verify.add_argument("file", help="record JSON file, or - for stdin")
    verify.set_defaults(func=_verify)

    from pith_graph.cli.record_import import add_parser as add_import_parser

    add_import_parser(commands)


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _read_json(source: str) -> Any:
    if source == "-":
        return json.loads(sys.stdin.read())
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def _build(args: argparse.Namespace) -> int:
    data_dir = keystore.data_dir_from_env()
    try:
        raw = _read_json("-")
        meta = parse_metadata(raw)
    except json.JSONDecodeError as exc:
        return _error(f"stdin is not JSON: {exc}")
    except InvalidMetadata as exc:
        return _error(str(exc))
    try:
        if keystore.load_signing_key_from_env() is None and not keystore.list_keys(data_dir):
            info = keystore.generate_key(data_dir)
            where = keystore.keys_dir(data_dir)
            print(f"no signing key found: generated {info.key_id} in {where}", file=sys.stderr)
        key = keystore.load_signing_key(data_dir)
    except keystore.KeyStoreError as exc:
        return _error(str(exc))
    now = datetime.now(UTC)
    record = canonical_record(meta)
    digest = record_digest(record)
    pith = pith_number_for(digest, record.submitted_year)
    receipt = issue_receipt(key, digest, now)
    doc = build_record_document(
        meta,
        record,
        digest,
        pith,
        receipt,
        aliases_created_at=now,
        created_at=now,
        updated_at=now,
        base_url=args.base_url,
    )
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=args.indent) + "\n")
    return 0


def _verify(args: argparse.Namespace) -> int:
    try:
        doc = _read_json(args.file)
    except OSError as exc:
        return _error(f"cannot read {args.file}: {exc.strerror}")
    except json.JSONDecodeError as exc:
        return _error(f"{args.file} is not JSON: {exc}")
    try:
        trust = keystore.trust_store_for(keystore.data_dir_from_env())
        report = verify_record_document(doc, trust)
    except (InvalidRecord, keystore.KeyStoreError) as exc:
        return _error(str(exc))
    if report.ok and not any(c.status == "ok" for c in report.checks):
        # Nothing present could be checked: that is not a valid record.
        print("FAIL nothing to verify: no canonical_record, canonical_sha256 or pith_number")
        return 1
    print(report.summary_line())
    return 0 if report.ok else 1
