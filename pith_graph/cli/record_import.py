"""`pith-graph record import FILE`: verify a v1 record with the trust store, then store it.

The same path as the GraphQL ``importRecord`` mutation (:mod:`pith_graph.service.importing`):
a record that does not verify is refused with the reason and nothing is written.
Exit codes: 0 imported (or already there), 1 refused, 2 unreadable input, 3 Neo4j unavailable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pith_graph.config import Settings

__all__ = ["add_parser", "import_record_file"]

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import", help="verify a v1 record (trust store) and store it in the graph"
    )
    parser.add_argument("file", help="record JSON file, or - for stdin")
    parser.set_defaults(func=_import)


def _import(args: argparse.Namespace) -> int:
    from pith_graph.config import Settings

    return import_record_file(Settings.from_env(), args.file)


def import_record_file(settings: Settings, file: str) -> int:
    """Verify and store the record in ``file`` (``-``: stdin) with ``settings``; an exit code."""
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.service.errors import BadInput
    from pith_graph.service.importing import import_record
    from pith_graph.service.keys import registry_trust_store
    from pith_graph.store.driver import open_driver
    from pith_graph.store.errors import StoreUnavailable
    from pith_graph.store.migrations import apply_migrations

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text("utf-8")
        doc: Any = json.loads(text)
    except (OSError, ValueError) as exc:
        print(f"pith-graph record import: cannot read {file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    trust = registry_trust_store(settings.data_dir)
    try:
        with connected_settings(settings, quiet=True) as ready, open_driver(ready) as driver:
            apply_migrations(driver, ready.neo4j_database)
            pith = import_record(driver, ready.neo4j_database, doc, trust)
    except BadInput as exc:
        print(f"pith-graph record import: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except StoreUnavailable as exc:
        print(f"pith-graph record import: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(pith)
    return EXIT_OK
