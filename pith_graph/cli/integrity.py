"""``pith-graph integrity run [--detector NAME …] [--retractions FILE]``: run the detectors.

Incremental and idempotent (see :mod:`pith_graph.service.integrity`): only papers changed since a
detector's last run are looked at, unless the detector is new, of a new version, or given another
retraction list; running twice changes nothing the second time. A progress bar on a terminal,
plain lines otherwise; a summary at the end (``--json`` for a machine-readable one).

Exit codes: 0 done, 2 usage error (unknown detector, unreadable retraction list), 4 the database
or the signing key is unavailable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pith_graph.config import Settings

EXIT_OK, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 2, 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pith_graph.core.integrity import DETECTORS

    parser = subparsers.add_parser("integrity", help="integrity detectors and their findings")
    commands = parser.add_subparsers(dest="integrity_command", metavar="SUBCOMMAND", required=True)
    run = commands.add_parser(
        "run",
        help="run the detectors on what changed since their last run",
        description="Run the integrity detectors (all by default) on the papers changed since "
        "their last run; each finding is signed as a pith.integrity.v1 event and appended to the "
        "transparency log; a finding whose evidence is gone is rescinded. Detectors: "
        + ", ".join(DETECTORS)
        + ". Exit codes: 0 done, 2 usage error, 4 database or signing key unavailable.",
    )
    run.add_argument(
        "--detector",
        action="append",
        metavar="NAME",
        help="run only this detector (repeatable)",
    )
    run.add_argument(
        "--retractions",
        metavar="FILE",
        help="Retraction Watch CSV enabling cited_work_retraction",
    )
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.add_argument(
        "--progress-interval", type=float, default=5.0, help="seconds between plain progress lines"
    )
    run.set_defaults(func=_run)


class ConsoleRunProgress:
    """A rich bar on a terminal; plain periodic lines otherwise."""

    def __init__(self, err: TextIO | None = None, *, tty: bool | None = None, interval: float = 5.0):
        self.err = err or sys.stderr
        self.tty = self.err.isatty() if tty is None else tty
        self.interval = interval
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._done = 0
        self._total = 0
        self._last = 0.0
        self._started = time.monotonic()

    def start(self, total: int, description: str) -> None:
        self._total, self._done, self._started = total, 0, time.monotonic()
        if self.tty:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.err),
            )
            self._progress.start()
            self._task = self._progress.add_task(description, total=total)
        else:
            print(f"{description}: {total} papers", file=self.err, flush=True)
            self._last = time.monotonic()

    def advance(self, n: int) -> None:
        self._done += n
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self._done)
        elif time.monotonic() - self._last >= self.interval:
            self._last = time.monotonic()
            share = self._done / self._total if self._total else 1.0
            print(f"integrity: {self._done}/{self._total} ({share:.0%})", file=self.err, flush=True)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def summary_lines(report: Any) -> list[str]:
    lines = [
        f"integrity: {report.subjects} papers examined in {report.seconds:.1f} s"
        + (f" (full run: {', '.join(report.full)})" if report.full else " (changed papers only)")
    ]
    for name in report.detectors:
        lines.append(
            f"  {name}: {report.active.get(name, 0)} active; this run "
            f"+{report.emitted[name]} new, -{report.rescinded[name]} rescinded, "
            f"{report.revived[name]} revived"
        )
    return lines


def run_detectors(
    settings: Settings,
    progress: Any,
    *,
    detectors: list[str] | None = None,
    retractions: Any = None,
) -> Any:
    """Run on ``settings.neo4j_uri`` (which must answer); return the report. Raises the
    service's and the store's errors."""
    from pith_graph.service.integrity import run_integrity
    from pith_graph.service.keys import registry_signing_key
    from pith_graph.store.driver import open_async_driver
    from pith_graph.store.migrations import apply_migrations_async

    key = registry_signing_key(settings.data_dir)

    async def main() -> Any:
        driver = open_async_driver(settings)
        try:
            await apply_migrations_async(driver, settings.neo4j_database)
            return await run_integrity(
                driver,
                settings.neo4j_database,
                key,
                detectors=detectors,
                retractions=retractions,
                progress=progress,
            )
        finally:
            await driver.close()

    report = asyncio.run(main())
    if report.changed:
        # A write on this host: the API processes' cached GraphQL answers are stale now.
        from pith_graph.http.caching import WriteGeneration

        WriteGeneration(settings.data_dir).bump()
    return report


def _run(args: argparse.Namespace) -> int:
    from neo4j.exceptions import ServiceUnavailable

    from pith_graph import keystore
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.core.integrity import DETECTORS
    from pith_graph.service.integrity import UnknownDetector, load_retraction_list
    from pith_graph.store.errors import StoreUnavailable

    unknown = sorted(set(args.detector or ()) - set(DETECTORS))
    if unknown:
        print(
            f"pith-graph integrity: unknown detector(s) {unknown}; the detectors are "
            f"{list(DETECTORS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    retractions = None
    if args.retractions:
        try:
            retractions = load_retraction_list(args.retractions)
        except (OSError, ValueError) as exc:
            print(f"pith-graph integrity: cannot read {args.retractions}: {exc}", file=sys.stderr)
            return EXIT_USAGE
    progress = ConsoleRunProgress(interval=args.progress_interval)
    try:
        with connected_settings(Settings.from_env()) as ready:
            report = run_detectors(
                ready, progress, detectors=args.detector, retractions=retractions
            )
    except UnknownDetector as exc:
        print(f"pith-graph integrity: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ServiceUnavailable, StoreUnavailable, keystore.KeyStoreError) as exc:
        print(f"pith-graph integrity: unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if args.json:
        print(json.dumps(report.to_json(), sort_keys=True))
    else:
        print("\n".join(summary_lines(report)))
    return EXIT_OK
