"""`pith-graph bundle export|import|state`: portable, signed graph bundles (schema/merge-rules.md).

Exit codes: 0 done, 1 the bundle does not verify / the record is unknown, 2 bad input or setup.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver

from pith_graph import keystore
from pith_graph.cli._async_db import run_with_driver
from pith_graph.config import Settings
from pith_graph.core.bundle import InvalidBundle
from pith_graph.core.errors import InvalidAlias
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.service import bundles
from pith_graph.service.events import EventRefused


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("bundle", help="export, import and merge signed graph bundles")
    commands = parser.add_subparsers(dest="bundle_command", metavar="SUBCOMMAND", required=True)
    export = commands.add_parser("export", help="print the signed bundle of a pith number")
    export.add_argument("pith", help="full pith number pith:YYYY:BODY")
    export.add_argument("-o", "--output", default="-", help="file to write (default stdout)")
    export.set_defaults(func=_export)
    imp = commands.add_parser(
        "import",
        help="verify every signature of a bundle, then store it (or every bundle of an export)",
    )
    imp.add_argument(
        "file",
        help="bundle JSON file, - for stdin, or a directory written by `pith-graph export --all` "
        "(its bundles/*.json, each verified and stored)",
    )
    imp.add_argument(
        "--trust-bundle-key",
        action="store_true",
        help="trust the registry key the bundle names (first import from a new mirror)",
    )
    imp.set_defaults(func=_import)
    state = commands.add_parser(
        "state", help="print the merged state.json of a bundle file (offline)"
    )
    state.add_argument("file", help="bundle JSON file, or - for stdin")
    state.add_argument("--trust-bundle-key", action="store_true")
    state.set_defaults(func=_state)


def _read_json(source: str) -> Any:
    if source == "-":
        return json.loads(sys.stdin.read())
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def _write(document: Any, target: str) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)


def _error(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _export(args: argparse.Namespace) -> int:
    try:
        pith = parse_pith_number(args.pith).full
        key = keystore.load_signing_key(keystore.data_dir_from_env())
    except (InvalidAlias, keystore.KeyStoreError) as exc:
        return _error(str(exc), 2)

    async def go(driver: AsyncDriver, settings: Settings) -> dict[str, Any]:
        return await bundles.export_bundle(driver, settings.neo4j_database, key, pith)

    try:
        document = run_with_driver(go)
    except EventRefused as exc:
        return _error(str(exc), 1)
    _write(document, args.output)
    return 0


def _import(args: argparse.Namespace) -> int:
    if args.file != "-" and Path(args.file).is_dir():
        return _import_directory(Path(args.file), args.trust_bundle_key)
    try:
        document = _read_json(args.file)
        trust = keystore.trust_store_for(keystore.data_dir_from_env())
    except (OSError, ValueError, keystore.KeyStoreError) as exc:
        return _error(f"cannot read {args.file}: {exc}", 2)

    async def go(driver: AsyncDriver, settings: Settings) -> bundles.ImportReport:
        return await bundles.import_bundle(
            driver, settings.neo4j_database, document, trust, datetime.now(UTC),
            trust_bundle_key=args.trust_bundle_key,
        )  # fmt: skip

    try:
        report = run_with_driver(go)
    except InvalidBundle as exc:
        return _error(f"bundle refused, nothing stored: {exc}", 1)
    _write(report.to_json(), "-")
    return 0


def _import_directory(directory: Path, trust_bundle_key: bool) -> int:
    """Import every bundle of an export directory; a refused one is reported, the rest go on."""
    files = sorted((directory / "bundles").glob("*.json"))
    if not files:
        return _error(f"{directory} has no bundles/*.json: not a `pith-graph export --all` directory", 2)
    trust = keystore.trust_store_for(keystore.data_dir_from_env())

    async def go(driver: AsyncDriver, settings: Settings) -> tuple[int, int, list[str]]:
        created = stored = 0
        refused: list[str] = []
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                report = await bundles.import_bundle(
                    driver, settings.neo4j_database, document, trust, datetime.now(UTC),
                    trust_bundle_key=trust_bundle_key,
                )  # fmt: skip
            except (InvalidBundle, ValueError) as exc:
                refused.append(f"{path.name}: {exc}")
                continue
            created += int(report.paper_created)
            stored += 1
        return created, stored, refused

    created, stored, refused = run_with_driver(go)
    for line in refused:
        print(f"refused {line}", file=sys.stderr)
    print(f"imported {stored} of {len(files)} bundles from {directory} ({created} new papers)")
    return 1 if refused else 0


def _state(args: argparse.Namespace) -> int:
    try:
        document = _read_json(args.file)
        trust = keystore.trust_store_for(keystore.data_dir_from_env())
    except (OSError, ValueError, keystore.KeyStoreError) as exc:
        return _error(f"cannot read {args.file}: {exc}", 2)
    from pith_graph.core.bundle import verify_bundle
    from pith_graph.core.signing import PublicKey
    from pith_graph.core.trust import KeyStatus

    try:
        if args.trust_bundle_key:
            key_doc = document.get("registry_key") or {}
            trust = trust.with_key(
                PublicKey(
                    str(key_doc.get("key_id")), bytes.fromhex(str(key_doc.get("public_key")))
                ),
                KeyStatus.EXTERNAL,
            )
        verify_bundle(document, trust)
    except (InvalidBundle, ValueError) as exc:
        return _error(f"bundle does not verify: {exc}", 1)
    _write(bundles.bundle_state(document, trust), "-")
    return 0
