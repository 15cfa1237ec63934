"""``pith-graph ingest FILE...``: bulk ingest of arXiv metadata and citation edge lists.

Exit codes:

- 0: every line was ingested, found unchanged, or skipped with a stated reason;
- 1: finished, but malformed lines were reported (``file:line: malformed: reason``) and skipped;
- 2: usage error: a file cannot be read or its format not detected (nothing written);
- 3: ``--strict`` stopped at the first malformed line (batches before it are written; a
  re-run after fixing the file completes the ingest);
- 4: the database or the signing key is unavailable.

``--bulk`` loads an empty registry with Neo4j's offline importer (:mod:`pith_graph.ingest.bulk`):
the same graph, much faster. It needs the local store (``NEO4J_URI`` unset) and refuses a store
that holds anything (exit 2), or one whose launcher is running (exit 2: stop it first).
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
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="load an EMPTY registry with Neo4j's offline importer (the same graph, much faster; "
        "local store only, its server stopped)",
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="--bulk: processes that hash and sign"
    )
    parser.add_argument(
        "--no-integrity",
        dest="integrity",
        action="store_false",
        help="do not run the integrity detectors on what was written (pith-graph integrity run)",
    )
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
    if args.bulk:
        return run_bulk(Settings.from_env(), files, reporter, args)
    return run_ingest(Settings.from_env(), files, reporter, args)


class _BulkConsole:
    """Phases and progress of ``--bulk`` on stderr, problems like ``ingest``'s."""

    def __init__(self, console: object) -> None:
        self.console = console

    def phase(self, name: str, seconds: float, detail: str) -> None:
        print(f"bulk: {name:<9} {seconds:8.1f} s  {detail}", file=sys.stderr, flush=True)

    def progress(self, name: str, detail: str) -> None:
        print(f"bulk: {name}: {detail}", file=sys.stderr, flush=True)

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        self.console.problem(file, line, kind, reason)  # type: ignore[attr-defined]


def _store_node_count(settings: Settings) -> int:
    """Start the local store on a free port and count what it holds (0: an empty registry)."""
    from pith_graph.neo4j_local import LocalNeo4j, free_port
    from pith_graph.store.bulk_load import registry_node_count
    from pith_graph.store.driver import open_driver

    with LocalNeo4j(
        data_dir=settings.local_neo4j_dir, port=free_port(), heap="1g", page_cache="256m"
    ) as server, open_driver(settings.with_neo4j_uri(server.uri)) as driver:
        return registry_node_count(driver, settings.neo4j_database)


def run_bulk(
    settings: Settings, files: list[tuple[Path, Format]], reporter: object, args: argparse.Namespace
) -> int:
    import time

    from pith_graph import keystore
    from pith_graph.ingest.bulk import BulkImportError, StoreNotEmpty, bulk_import
    from pith_graph.neo4j_local import LocalNeo4jError, running_launcher

    if not settings.uses_local_neo4j:
        print(
            "pith-graph ingest: --bulk writes the local store with Neo4j's offline importer; "
            "unset NEO4J_URI (or load a server with neo4j-admin yourself)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    live = running_launcher(settings.local_neo4j_dir)
    if live is not None:
        print(
            f"pith-graph ingest: --bulk needs the store closed, but its Neo4j is running "
            f"(pid {live.pid}); stop `pith-graph serve` / `db start` first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not 1 <= args.processes <= 64:
        print("pith-graph ingest: --processes must be 1..64", file=sys.stderr)
        return EXIT_USAGE
    try:
        key = _signing_key(settings.data_dir)
    except keystore.KeyStoreError as exc:
        print(f"pith-graph ingest: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    started = time.monotonic()
    try:
        report = bulk_import(
            files,
            settings.local_neo4j_dir,
            key,
            datetime.now(UTC),
            _BulkConsole(reporter),
            processes=args.processes,
            strict=args.strict,
            database=settings.neo4j_database,
            check_empty=lambda _: _store_node_count(settings),
        )
    except StoreNotEmpty as exc:
        print(f"pith-graph ingest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MalformedLine as exc:
        print(f"pith-graph ingest: --strict: stopped at {exc} (nothing loaded)", file=sys.stderr)
        return EXIT_STRICT
    except (BulkImportError, LocalNeo4jError) as exc:
        print(f"pith-graph ingest: --bulk failed, the store is as it was: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    total = time.monotonic() - started
    print(f"bulk: {'total':<9} {total:8.1f} s", file=sys.stderr, flush=True)
    reporter.summary(report.stats, report.counts)  # type: ignore[attr-defined]
    return EXIT_MALFORMED if report.stats.malformed else EXIT_OK


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
            integrity = _integrity(ready, args)
    except (ServiceUnavailable, StoreUnavailable) as exc:
        print(f"pith-graph ingest: Neo4j unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    reporter.summary(stats, counts)  # type: ignore[attr-defined]
    if integrity:
        print("\n".join(integrity), flush=True)
    return EXIT_MALFORMED if stats.malformed else EXIT_OK


def _integrity(settings: Settings, args: argparse.Namespace) -> list[str]:
    """Run the integrity detectors on what the ingest changed (unless ``--no-integrity``)."""
    if not getattr(args, "integrity", False):
        return []
    from pith_graph.cli.integrity import ConsoleRunProgress, run_detectors, summary_lines

    interval = getattr(args, "progress_interval", 5.0)
    return summary_lines(run_detectors(settings, ConsoleRunProgress(interval=interval)))


def _signing_key(data_dir: Path):  # type: ignore[no-untyped-def]
    """The registry's current key; the first run on a fresh data directory creates one."""
    from pith_graph import keystore

    if keystore.load_signing_key_from_env() is None and not keystore.list_keys(data_dir):
        info = keystore.generate_key(data_dir)
        print(f"pith-graph ingest: created signing key {info.key_id}", file=sys.stderr)
    return keystore.load_signing_key(data_dir)
