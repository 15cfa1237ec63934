"""``pith-graph ingest FILE...``: bulk ingest of arXiv metadata and citation edge lists.

Exit codes:

- 0: every line was ingested, found unchanged, or skipped with a stated reason;
- 1: finished, but malformed lines were reported (``file:line: malformed: reason``) and skipped;
- 2: usage error: a file cannot be read or its format not detected (nothing written);
- 3: ``--strict`` stopped at the first malformed line (batches before it are written; a
  re-run after fixing the file completes the ingest);
- 4: the database or the signing key is unavailable.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from pith_graph.config import Settings
from pith_graph.ingest.errors import MalformedLine, UnknownFormat
from pith_graph.ingest.formats import Format

EXIT_OK, EXIT_MALFORMED, EXIT_USAGE, EXIT_STRICT, EXIT_UNAVAILABLE = 0, 1, 2, 3, 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="bulk-ingest arXiv metadata and citation files (plain or gzip)",
        description="Register every paper of arXiv metadata files (Kaggle snapshot JSON lines) "
        "through the registration path (canonicalise, hash, sign, then one write per batch) and "
        "add the citations of edge-list files. Papers files go first. Idempotent and resumable. "
        "Exit codes: 0 ok, 1 malformed lines skipped, 2 usage error, 3 --strict stopped, "
        "4 database or signing key unavailable.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--format",
        choices=[f.value for f in Format],
        help="format of every FILE (default: detected from each file's first line)",
    )
    parser.add_argument("--strict", action="store_true", help="stop at the first malformed line")
    parser.add_argument("--batch-size", type=int, default=5000, help="papers per transaction")
    parser.add_argument(
        "--edge-batch-size", type=int, default=20000, help="citations per transaction"
    )
    parser.add_argument(
        "--progress-interval", type=float, default=5.0, help="seconds between plain progress lines"
    )
    parser.add_argument("--verbose", action="store_true", help="list every skipped line")
    parser.set_defaults(func=_ingest)


def _ingest(args: argparse.Namespace) -> int:
    from pith_graph.cli._progress import ConsoleReporter
    from pith_graph.ingest.reader import sniff_format

    files: list[tuple[Path, Format]] = []
    for path in args.files:
        if not path.is_file():
            print(f"pith-graph ingest: {path}: no such file", file=sys.stderr)
            return EXIT_USAGE
        try:
            fmt = Format(args.format) if args.format else sniff_format(path)
        except UnknownFormat as exc:
            print(f"pith-graph ingest: {exc}", file=sys.stderr)
            return EXIT_USAGE
        files.append((path, fmt))
    reporter = ConsoleReporter(interval=args.progress_interval, verbose=args.verbose)
    return run_ingest(Settings.from_env(), files, reporter, args)


def run_ingest(
    settings: Settings, files: list[tuple[Path, Format]], reporter: object, args: argparse.Namespace
) -> int:
    from neo4j.exceptions import ServiceUnavailable

    from pith_graph import keystore
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.ingest.pipeline import Ingestor
    from pith_graph.store import graph_content as store
    from pith_graph.store.driver import open_driver
    from pith_graph.store.errors import StoreUnavailable
    from pith_graph.store.migrations import apply_migrations

    try:
        key = _signing_key(settings.data_dir)
    except keystore.KeyStoreError as exc:
        print(f"pith-graph ingest: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    try:
        with connected_settings(settings) as ready, open_driver(ready) as driver:
            apply_migrations(driver, ready.neo4j_database)
            ingestor = Ingestor(
                driver,
                ready.neo4j_database,
                key,
                reporter,  # type: ignore[arg-type]
                clock=lambda: datetime.now(UTC),
                strict=args.strict,
                batch_size=args.batch_size,
                edge_batch_size=args.edge_batch_size,
            )
            try:
                stats = ingestor.run(files)
            except MalformedLine as exc:
                print(f"pith-graph ingest: --strict: stopped at {exc}", file=sys.stderr)
                return EXIT_STRICT
            counts = store.graph_counts(driver, ready.neo4j_database)
    except (ServiceUnavailable, StoreUnavailable) as exc:
        print(f"pith-graph ingest: Neo4j unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    reporter.summary(stats, counts)  # type: ignore[attr-defined]
    return EXIT_MALFORMED if stats.malformed else EXIT_OK


def _signing_key(data_dir: Path):  # type: ignore[no-untyped-def]
    """The registry's current key; the first run on a fresh data directory creates one."""
    from pith_graph import keystore

    if keystore.load_signing_key_from_env() is None and not keystore.list_keys(data_dir):
        info = keystore.generate_key(data_dir)
        print(f"pith-graph ingest: created signing key {info.key_id}", file=sys.stderr)
    return keystore.load_signing_key(data_dir)
